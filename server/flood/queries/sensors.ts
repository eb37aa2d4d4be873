import type { Point } from 'geojson';
import type { Queryable } from '../../db/index.ts';
import { queryFeatures } from '../../db/geojson.ts';
import { utcIso } from '../../db/sql.ts';
import type { Band } from '../rules.ts';

/** Every statement on sensors, their readings and their latest state. */

export interface SensorProperties {
  id: number;
  code: string;
  kind: 'siren' | 'sump';
  name_th: string;
  name_en: string;
  zone_id: number;
  recorded_at: string | null;
  level_m: number | null;
  rain_mm: number | null;
  battery_v: number | null;
  /** The colour after hysteresis; null until the sensor first reports. */
  level: Band | null;
  offline: boolean;
  reference: 'bank' | 'road';
  reference_m: number;
  watch_m: number;
  warning_m: number;
  critical_m: number;
  interval_s: number;
  offline_after_s: number;
}

/**
 * Each sensor with its latest reading and state: read from sensor_state, never by scanning
 * readings. Prepared: every live snapshot and every sensor list runs it.
 */
export const sensorsWithLatestReading = (db: Queryable, code: string | null = null) =>
  queryFeatures<Point, SensorProperties>(
    db,
    `
    SELECT s.id, s.code, s.kind, s.name_th, s.name_en, s.zone_id::int AS zone_id,
           ${utcIso('st.recorded_at')} AS recorded_at, st.level_m, st.rain_mm, st.battery_v,
           st.band AS level, coalesce(st.offline, false) AS offline,
           s.reference, s.reference_m, round(s.watch_m::numeric, 3)::float8 AS watch_m,
           round(s.warning_m::numeric, 3)::float8 AS warning_m, round(s.critical_m::numeric, 3)::float8 AS critical_m,
           s.interval_s, s.offline_after_s, s.geom
    FROM sensors s
    LEFT JOIN sensor_state st ON st.sensor_id = s.id AND isfinite(st.recorded_at)
    WHERE $1::text IS NULL OR s.code = $1
    ORDER BY s.id`,
    [code],
    { prepared: true },
  );

export interface Reading {
  time: string;
  level_m: number;
  rain_mm?: number | null;
  battery_v?: number | null;
}

export interface StoredReading {
  time: string;
  level_m: number;
  rain_mm: number | null;
  battery_v: number | null;
}

/**
 * Stores readings (creating their months' partitions) and returns those that were new: a
 * reading already stored for the same sensor and time is left as it was.
 */
export async function insertReadings(tx: Queryable, sensorId: number, readings: Reading[]): Promise<StoredReading[]> {
  const times = readings.map((r) => r.time);
  await tx.query("SELECT ensure_monthly_partitions('sensor_readings', min(t), max(t)) FROM unnest($1::timestamptz[]) AS t", [times]);
  return tx.query<StoredReading>(
    `INSERT INTO sensor_readings (sensor_id, recorded_at, level_m, rain_mm, battery_v)
     SELECT $1, r.time, r.level_m, r.rain_mm, r.battery_v
     FROM unnest($2::timestamptz[], $3::float8[], $4::float8[], $5::float8[]) AS r(time, level_m, rain_mm, battery_v)
     ON CONFLICT (sensor_id, recorded_at) DO NOTHING
     RETURNING ${utcIso('recorded_at')} AS time, level_m, rain_mm, battery_v`,
    [sensorId, times, readings.map((r) => r.level_m), readings.map((r) => r.rain_mm ?? null), readings.map((r) => r.battery_v ?? null)],
  );
}

export interface SensorRules {
  id: number;
  code: string;
  zone_id: number;
  watch_m: number;
  warning_m: number;
  critical_m: number;
  hysteresis_m: number;
  rise_m: number;
  rise_window_s: number;
}

export interface SensorStateRow {
  recorded_at_ms: number | null;
  band: Band;
  rising: boolean;
  offline: boolean;
}

/**
 * The sensor's state row (created on its first reading) and rules, the row locked: two
 * batches of one sensor are evaluated one after the other, never interleaved.
 */
export async function lockSensorState(tx: Queryable, sensorId: number): Promise<(SensorStateRow & SensorRules) | undefined> {
  await tx.query(
    `INSERT INTO sensor_state (sensor_id, recorded_at, level_m, band) VALUES ($1, '-infinity', 0, 'normal')
     ON CONFLICT (sensor_id) DO NOTHING`,
    [sensorId],
  );
  const [state] = await tx.query<SensorStateRow & SensorRules>(
    `SELECT CASE WHEN isfinite(st.recorded_at) THEN extract(epoch FROM st.recorded_at) * 1000 END::float8 AS recorded_at_ms,
            st.band, st.rising, st.offline,
            s.id, s.code, s.zone_id::int AS zone_id, s.watch_m, s.warning_m, s.critical_m, s.hysteresis_m, s.rise_m, s.rise_window_s
     FROM sensor_state st JOIN sensors s ON s.id = st.sensor_id WHERE st.sensor_id = $1 FOR UPDATE OF st`,
    [sensorId],
  );
  return state;
}

/** The sensor's readings over [from, to], oldest first, as epoch milliseconds. */
export const readingHistory = (tx: Queryable, sensorId: number, from: Date, to: Date) =>
  tx.query<{ t: number; level_m: number }>(
    `SELECT (extract(epoch FROM recorded_at) * 1000)::float8 AS t, level_m FROM sensor_readings
     WHERE sensor_id = $1 AND recorded_at BETWEEN $2 AND $3 ORDER BY recorded_at`,
    [sensorId, from.toISOString(), to.toISOString()],
  );

export const updateSensorState = (
  tx: Queryable,
  sensorId: number,
  latest: { time: Date; level_m: number; rain_mm: number | null; battery_v: number | null },
  band: Band,
  rising: boolean,
) =>
  tx.query(
    `UPDATE sensor_state SET recorded_at = $2, level_m = $3, rain_mm = $4, battery_v = $5, band = $6, rising = $7, offline = false
     WHERE sensor_id = $1`,
    [sensorId, latest.time.toISOString(), latest.level_m, latest.rain_mm, latest.battery_v, band, rising],
  );

/** A sensor's latest state, as the live stream and the silence sweep carry it. */
export interface SensorState {
  sensor_id: number;
  code: string;
  zone_id: number;
  recorded_at: string;
  level_m: number;
  rain_mm: number | null;
  battery_v: number | null;
  band: Band;
}

export interface SilentSensor extends SensorState {
  /** When it became overdue: its last reading plus the silence it may keep. */
  overdue_at: string;
}

/** Flags offline the sensors silent for longer than they may be (never those that never reported). */
export const markSilentSensors = (tx: Queryable, now: Date) =>
  tx.query<SilentSensor>(
    `UPDATE sensor_state st SET offline = true
     FROM sensors s
     WHERE s.id = st.sensor_id AND NOT st.offline AND isfinite(st.recorded_at)
       AND st.recorded_at < $1::timestamptz - s.offline_after_s * interval '1 second'
     RETURNING st.sensor_id::int AS sensor_id, s.code, s.zone_id::int AS zone_id,
               ${utcIso('st.recorded_at')} AS recorded_at,
               ${utcIso("st.recorded_at + s.offline_after_s * interval '1 second'")} AS overdue_at, st.level_m, st.rain_mm, st.battery_v, st.band`,
    [now.toISOString()],
  );

/** Takes the transaction-scoped advisory lock `key` if no one holds it; false if someone does. */
export async function tryTransactionLock(tx: Queryable, key: number): Promise<boolean> {
  const [lock] = await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [key]);
  return lock?.ok ?? false;
}

export interface HydrographPoint {
  t: string;
  level_m: number;
  min_m: number;
  max_m: number;
  rain_mm: number | null;
}

/** Points a chart can draw without thinning: longer ranges come back in buckets (min, mean, max). */
const MAX_POINTS = 500;

/**
 * A sensor's water level over [from, to]: every reading when they fit in MAX_POINTS, else
 * time buckets with the mean level, the lowest and the highest (the peak is never averaged
 * away), and the rain that fell in each.
 */
export async function hydrograph(
  db: Queryable,
  sensorId: number,
  from: Date,
  to: Date,
  expectedIntervalS: number,
): Promise<{ bucket_s: number | null; points: HydrographPoint[] }> {
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
    [sensorId, from.toISOString(), to.toISOString(), bucketS],
  );
  // null: every reading as it came; otherwise the width of the buckets in seconds.
  return { bucket_s: bucketS || null, points };
}

/** Drops the months of readings older than `keepMonths` whole months before `now`; returns their partitions. */
export async function dropOldReadings(tx: Queryable, now: Date, keepMonths: number): Promise<string[]> {
  const [row] = await tx.query<{ dropped: string[] }>(`SELECT drop_monthly_partitions('sensor_readings', retention_cutoff($1, $2)) AS dropped`, [
    now.toISOString(),
    keepMonths,
  ]);
  return row?.dropped ?? [];
}
