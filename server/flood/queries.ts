import type { Point } from 'geojson';
import type { Queryable } from '../db/index.ts';
import { queryFeatures } from '../db/geojson.ts';

export type WaterLevel = 'normal' | 'watch' | 'warning' | 'critical';

export interface SensorProperties {
  id: number; code: string; kind: 'siren' | 'sump'; name_th: string; name_en: string;
  recorded_at: string | null; level_m: number | null; rain_mm: number | null; level: WaterLevel | null;
  watch_m: number; warning_m: number; critical_m: number;
}

/** Each sensor with its latest reading and the level that reading reaches (yellow/orange/red). */
export const sensorsWithLatestReading = (db: Queryable) =>
  queryFeatures<Point, SensorProperties>(db, `
    SELECT s.id, s.code, s.kind, s.name_th, s.name_en,
           to_char(r.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS recorded_at,
           r.level_m::float8 AS level_m, r.rain_mm::float8 AS rain_mm,
           CASE WHEN r.level_m IS NULL THEN NULL
                WHEN r.level_m >= s.critical_m THEN 'critical'
                WHEN r.level_m >= s.warning_m THEN 'warning'
                WHEN r.level_m >= s.watch_m THEN 'watch'
                ELSE 'normal' END AS level,
           s.watch_m::float8 AS watch_m, s.warning_m::float8 AS warning_m, s.critical_m::float8 AS critical_m, s.geom
    FROM sensors s
    LEFT JOIN LATERAL (
      SELECT level_m, rain_mm, recorded_at FROM sensor_readings sr
      WHERE sr.sensor_id = s.id ORDER BY sr.recorded_at DESC LIMIT 1
    ) AS r ON true
    ORDER BY s.id`);

export interface Reading { time: string; level_m: number; rain_mm?: number | null; battery_v?: number | null }

/**
 * Stores a sensor's readings. A reading already stored for the same sensor and time is left
 * as it was, so a device may resend a batch safely; late readings simply take their place in time.
 */
export async function insertReadings(db: Queryable, sensorId: number, readings: Reading[]): Promise<number> {
  const [row] = await db.query<{ inserted: number }>(
    `WITH added AS (
       INSERT INTO sensor_readings (sensor_id, recorded_at, level_m, rain_mm, battery_v)
       SELECT $1, r.time, r.level_m, r.rain_mm, r.battery_v
       FROM unnest($2::timestamptz[], $3::float8[], $4::float8[], $5::float8[]) AS r(time, level_m, rain_mm, battery_v)
       ON CONFLICT (sensor_id, recorded_at) DO NOTHING
       RETURNING 1)
     SELECT count(*)::int AS inserted FROM added`,
    [sensorId, readings.map((r) => r.time), readings.map((r) => r.level_m),
      readings.map((r) => r.rain_mm ?? null), readings.map((r) => r.battery_v ?? null)]);
  return row?.inserted ?? 0;
}
