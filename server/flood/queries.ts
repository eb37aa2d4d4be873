import type { Point } from 'geojson';
import type { Queryable } from '../db/index.ts';
import { queryFeatures } from '../db/geojson.ts';
import { utcIso } from '../db/sql.ts';
import { evaluateReadings } from './engine.ts';
import type { Band } from './rules.ts';

export interface SensorProperties {
  id: number; code: string; kind: 'siren' | 'sump'; name_th: string; name_en: string; zone_id: number;
  recorded_at: string | null; level_m: number | null; rain_mm: number | null; battery_v: number | null;
  /** The colour after hysteresis; null until the sensor first reports. */
  level: Band | null;
  offline: boolean;
  reference: 'bank' | 'road'; reference_m: number;
  watch_m: number; warning_m: number; critical_m: number;
  interval_s: number; offline_after_s: number;
}

/** Each sensor with its latest reading and state: read from sensor_state, never by scanning readings. */
export const sensorsWithLatestReading = (db: Queryable, code: string | null = null) =>
  queryFeatures<Point, SensorProperties>(db, `
    SELECT s.id, s.code, s.kind, s.name_th, s.name_en, s.zone_id::int AS zone_id,
           ${utcIso('st.recorded_at')} AS recorded_at, st.level_m, st.rain_mm, st.battery_v,
           st.band AS level, coalesce(st.offline, false) AS offline,
           s.reference, s.reference_m, round(s.watch_m::numeric, 3)::float8 AS watch_m,
           round(s.warning_m::numeric, 3)::float8 AS warning_m, round(s.critical_m::numeric, 3)::float8 AS critical_m,
           s.interval_s, s.offline_after_s, s.geom
    FROM sensors s
    LEFT JOIN sensor_state st ON st.sensor_id = s.id AND isfinite(st.recorded_at)
    WHERE $1::text IS NULL OR s.code = $1
    ORDER BY s.id`, [code]);

export interface Reading { time: string; level_m: number; rain_mm?: number | null; battery_v?: number | null }

/**
 * Stores a sensor's readings and runs the alert rules over the new ones, in the caller's
 * transaction. A reading already stored for the same sensor and time is left as it was, so a
 * device may resend a batch safely; late readings take their place in time.
 */
export async function storeReadings(tx: Queryable, sensorId: number, readings: Reading[], now: Date): Promise<number> {
  const times = readings.map((r) => r.time);
  await tx.query('SELECT ensure_reading_partitions(min(t), max(t)) FROM unnest($1::timestamptz[]) AS t', [times]);
  const stored = await tx.query<{ time: string; level_m: number; rain_mm: number | null; battery_v: number | null }>(
    `INSERT INTO sensor_readings (sensor_id, recorded_at, level_m, rain_mm, battery_v)
     SELECT $1, r.time, r.level_m, r.rain_mm, r.battery_v
     FROM unnest($2::timestamptz[], $3::float8[], $4::float8[], $5::float8[]) AS r(time, level_m, rain_mm, battery_v)
     ON CONFLICT (sensor_id, recorded_at) DO NOTHING
     RETURNING ${utcIso('recorded_at')} AS time, level_m, rain_mm, battery_v`,
    [sensorId, times, readings.map((r) => r.level_m),
      readings.map((r) => r.rain_mm ?? null), readings.map((r) => r.battery_v ?? null)]);
  await evaluateReadings(tx, sensorId, stored.map((r) => ({ ...r, time: new Date(r.time) })), now);
  return stored.length;
}

export interface HydrographPoint { t: string; level_m: number; min_m: number; max_m: number; rain_mm: number | null }

/** Points a chart can draw without thinning: longer ranges come back in buckets (min, mean, max). */
const MAX_POINTS = 500;

/**
 * A sensor's water level over [from, to]: every reading when they fit in MAX_POINTS, else
 * time buckets with the mean level, the lowest and the highest (the peak is never averaged
 * away), and the rain that fell in each.
 */
export async function hydrograph(db: Queryable, sensorId: number, from: Date, to: Date, expectedIntervalS: number)
  : Promise<{ bucket_s: number | null; points: HydrographPoint[] }> {
  const spanS = (to.getTime() - from.getTime()) / 1000;
  const bucketS = spanS / expectedIntervalS <= MAX_POINTS ? 0 : Math.ceil(spanS / MAX_POINTS / 60) * 60;
  const points = await db.query<HydrographPoint>(
    `SELECT ${utcIso('bucket')} AS t, avg(level_m)::float8 AS level_m, min(level_m)::float8 AS min_m,
            max(level_m)::float8 AS max_m, sum(rain_mm)::float8 AS rain_mm
     FROM (SELECT CASE WHEN $4 = 0 THEN recorded_at
                       ELSE date_bin($4 * interval '1 second', recorded_at, '2000-01-01T00:00:00Z') END AS bucket,
                  level_m, rain_mm
           FROM sensor_readings WHERE sensor_id = $1 AND recorded_at BETWEEN $2 AND $3) AS r
     GROUP BY bucket ORDER BY bucket`,
    [sensorId, from.toISOString(), to.toISOString(), bucketS]);
  // null: every reading as it came; otherwise the width of the buckets in seconds.
  return { bucket_s: bucketS || null, points };
}

/** Drops the months of readings older than `keepMonths` whole months before `now`; returns their partitions. */
export async function dropOldReadings(tx: Queryable, now: Date, keepMonths: number): Promise<string[]> {
  const [row] = await tx.query<{ dropped: string[] }>(
    `SELECT drop_reading_partitions(date_trunc('month', $1::timestamptz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - $2 * interval '1 month') AS dropped`,
    [now.toISOString(), keepMonths]);
  return row?.dropped ?? [];
}
