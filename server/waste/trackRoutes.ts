import { Hono } from 'hono';
import { z } from 'zod';
import { canReadTruckTrack, canReadWasteOperations } from '../auth/policy.ts';
import { bangkokDate } from '../clock.ts';
import type { Env } from '../env.ts';
import { apiError } from '../http/errors.ts';
import { validate } from '../http/validate.ts';
import { truckByCode, truckDay } from './queries/track.ts';

const DAY_MS = 86_400_000;

const dayQuery = z.object({ date: z.iso.date({ error: 'expected a date, YYYY-MM-DD' }).optional() });

/** A truck's day replayed: its fixes, trips and stops (staff, in the truck's zone). */
export const trackRoutes = new Hono<Env>().get('/trucks/:code/track', validate('query', dayQuery), async (c) => {
  const viewer = c.var.viewer;
  if (!canReadWasteOperations(viewer)) throw apiError(401, 'sign in required');
  const code = c.req.param('code');
  const truck = await truckByCode(c.var.reads, code);
  // Another zone's truck answers as one that does not exist: its existence is not the viewer's business.
  if (!truck || !canReadTruckTrack(viewer, truck.zone_id)) throw apiError(404, `code: no truck ${code}`, 'code');
  const date = c.req.valid('query').date ?? bangkokDate(c.var.clock.now());
  // The Bangkok day (UTC+7 all year) as UTC instants.
  const from = new Date(`${date}T00:00:00+07:00`);
  const to = new Date(from.getTime() + DAY_MS);
  const day = await truckDay(c.var.reads, truck.id, from.toISOString(), to.toISOString());
  return c.json({ truck, date, from: from.toISOString(), to: to.toISOString(), ...day });
});
