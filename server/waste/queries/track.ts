import type { Queryable } from '../../db/index.ts';
import { statement, utcIso } from '../../db/sql.ts';
import type { TruckProperties } from './trucks.ts';

/** The truck a day belongs to: the facts of it that do not move. */
export type TrackTruck = Pick<TruckProperties, 'id' | 'code' | 'plate' | 'name_th' | 'name_en' | 'zone_id'>;

interface Trip {
  started_at: string;
  ended_at: string;
  duration_s: number;
  distance_m: number;
  max_speed_kmh: number;
  avg_speed_kmh: number;
  from: [number, number];
  to: [number, number];
}

interface Stop {
  started_at: string;
  ended_at: string;
  duration_s: number;
  lon: number;
  lat: number;
}

export interface TruckDay {
  /** Columns, not an array of objects: a day every 10 s is 8,640 fixes. Times in epoch seconds. */
  track: { t: number[]; lon: number[]; lat: number[]; speed_kmh: number[] };
  trips: Trip[];
  stops: Stop[];
  summary: { distance_m: number; moving_s: number; stopped_s: number; max_speed_kmh: number; avg_speed_kmh: number; stops: number };
}

export async function truckByCode(db: Queryable, code: string): Promise<TrackTruck | null> {
  const [row] = await db.query<TrackTruck>('SELECT id, code, plate, name_th, name_en, zone_id FROM trucks WHERE code = $1', [code]);
  return row ?? null;
}

// One truck's day, all of it here: the fixes are one primary-key range of one or two monthly
// partitions, each step between two fixes measured once; the segments start from the last one
// begun by `from` (an index probe, not a scan of the truck's history). Each fix is given to the
// segment it falls in by one sort of fixes and segment starts together (a segment's first fix is
// the one at its start), and a step to the segment of the fix it leaves: so a segment running
// past midnight counts only its part of the day, and the segments' distances add up to the day's.
const TRUCK_DAY = statement(`
  WITH fixes AS MATERIALIZED (
    SELECT p.recorded_at AS t, p.speed_kmh, p.geom,
           coalesce(ST_Distance((lag(p.geom) OVER (ORDER BY p.recorded_at))::geography, p.geom::geography), 0) AS step
    FROM truck_positions p
    WHERE p.truck_id = $1 AND p.recorded_at >= $2 AND p.recorded_at < $3),
  segments AS MATERIALIZED (
    SELECT s.kind, greatest(s.started_at, $2) AS s, least(s.ended_at, $3) AS e,
           CASE WHEN s.started_at >= $2 THEN s.start_geom END AS start_geom,
           CASE WHEN s.ended_at <= $3 THEN s.end_geom END AS end_geom
    FROM truck_segments s
    WHERE s.truck_id = $1 AND s.started_at < $3
      AND s.started_at >= coalesce((SELECT max(b.started_at) FROM truck_segments b WHERE b.truck_id = $1 AND b.started_at <= $2), '-infinity')
      AND (s.ended_at > $2 OR s.started_at >= $2)),
  -- Fixes and segment starts in one time line: a fix's segment is the latest start at or before it.
  placed AS (
    SELECT t, speed_kmh, geom, step, max(seg) OVER (ORDER BY t, seg NULLS LAST ROWS UNBOUNDED PRECEDING) AS seg
    FROM (SELECT t, speed_kmh, geom, step, NULL::timestamptz AS seg FROM fixes
          UNION ALL SELECT s, NULL, NULL, NULL, s FROM segments) AS line),
  fix_segments AS (
    SELECT seg, t, speed_kmh, geom, lag(seg) OVER (ORDER BY t, seg) AS left_seg, step
    FROM placed WHERE geom IS NOT NULL),
  -- A segment's fixes (for its top speed, first and last place) and the steps that leave them.
  per_segment AS (
    SELECT seg, max(speed_kmh) AS max_speed_kmh,
           (array_agg(geom ORDER BY t))[1] AS first_geom, (array_agg(geom ORDER BY t DESC))[1] AS last_geom
    FROM fix_segments GROUP BY seg),
  steps AS (
    SELECT left_seg AS seg, sum(step) AS distance_m FROM fix_segments WHERE left_seg IS NOT NULL GROUP BY left_seg),
  measured AS MATERIALIZED (
    SELECT g.*, extract(epoch FROM g.e - g.s)::float8 AS duration_s,
           coalesce(d.distance_m, 0) AS distance_m, coalesce(m.max_speed_kmh, 0) AS max_speed_kmh,
           coalesce(g.start_geom, m.first_geom) AS from_geom, coalesce(g.end_geom, m.last_geom) AS to_geom
    FROM segments g
    LEFT JOIN per_segment m ON m.seg = g.s
    LEFT JOIN steps d ON d.seg = g.s),
  trips AS (
    SELECT coalesce(json_agg(json_build_object(
             'started_at', ${utcIso('s')}, 'ended_at', ${utcIso('e')},
             'duration_s', round(duration_s::numeric)::float8, 'distance_m', round(distance_m::numeric)::float8,
             'max_speed_kmh', round(max_speed_kmh::numeric, 1)::float8,
             'avg_speed_kmh', CASE WHEN duration_s > 0 THEN round((distance_m / duration_s * 3.6)::numeric, 1)::float8 ELSE 0 END,
             'from', json_build_array(round(ST_X(from_geom)::numeric, 6), round(ST_Y(from_geom)::numeric, 6)),
             'to', json_build_array(round(ST_X(to_geom)::numeric, 6), round(ST_Y(to_geom)::numeric, 6))) ORDER BY s), '[]') AS list,
           coalesce(sum(distance_m), 0) AS distance_m, coalesce(sum(duration_s), 0) AS moving_s
    FROM measured WHERE kind = 'trip'),
  stops AS (
    SELECT coalesce(json_agg(json_build_object(
             'started_at', ${utcIso('s')}, 'ended_at', ${utcIso('e')},
             'duration_s', round(duration_s::numeric)::float8,
             'lon', round(ST_X(from_geom)::numeric, 6)::float8, 'lat', round(ST_Y(from_geom)::numeric, 6)::float8) ORDER BY s), '[]') AS list,
           coalesce(sum(duration_s), 0) AS stopped_s, count(*)::int AS count
    FROM measured WHERE kind = 'stop'),
  -- Rounded as float8, not numeric: a day is 8,640 fixes, and numeric rounding was most of its cost.
  track AS (
    SELECT json_build_object(
             't', coalesce(array_agg(date_part('epoch', t) ORDER BY t), '{}'),
             'lon', coalesce(array_agg(round(ST_X(geom) * 1e6) / 1e6 ORDER BY t), '{}'),
             'lat', coalesce(array_agg(round(ST_Y(geom) * 1e6) / 1e6 ORDER BY t), '{}'),
             'speed_kmh', coalesce(array_agg(round(speed_kmh * 10) / 10 ORDER BY t), '{}')) AS columns,
           coalesce(sum(step), 0) AS distance_m, coalesce(max(speed_kmh), 0) AS max_speed_kmh
    FROM fixes)
  SELECT track.columns AS track, trips.list AS trips, stops.list AS stops,
         json_build_object(
           'distance_m', round(track.distance_m::numeric)::float8,
           'moving_s', round(trips.moving_s::numeric)::float8,
           'stopped_s', round(stops.stopped_s::numeric)::float8,
           'max_speed_kmh', round(track.max_speed_kmh::numeric, 1)::float8,
           'avg_speed_kmh', CASE WHEN trips.moving_s > 0 THEN round((trips.distance_m / trips.moving_s * 3.6)::numeric, 1)::float8 ELSE 0 END,
           'stops', stops.count) AS summary
  FROM track, trips, stops`);

/** A truck's fixes, trips and stops between `from` and `to` (a Bangkok day), segments clipped to it. */
export async function truckDay(db: Queryable, truckId: number, from: string, to: string): Promise<TruckDay> {
  const [row] = await db.query<TruckDay>(TRUCK_DAY, [truckId, from, to]);
  if (!row) throw new Error('truck day query returned no row');
  return row;
}
