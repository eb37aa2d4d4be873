import { createMiddleware } from 'hono/factory';
import type { Env } from '../env.ts';
import { apiError } from '../http/errors.ts';
import { deviceForKey, type Device } from './queries.ts';

const DEVICE_KEY_HEADER = 'X-Device-Key';

const REFUSALS = {
  malformed: `${DEVICE_KEY_HEADER}: not a device key`,
  unknown: `${DEVICE_KEY_HEADER}: unknown device key`,
  revoked: `${DEVICE_KEY_HEADER}: this device key has been revoked`,
} as const;

/** Device routes: the request must be signed with a live key of a device of this kind. */
export const requireDevice = (kind: Device['kind']) =>
  createMiddleware<Env>(async (c, next) => {
    const key = c.req.header(DEVICE_KEY_HEADER);
    if (!key) throw apiError(401, `${DEVICE_KEY_HEADER}: a device key is required`);
    const check = await deviceForKey(c.var.db, key);
    if ('problem' in check) throw apiError(401, REFUSALS[check.problem]);
    if (check.device.kind !== kind) throw apiError(403, `${DEVICE_KEY_HEADER}: a ${check.device.kind} key cannot write ${kind} data`);
    c.set('device', check.device);
    await next();
  });
