import { Hono } from 'hono';
import { z } from 'zod';
import { requireViewer } from '../auth/middleware.ts';
import { canSeeWasteRounds, canSeeWasteSummary, zoneScope } from '../auth/policy.ts';
import { bangkokDate } from '../clock.ts';
import type { Env } from '../env.ts';
import { apiError, badRequest } from '../http/errors.ts';
import { integer, validate } from '../http/validate.ts';
import { pickups, summary } from './queries/pickups.ts';
import { planRound } from './planning.ts';
import { round, rounds } from './queries/rounds.ts';

/** A summary over more days than this is a report, not a dashboard figure. */
const MAX_SUMMARY_DAYS = 366;

const roundParam = z.object({ id: integer(1, 32_767) });
const date = z.iso.date().optional();
const staffOnly = requireViewer(canSeeWasteRounds, 'waste rounds are for signed-in staff');
const notFound = (id: number) => apiError(404, `no round ${id}`, 'id');

export const roundRoutes = new Hono<Env>()
  .get('/waste/rounds', staffOnly, async (c) => c.json(await rounds(c.var.reads, zoneScope(c.var.viewer))))

  .get('/waste/rounds/:id', staffOnly, validate('param', roundParam), async (c) => {
    const { id } = c.req.valid('param');
    const found = await round(c.var.reads, zoneScope(c.var.viewer), id);
    if (!found) throw notFound(id);
    return c.json(found);
  })

  // How the round's points could be ordered, against how they are and what the truck drove.
  .get('/waste/rounds/:id/plan', staffOnly, validate('param', roundParam), validate('query', z.object({ date })), async (c) => {
    const on = c.req.valid('query').date ?? bangkokDate(c.var.clock.now());
    return c.json(await planRound(c.var.reads, c.req.valid('param').id, zoneScope(c.var.viewer), on));
  })

  // The points of the rounds that run on a date, served, late, missed or pending.
  .get(
    '/waste/pickups',
    staffOnly,
    validate('query', z.object({ date, zone: integer(1, 32_767).optional(), round: integer(1, 32_767).optional() })),
    async (c) => {
      const query = c.req.valid('query');
      const now = c.var.clock.now();
      return c.json(
        await pickups(c.var.reads, c.var.settings.waste.pickup, now, query.date ?? bangkokDate(now), {
          zones: zoneScope(c.var.viewer),
          zone: query.zone,
          round: query.round,
        }),
      );
    },
  )

  // The city's collection figures: by zone to everyone, by round to staff in their zones.
  .get('/waste/summary', validate('query', z.object({ date, from: date, by: z.enum(['zone', 'round']).default('zone') })), async (c) => {
    const query = c.req.valid('query');
    const viewer = c.var.viewer;
    if (!canSeeWasteSummary(viewer, query.by)) throw apiError(401, 'sign in required: figures by round are for signed-in staff', 'by');
    const now = c.var.clock.now();
    const to = query.date ?? bangkokDate(now);
    const from = query.from ?? to;
    if (from > to) throw badRequest('from', 'must not be after date');
    if ((Date.parse(to) - Date.parse(from)) / 86_400_000 >= MAX_SUMMARY_DAYS) throw badRequest('from', `at most ${MAX_SUMMARY_DAYS} days`);
    const rows = await summary(c.var.reads, c.var.settings.waste.pickup, now, from, to, query.by, zoneScope(viewer));
    return c.json({ from, to, by: query.by, rows });
  });
