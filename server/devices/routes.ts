import { Hono } from 'hono';
import { z } from 'zod';
import { recordAudit } from '../audit/queries.ts';
import { actorOf, requireViewer } from '../auth/middleware.ts';
import { canManageAccess } from '../auth/policy.ts';
import type { Env } from '../env.ts';
import { apiError, badRequest } from '../http/errors.ts';
import { integer, validate } from '../http/validate.ts';
import { createDevice, getDevice, listDevices, revokeDevice } from './queries.ts';

const adminOnly = requireViewer(canManageAccess, 'only administrators manage device keys');

const newDeviceBody = z
  .object({
    kind: z.enum(['sensor', 'truck']),
    code: z.string().trim().min(1).max(16),
    label: z.string().trim().min(1).max(100).optional(),
  })
  .strict();

export const deviceRoutes = new Hono<Env>()
  .get('/devices', adminOnly, async (c) => c.json(await listDevices(c.var.db)))
  .post('/devices', adminOnly, validate('json', newDeviceBody), async (c) => {
    const { kind, code, label } = c.req.valid('json');
    const created = await c.var.db.transaction(async (tx) => {
      const made = await createDevice(tx, kind, code, label ?? `${kind} ${code}`);
      if (!made) throw badRequest('code', `code: no ${kind} with code "${code}"`);
      // The key itself is never recorded, not even in the audit trail.
      await recordAudit(tx, actorOf(c), { action: 'create', entity: 'device', entityId: made.device.id, after: made.device });
      return made;
    });
    return c.json(created, 201);
  })
  .post('/devices/:id/revoke', adminOnly, validate('param', z.object({ id: integer(1, 2 ** 31 - 1) })), async (c) => {
    const { id } = c.req.valid('param');
    const device = await c.var.db.transaction(async (tx) => {
      const before = await getDevice(tx, id);
      if (!before) throw apiError(404, `no device ${id}`);
      const revoked = await revokeDevice(tx, id);
      await recordAudit(tx, actorOf(c), { action: 'revoke', entity: 'device', entityId: id, before, after: revoked });
      return revoked;
    });
    return c.json(device);
  });
