import { Hono } from 'hono';
import { z } from 'zod';
import city from '../../data/khonkaen/city.json' with { type: 'json' };
import { requireViewer } from '../auth/middleware.ts';
import { canSeeWasteRounds, canSeeWasteSummary, zoneScope } from '../auth/policy.ts';
import { bangkokDate } from '../clock.ts';
import type { Queryable } from '../db/index.ts';
import type { Env } from '../env.ts';
import { apiError, badRequest } from '../http/errors.ts';
import { integer, validate } from '../http/validate.ts';
import { pickups, summary } from './queries/pickups.ts';
import { costMatrix, drivenMetres, hasPgRouting, networkLine, planStops, round, roundOn, rounds, straightMatrix } from './queries/rounds.ts';

const DEPOT = city.waste_depot.at as [number, number];
/** A summary over more days than this is a report, not a dashboard figure. */
const MAX_SUMMARY_DAYS = 366;

const roundParam = z.object({ id: integer(1, 32_767) });
const date = z.iso.date().optional();
const staffOnly = requireViewer(canSeeWasteRounds, 'waste rounds are for signed-in staff');
const notFound = (id: number) => apiError(404, `no round ${id}`, 'id');

/** A tour's length: from the depot (0) through `order` and back. */
const tourLength = (m: number[][], order: number[]) => {
  let total = 0;
  let at = 0;
  for (const next of [...order, 0]) {
    total += (m[at] as number[])[next] as number;
    at = next;
  }
  return total;
};

/** Nearest neighbour from the depot, then 2-opt until no reversal shortens the tour. */
function shortTour(m: number[][]): number[] {
  const left = new Set(m.map((_, i) => i).slice(1));
  const tour: number[] = [];
  for (let at = 0; left.size > 0; ) {
    const row = m[at] as number[];
    const next = [...left].reduce((best, i) => ((row[i] as number) < (row[best] as number) ? i : best));
    tour.push(next);
    left.delete(next);
    at = next;
  }
  for (let better = true; better; ) {
    better = false;
    for (let i = 0; i < tour.length - 1; i++) {
      for (let j = i + 1; j < tour.length; j++) {
        const candidate = [...tour.slice(0, i), ...tour.slice(i, j + 1).reverse(), ...tour.slice(j + 1)];
        if (tourLength(m, candidate) < tourLength(m, tour) - 1e-6) {
          tour.splice(0, tour.length, ...candidate);
          better = true;
        }
      }
    }
  }
  return tour;
}

/**
 * A shorter order for a round's points: over network distances on the street graph where the
 * database has pgRouting, over straight lines elsewhere (the embedded engine). The current order
 * is kept when nothing shorter is found.
 */
async function planRound(db: Queryable, id: number, zones: number[] | null, on: string) {
  const found = await roundOn(db, zones, id, on);
  if (!found) throw notFound(id);
  const { depot, points } = await planStops(db, id, DEPOT);
  const stops = [depot, ...points];
  const network = await hasPgRouting(db);
  let m: number[][];
  if (network) {
    const nodes = [...new Set(stops.map((s) => s.node_id))];
    const cost = new Map((await costMatrix(db, nodes)).map((c) => [`${c.start_vid}:${c.end_vid}`, c.agg_cost]));
    m = stops.map((a) => stops.map((b) => (a.node_id === b.node_id ? 0 : (cost.get(`${a.node_id}:${b.node_id}`) ?? Number.POSITIVE_INFINITY))));
  } else {
    m = await straightMatrix(db, stops);
  }
  const current = points.map((_, i) => i + 1);
  const shorter = shortTour(m);
  const proposed = tourLength(m, shorter) < tourLength(m, current) ? shorter : current;
  const via = [depot, ...proposed.map((i) => stops[i] as typeof depot), depot].map((s) => s.node_id).filter((n, i, all) => i === 0 || n !== all[i - 1]);
  return {
    engine: network ? ('pgrouting' as const) : ('nearest-neighbour' as const),
    distance: network ? ('network' as const) : ('straight' as const),
    order: proposed.map((i) => (stops[i] as typeof depot).id),
    current_m: Math.round(tourLength(m, current)),
    proposed_m: Math.round(tourLength(m, proposed)),
    driven_m: Math.round(await drivenMetres(db, found.truck_id, found.opens, found.closes)),
    line: network ? await networkLine(db, via) : null,
  };
}

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
