import { Hono } from 'hono';
import { z } from 'zod';
import { requireViewer } from '../auth/middleware.ts';
import { canReadAudit } from '../auth/policy.ts';
import type { Env } from '../env.ts';
import { integer, validate } from '../http/validate.ts';
import { listAudit } from './queries.ts';

const name = z.string().min(1).max(64);
const instant = z.iso.datetime({ offset: true });

const auditQuery = z.object({
  actor: name.optional(),
  entity: name.optional(),
  entity_id: name.optional(),
  action: name.optional(),
  from: instant.optional(),
  to: instant.optional(),
  before_id: integer(1, Number.MAX_SAFE_INTEGER).optional(),
  limit: integer(1, 500).default(100),
});

// Read-only by design: there is no route here, or anywhere, that changes the audit trail.
export const auditRoutes = new Hono<Env>().get(
  '/audit',
  requireViewer(canReadAudit, 'the audit trail is for auditors and administrators'),
  validate('query', auditQuery),
  async (c) => c.json(await listAudit(c.var.db, c.req.valid('query'))),
);
