import type { Queryable } from '../db/index.ts';
import { utcIso } from '../db/sql.ts';
import { publish } from '../live/hub.ts';
import { applyConditionChange, currentAlert } from './alerts.ts';
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
 * Runs the rules over a sensor's new readings, in time order, inside the transaction that
 * stored them. Readings older than the sensor's latest are stored but change nothing: the
 * present is decided by the newest reading. The sensor's state row is locked first, so two
 * batches of one sensor are evaluated one after the other, never interleaved.
 */
export async function evaluateReadings(tx: Queryable, sensorId: number, stored: NewReading[], now: Date): Promise<void> {
  await tx.query(
    `INSERT INTO sensor_state (sensor_id, recorded_at, level_m, band) VALUES ($1, '-infinity', 0, 'normal')
     ON CONFLICT (sensor_id) DO NOTHING`, [sensorId]);
  const [state] = await tx.query<SensorStateRow>(
    `SELECT CASE WHEN isfinite(recorded_at) THEN extract(epoch FROM recorded_at) * 1000 END::float8 AS recorded_at_ms,
            band, rising, offline
     FROM sensor_state WHERE sensor_id = $1 FOR UPDATE`, [sensorId]);
  if (!state) return;
  const fresh = stored.filter((r) => state.recorded_at_ms === null || r.time.getTime() > state.recorded_at_ms)
    .sort((a, b) => a.time.getTime() - b.time.getTime());
  const last = fresh.at(-1);
  if (!last) return;
  const [rules] = await tx.query<SensorRules>(
    `SELECT id, code, zone_id::int AS zone_id, watch_m, warning_m, critical_m, hysteresis_m, rise_m, rise_window_s
     FROM sensors WHERE id = $1`, [sensorId]);
  if (!rules) return;
  const windowMs = rules.rise_window_s * 1000;
  const history = await tx.query<{ t: number; level_m: number }>(
    `SELECT (extract(epoch FROM recorded_at) * 1000)::float8 AS t, level_m FROM sensor_readings
     WHERE sensor_id = $1 AND recorded_at BETWEEN $2 AND $3 ORDER BY recorded_at`,
    [sensorId, new Date((fresh[0] as NewReading).time.getTime() - windowMs).toISOString(), last.time.toISOString()]);

  let band = state.band;
  let rising = state.rising;
  const alerts = {
    level: await currentAlert(tx, sensorId, 'level'),
    rise: await currentAlert(tx, sensorId, 'rise'),
  };
  const edge = async (type: Exclude<AlertType, 'offline'>, from: Severity | null, to: Severity | null, reading: NewReading) => {
    const change = alertChange(alerts[type], from, to);
    if (change) {
      alerts[type] = await applyConditionChange(tx, alerts[type], {
        sensorId, type, change, severity: to, at: reading.time, level_m: reading.level_m, now,
      });
    }
  };
  for (const reading of fresh) {
    const t = reading.time.getTime();
    const lowest = Math.min(...history.filter((h) => h.t >= t - windowMs && h.t <= t).map((h) => h.level_m), reading.level_m);
    const nextB = nextBand(band, reading.level_m, rules);
    const nextR = nextRising(rising, reading.level_m - lowest, rules);
    await edge('level', conditionSeverity.level(band), conditionSeverity.level(nextB), reading);
    await edge('rise', conditionSeverity.rise(rising), conditionSeverity.rise(nextR), reading);
    band = nextB;
    rising = nextR;
  }
  if (state.offline) await offlineEdge(tx, sensorId, false, last.time, now);

  await tx.query(
    `UPDATE sensor_state SET recorded_at = $2, level_m = $3, rain_mm = $4, battery_v = $5, band = $6, rising = $7, offline = false
     WHERE sensor_id = $1`,
    [sensorId, last.time.toISOString(), last.level_m, last.rain_mm, last.battery_v, band, rising]);
  await publish(tx, {
    topic: 'sensor', sensor_id: sensorId, code: rules.code, zone_id: rules.zone_id, recorded_at: last.time.toISOString(),
    level_m: last.level_m, rain_mm: last.rain_mm, battery_v: last.battery_v, band, offline: false,
  } satisfies SensorUpdate);
}

async function offlineEdge(tx: Queryable, sensorId: number, offline: boolean, at: Date, now: Date): Promise<void> {
  const alert = await currentAlert(tx, sensorId, 'offline');
  const change = alertChange(alert, conditionSeverity.offline(!offline), conditionSeverity.offline(offline));
  if (change) await applyConditionChange(tx, alert, { sensorId, type: 'offline', change, severity: conditionSeverity.offline(offline), at, level_m: null, now });
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
    await offlineEdge(tx, sensor.sensor_id, true, new Date(overdue_at), now);
    await publish(tx, { ...update, topic: 'sensor', offline: true } satisfies SensorUpdate);
  }
  return silent.map((s) => s.sensor_id);
}
