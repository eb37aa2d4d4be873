import type { Viewer } from '../auth/policy.ts';
import type { Queryable } from '../db/index.ts';
import type { LiveTopic } from '../live/topics.ts';
import type { SensorUpdate } from './engine.ts';
import { getAlert, listAlerts, type Alert, type AlertChange } from './queries/alerts.ts';
import { sensorsWithLatestReading, type SensorProperties } from './queries/sensors.ts';
import { alertFor, alertsFor, type VisibleAlert } from './views.ts';

/** What the flood desk announces, once loaded: the same for every client, before the policy. */
export type FloodEvent =
  | { type: 'sensor'; sensor: SensorUpdate }
  | { type: 'alert'; change: AlertChange; alert: Alert; was: Pick<Alert, 'severity' | 'status'> | null };

/** The SSE messages a client gets: its own view of each event. */
export type FloodMessage =
  | { event: 'sensor'; data: SensorUpdate }
  | { event: 'alert'; data: { change: AlertChange; alert: VisibleAlert } }
  /** An alert this viewer could see is no longer theirs to see (a public warning ended). */
  | { event: 'alert_gone'; data: { id: number } };

/** Turns a NOTIFY payload into an event, loading the alert once for all clients of this process. */
async function loadFloodEvent(message: unknown, db: Queryable): Promise<FloodEvent | null> {
  const m = message as { topic?: string; alert_id?: number; change?: AlertChange; was?: Pick<Alert, 'severity' | 'status'> | null } & SensorUpdate;
  if (m.topic === 'sensor') return { type: 'sensor', sensor: m };
  if (m.topic === 'alert' && typeof m.alert_id === 'number' && m.change) {
    const alert = await getAlert(db, m.alert_id);
    return alert ? { type: 'alert', change: m.change, alert, was: m.was ?? null } : null;
  }
  return null;
}

/**
 * Sensor levels are public; alerts go through the access policy, per viewer. An alert the
 * viewer may no longer see is `alert_gone` only if they could see it before the change (the
 * event carries its severity and status before): the public never hears of a yellow or an
 * offline alert, not even that it went. Null: nothing for this viewer.
 */
function messageFor(viewer: Viewer, event: FloodEvent): FloodMessage | null {
  if (event.type === 'sensor') return { event: 'sensor', data: event.sensor };
  const alert = alertFor(viewer, event.alert);
  if (alert) return { event: 'alert', data: { change: event.change, alert } };
  const sawIt = event.was !== null && alertFor(viewer, { ...event.alert, ...event.was }) !== null;
  return sawIt ? { event: 'alert_gone', data: { id: event.alert.id } } : null;
}

/** The flood desk's part of the snapshot. */
export interface FloodSnapshotPart {
  sensors: (SensorProperties & { lon: number; lat: number })[];
  alerts: VisibleAlert[];
}

/** The snapshot the flood pages get (the default topic): the server's "now" when it was read, and flood's part. */
export type FloodSnapshot = { at: string } & FloodSnapshotPart;

/** What a client needs on connecting: every sensor's latest state and the alert wall it may see. */
async function floodSnapshot(db: Queryable, viewer: Viewer): Promise<FloodSnapshotPart> {
  const sensors = await sensorsWithLatestReading(db);
  // The viewer's scope is applied in SQL, before the limit; alertsFor shapes each one for them.
  const alerts = alertsFor(viewer, await listAlerts(db, { state: 'wall', viewer, limit: 1000 }));
  return {
    sensors: sensors.features.map((f) => ({ ...f.properties, lon: f.geometry.coordinates[0] as number, lat: f.geometry.coordinates[1] as number })),
    alerts,
  };
}

/** Sensors and alerts on /api/live (`topics=flood`, the default). */
export const floodTopic: LiveTopic<FloodEvent, FloodMessage, FloodSnapshotPart> = {
  load: (message, { db }) => loadFloodEvent(message, db),
  messageFor,
  snapshot: ({ db, viewer }) => floodSnapshot(db, viewer),
};
