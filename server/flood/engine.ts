import type { Queryable } from '../db/index.ts';
import { utcIso } from '../db/sql.ts';
import { publish } from '../live/hub.ts';
import { AlertWrites, applyConditionChange, chainLoader, currentAlerts } from './alerts.ts';
import { alertChange, conditionSeverity, nextBand, nextRising, type AlertType, type Band, type Severity } from './rules.ts';

interface SensorRules {
  id: number; code: string; zone_id: number;
  watch_m: number; warning_m: number; critical_m: number; hysteresis_m: number;
  rise_m: number; rise_window_s: number;
}

interface SensorStateRow {
  recorded_at_ms: number | null; band: Band; rising: boolean; offline: boolean;
}

export interface NewReading { time: Date; level_m: number; rain_mm: number | null; battery_v: number | null }

/** The live event for a sensor's latest state; the map recolours the sensor from it. */
export interface SensorUpdate {
  topic: 'sensor'; sensor_id: number; code: string; zone_id: number;
  recorded_at: string; level_m: number; rain_mm: number | null; battery_v: number | null; band: Band; offline: boolean;
}

/**
 * The lowest level within `windowMs` before each of the given instants (ascending), the
 * instant included, over a history sorted by time: a monotonic queue, so a batch costs one
 * pass over its history rather than one scan of the window per reading.
 */
function slidingLowest(history: { t: number; level_m: number }[], windowMs: number): (t: number) => number {
  const queue: { t: number; level_m: number }[] = [];
  let front = 0;
  let next = 0;
  return (t) => {
    for (; next < history.length && (history[next] as { t: number }).t <= t; next++) {
      const h = history[next] as { t: number; level_m: number };
      while (queue.length > front && (queue.at(-1) as { level_m: number }).level_m >= h.level_m) queue.pop();
      queue.push(h);
    }
    while (front < queue.length && (queue[front] as { t: number }).t < t - windowMs) front++;
    return queue[front]?.level_m ?? Infinity;
  };
}

/**
 * Runs the rules over a sensor's new readings, in time order, inside the transaction that
 * stored them. Readings older than the sensor's latest are stored but change nothing: the
 * present is decided by the newest reading. The sensor's state row is locked first, so two
 * batches of one sensor are evaluated one after the other, never interleaved. The rules run
 * in memory (they are pure: rules.ts) and what they change is written in a few statements at
 * the end, however many readings and alert changes the batch holds.
 */
export async function evaluateReadings(tx: Queryable, sensorId: number, stored: NewReading[], now: Date): Promise<void> {
  await tx.query(
    `INSERT INTO sensor_state (sensor_id, recorded_at, level_m, band) VALUES ($1, '-infinity', 0, 'normal')
     ON CONFLICT (sensor_id) DO NOTHING`, [sensorId]);
  const [state] = await tx.query<SensorStateRow & SensorRules>(
    `SELECT CASE WHEN isfinite(st.recorded_at) THEN extract(epoch FROM st.recorded_at) * 1000 END::float8 AS recorded_at_ms,
            st.band, st.rising, st.offline,
            s.id, s.code, s.zone_id::int AS zone_id, s.watch_m, s.warning_m, s.critical_m, s.hysteresis_m, s.rise_m, s.rise_window_s
     FROM sensor_state st JOIN sensors s ON s.id = st.sensor_id WHERE st.sensor_id = $1 FOR UPDATE OF st`, [sensorId]);
  if (!state) return;
  const fresh = stored.filter((r) => state.recorded_at_ms === null || r.time.getTime() > state.recorded_at_ms)
    .sort((a, b) => a.time.getTime() - b.time.getTime());
  const last = fresh.at(-1);
  if (!last) return;
  const windowMs = state.rise_window_s * 1000;
  const history = await tx.query<{ t: number; level_m: number }>(
    `SELECT (extract(epoch FROM recorded_at) * 1000)::float8 AS t, level_m FROM sensor_readings
     WHERE sensor_id = $1 AND recorded_at BETWEEN $2 AND $3 ORDER BY recorded_at`,
    [sensorId, new Date((fresh[0] as NewReading).time.getTime() - windowMs).toISOString(), last.time.toISOString()]);
  const lowestBefore = slidingLowest(history, windowMs);

  let band = state.band;
  let rising = state.rising;
  const alerts = await currentAlerts(tx, sensorId);
  const writes = new AlertWrites();
  const chain = chainLoader(tx, sensorId);
  const edge = async (type: AlertType, from: Severity | null, to: Severity | null, at: Date, level_m: number | null) => {
    const change = alertChange(alerts[type] ?? null, from, to);
    if (!change) return;
    const after = await applyConditionChange(tx, writes, await chain(), alerts[type] ?? null, { sensorId, type, change, severity: to, at, level_m, now });
    if (after) alerts[type] = after;
  };
  for (const reading of fresh) {
    const lowest = Math.min(lowestBefore(reading.time.getTime()), reading.level_m);
    const nextB = nextBand(band, reading.level_m, state);
    const nextR = nextRising(rising, reading.level_m - lowest, state);
    await edge('level', conditionSeverity.level(band), conditionSeverity.level(nextB), reading.time, reading.level_m);
    await edge('rise', conditionSeverity.rise(rising), conditionSeverity.rise(nextR), reading.time, reading.level_m);
    band = nextB;
    rising = nextR;
  }
  // A sensor that reports is no longer offline.
  if (state.offline) await edge('offline', conditionSeverity.offline(true), conditionSeverity.offline(false), last.time, null);
  await writes.flush(tx);

  await tx.query(
    `UPDATE sensor_state SET recorded_at = $2, level_m = $3, rain_mm = $4, battery_v = $5, band = $6, rising = $7, offline = false
     WHERE sensor_id = $1`,
    [sensorId, last.time.toISOString(), last.level_m, last.rain_mm, last.battery_v, band, rising]);
  await publish(tx, {
    topic: 'sensor', sensor_id: sensorId, code: state.code, zone_id: state.zone_id, recorded_at: last.time.toISOString(),
    level_m: last.level_m, rain_mm: last.rain_mm, battery_v: last.battery_v, band, offline: false,
  } satisfies SensorUpdate);
}

/**
 * Sensors that have been silent for longer than they may be are flagged offline, with an
 * alert. Sensors that never reported are not: there is nothing yet to miss.
 */
export async function flagSilentSensors(tx: Queryable, now: Date): Promise<number[]> {
  const silent = await tx.query<SensorUpdate & { overdue_at: string }>(
    `UPDATE sensor_state st SET offline = true
     FROM sensors s
     WHERE s.id = st.sensor_id AND NOT st.offline AND isfinite(st.recorded_at)
       AND st.recorded_at < $1::timestamptz - s.offline_after_s * interval '1 second'
     RETURNING st.sensor_id::int AS sensor_id, s.code, s.zone_id::int AS zone_id,
               ${utcIso('st.recorded_at')} AS recorded_at,
               ${utcIso("st.recorded_at + s.offline_after_s * interval '1 second'")} AS overdue_at, st.level_m, st.rain_mm, st.battery_v, st.band`, [now.toISOString()]);
  for (const sensor of silent) {
    // The alert dates from the moment the sensor became overdue, not from when the sweep noticed.
    const { overdue_at, ...update } = sensor;
    const alert = (await currentAlerts(tx, sensor.sensor_id)).offline ?? null;
    const change = alertChange(alert, conditionSeverity.offline(false), conditionSeverity.offline(true));
    if (change) {
      const writes = new AlertWrites();
      await applyConditionChange(tx, writes, await chainLoader(tx, sensor.sensor_id)(), alert, {
        sensorId: sensor.sensor_id, type: 'offline', change, severity: conditionSeverity.offline(true), at: new Date(overdue_at), level_m: null, now,
      });
      await writes.flush(tx);
    }
    await publish(tx, { ...update, topic: 'sensor', offline: true } satisfies SensorUpdate);
  }
  return silent.map((s) => s.sensor_id);
}
