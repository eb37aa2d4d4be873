import type { LineString, Point } from 'geojson';
import type { Queryable } from '../../db/index.ts';
import { queryFeatures } from '../../db/geojson.ts';

export interface RoundProperties {
  id: number;
  code: string;
  zone_id: number;
  truck_code: string;
  name_th: string;
  name_en: string;
  /** ISO days: 1 Monday … 7 Sunday. */
  days: number[];
  window_start: string;
  window_end: string;
  points: number;
  length_m: number;
}

export interface PointProperties {
  id: number;
  seq: number;
  kind: 'market' | 'community' | 'school' | 'hospital' | 'temple' | 'office';
  name_th: string;
  name_en: string;
  community_id: number | null;
}

const ROUND_COLUMNS = `r.id, r.code, r.zone_id, t.code AS truck_code, r.name_th, r.name_en, r.days::int[] AS days,
       to_char(r.window_start, 'HH24:MI') AS window_start, to_char(r.window_end, 'HH24:MI') AS window_end,
       (SELECT count(*)::int FROM pickup_points pp WHERE pp.round_id = r.id) AS points,
       round(ST_Length(r.route::geography))::int AS length_m, r.route AS geom`;

/** The rounds in `zones` (null: all), each along its route. */
export const rounds = (db: Queryable, zones: number[] | null) =>
  queryFeatures<LineString, RoundProperties>(
    db,
    `SELECT ${ROUND_COLUMNS}
     FROM rounds r JOIN trucks t ON t.id = r.truck_id
     WHERE $1::int[] IS NULL OR r.zone_id = ANY ($1::int[])
     ORDER BY r.id`,
    [zones],
  );

/** One round and its pickup points in order, or undefined if it is not in `zones` (or not at all). */
export async function round(db: Queryable, zones: number[] | null, id: number) {
  const found = await queryFeatures<LineString, RoundProperties>(
    db,
    `SELECT ${ROUND_COLUMNS}
     FROM rounds r JOIN trucks t ON t.id = r.truck_id
     WHERE r.id = $1 AND ($2::int[] IS NULL OR r.zone_id = ANY ($2::int[]))`,
    [id, zones],
  );
  const [feature] = found.features;
  if (!feature) return undefined;
  const points = await queryFeatures<Point, PointProperties>(
    db,
    `SELECT id, seq, kind, name_th, name_en, community_id, geom FROM pickup_points WHERE round_id = $1 ORDER BY seq`,
    [id],
  );
  return { round: feature, points };
}

export interface PlanInput {
  id: number;
  truck_id: number;
  opens: string;
  closes: string;
}

/** What planning needs of a round on a date: its truck and the window's bounds on that date. */
export async function roundOn(db: Queryable, zones: number[] | null, id: number, date: string): Promise<PlanInput | undefined> {
  const [row] = await db.query<PlanInput>(
    `SELECT r.id, r.truck_id, (($3::date + r.window_start) AT TIME ZONE 'Asia/Bangkok')::text AS opens,
            (($3::date + r.window_end) AT TIME ZONE 'Asia/Bangkok')::text AS closes
     FROM rounds r WHERE r.id = $1 AND ($2::int[] IS NULL OR r.zone_id = ANY ($2::int[]))`,
    [id, zones, date],
  );
  return row;
}

/** Metres between the truck's consecutive fixes from `from` to `to` (on the ellipsoid). */
export async function drivenMetres(db: Queryable, truckId: number, from: string, to: string): Promise<number> {
  const [row] = await db.query<{ m: number }>(
    `SELECT coalesce(sum(ST_Distance(prev::geography, geom::geography)), 0)::float8 AS m
     FROM (SELECT geom, lag(geom) OVER (ORDER BY recorded_at) AS prev
           FROM truck_positions WHERE truck_id = $1 AND recorded_at >= $2 AND recorded_at <= $3) AS fixes
     WHERE prev IS NOT NULL`,
    [truckId, from, to],
  );
  return row?.m ?? 0;
}

export interface PlanStop {
  id: number;
  node_id: number;
  lon: number;
  lat: number;
}

/** The round's points in their current order, each with its nearest street node, and the depot's. */
export async function planStops(db: Queryable, roundId: number, depot: [number, number]): Promise<{ depot: PlanStop; points: PlanStop[] }> {
  const rows = await db.query<PlanStop>(
    `SELECT 0 AS id, n.id AS node_id, $2::float8 AS lon, $3::float8 AS lat, 0 AS seq
     FROM (SELECT id FROM road_nodes ORDER BY geom <-> ST_SetSRID(ST_MakePoint($2, $3), 4326) LIMIT 1) AS n
     UNION ALL
     SELECT pp.id, n.id, ST_X(pp.geom), ST_Y(pp.geom), pp.seq
     FROM pickup_points pp
     CROSS JOIN LATERAL (SELECT id FROM road_nodes ORDER BY geom <-> pp.geom LIMIT 1) AS n
     WHERE pp.round_id = $1
     ORDER BY seq`,
    [roundId, depot[0], depot[1]],
  );
  const [first, ...points] = rows;
  if (!first) throw new Error('the street graph is empty');
  return { depot: first, points };
}

/** Whether the database has pgRouting (a real PostGIS with the package): network planning. */
export async function hasPgRouting(db: Queryable): Promise<boolean> {
  const [row] = await db.query<{ yes: boolean }>("SELECT EXISTS (SELECT FROM pg_extension WHERE extname = 'pgrouting') AS yes");
  return row?.yes ?? false;
}

/** Network distances in metres between street nodes (pgr_dijkstraCostMatrix over road_edges). */
export async function costMatrix(db: Queryable, nodes: number[]): Promise<{ start_vid: number; end_vid: number; agg_cost: number }[]> {
  return db.query(
    `SELECT start_vid::int, end_vid::int, agg_cost::float8
     FROM pgr_dijkstraCostMatrix('SELECT id, source, target, cost, reverse_cost FROM road_edges', $1::bigint[], directed => false)`,
    [nodes],
  );
}

/**
 * The street path through `nodes` in that order (pgr_dijkstraVia), as one line: each edge
 * turned to the way it is driven, joined end to end.
 */
export async function networkLine(db: Queryable, nodes: number[]): Promise<LineString | null> {
  const [row] = await db.query<{ line: LineString | null }>(
    `SELECT ST_AsGeoJSON(ST_MakeLine(CASE WHEN v.node = e.source THEN e.geom ELSE ST_Reverse(e.geom) END ORDER BY v.seq), 6)::json AS line
     FROM pgr_dijkstraVia('SELECT id, source, target, cost, reverse_cost FROM road_edges', $1::bigint[], directed => false) AS v
     JOIN road_edges e ON e.id = v.edge`,
    [nodes],
  );
  return row?.line ?? null;
}

/** Straight-line metres (on the ellipsoid) between every two stops, row by row. */
export async function straightMatrix(db: Queryable, stops: { lon: number; lat: number }[]): Promise<number[][]> {
  const [row] = await db.query<{ m: number[][] | null }>(
    `SELECT json_agg(r.m ORDER BY r.n) AS m
     FROM (SELECT a.n, json_agg(ST_Distance(ST_MakePoint(a.lon, a.lat)::geography, ST_MakePoint(b.lon, b.lat)::geography) ORDER BY b.n) AS m
           FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS a(lon, lat, n),
                unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS b(lon, lat, n)
           GROUP BY a.n) AS r`,
    [stops.map((s) => s.lon), stops.map((s) => s.lat)],
  );
  return row?.m ?? [];
}
