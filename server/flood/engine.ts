import type { Queryable } from '../db/index.ts';
import { publish } from '../live/hub.ts';
import { AlertWrites, applyConditionChange, chainLoader } from './alerts.ts';
import { currentAlerts } from './queries/alerts.ts';
import { insertReadings, lockSensorState, markSilentSensors, readingHistory, updateSensorState, type Reading, type SensorState } from './queries/sensors.ts';
import { alertChange, conditionSeverity, nextBand, nextRising, type AlertType, type Severity } from './rules.ts';

export interface NewReading {
  time: Date;
  level_m: number;
  rain_mm: number | null;
  battery_v: number | null;
}

/** The live event for a sensor's latest state; the map recolours the sensor from it. */
export interface SensorUpdate extends SensorState {
  topic: 'sensor';
  offline: boolean;
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
 * Stores a sensor's readings and runs the alert rules over the new ones, in the caller's
 * transaction. A reading already stored for the same sensor and time is left as it was, so a
 * device may resend a batch safely; late readings take their place in time.
 */
export async function storeReadings(tx: Queryable, sensorId: number, readings: Reading[], now: Date): Promise<number> {
  const stored = await insertReadings(tx, sensorId, readings);
  await evaluateReadings(
    tx,
    sensorId,
    stored.map((r) => ({ ...r, time: new Date(r.time) })),
    now,
  );
  return stored.length;
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
  const state = await lockSensorState(tx, sensorId);
  if (!state) return;
  const fresh = stored
    .filter((r) => state.recorded_at_ms === null || r.time.getTime() > state.recorded_at_ms)
    .sort((a, b) => a.time.getTime() - b.time.getTime());
  const last = fresh.at(-1);
  if (!last) return;
  const windowMs = state.rise_window_s * 1000;
  const history = await readingHistory(tx, sensorId, new Date((fresh[0] as NewReading).time.getTime() - windowMs), last.time);
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

  await updateSensorState(tx, sensorId, last, band, rising);
  await publish(tx, {
    topic: 'sensor',
    sensor_id: sensorId,
    code: state.code,
    zone_id: state.zone_id,
    recorded_at: last.time.toISOString(),
    level_m: last.level_m,
    rain_mm: last.rain_mm,
    battery_v: last.battery_v,
    band,
    offline: false,
  } satisfies SensorUpdate);
}

/**
 * Sensors that have been silent for longer than they may be are flagged offline, with an
 * alert. Sensors that never reported are not: there is nothing yet to miss.
 */
export async function flagSilentSensors(tx: Queryable, now: Date): Promise<number[]> {
  const silent = await markSilentSensors(tx, now);
  for (const sensor of silent) {
    // The alert dates from the moment the sensor became overdue, not from when the sweep noticed.
    const { overdue_at, ...update } = sensor;
    const alert = (await currentAlerts(tx, sensor.sensor_id)).offline ?? null;
    const change = alertChange(alert, conditionSeverity.offline(false), conditionSeverity.offline(true));
    if (change) {
      const writes = new AlertWrites();
      await applyConditionChange(tx, writes, await chainLoader(tx, sensor.sensor_id)(), alert, {
        sensorId: sensor.sensor_id,
        type: 'offline',
        change,
        severity: conditionSeverity.offline(true),
        at: new Date(overdue_at),
        level_m: null,
        now,
      });
      await writes.flush(tx);
    }
    await publish(tx, { ...update, topic: 'sensor', offline: true } satisfies SensorUpdate);
  }
  return silent.map((s) => s.sensor_id);
}
