import city from '../../data/khonkaen/city.json' with { type: 'json' };
import type { Queryable } from '../db/index.ts';
import { apiError } from '../http/errors.ts';
import { costMatrix, drivenMetres, hasPgRouting, networkLine, planStops, roundOn, straightMatrix } from './queries/rounds.ts';

/**
 * Route planning for a round (issue 13): the distances come from the database (pgRouting's
 * street distances, or straight lines where it is missing); ordering a dozen points over that
 * matrix is a small search, done here.
 */

const DEPOT = city.waste_depot.at as [number, number];

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
export async function planRound(db: Queryable, id: number, zones: number[] | null, on: string) {
  const found = await roundOn(db, zones, id, on);
  if (!found) throw apiError(404, `no round ${id}`, 'id');
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
