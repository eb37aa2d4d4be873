import type { Queryable } from '../db/index.ts';
import { utcIso } from '../db/sql.ts';
import { publish } from '../live/hub.ts';
import { deliverAt } from './notify/quietHours.ts';
import type { NotificationReason } from './notify/message.ts';
import { BANDS, type AlertSnapshot, type AlertStatus, type AlertType, type ConditionChange, type Severity } from './rules.ts';

export type AlertChange = ConditionChange | 'escalated' | 'acknowledged' | 'assigned' | 'noted' | 'closed';

export interface Alert {
  id: number; sensor_id: number; sensor_code: string; sensor_name_th: string; sensor_name_en: string; zone_id: number;
  type: AlertType; severity: Severity; peak_severity: Severity; status: AlertStatus;
  opened_at: string; updated_at: string; level_m: number | null; reading_at: string | null;
  acknowledged_at: string | null; acknowledged_by: string | null;
  resolved_at: string | null; closed_at: string | null; closed_by: string | null;
  assignee_id: number | null; assignee_name: string | null;
  escalation_step: number; next_escalation_at: string | null;
  /** The contact a notification was last written for (sent, held back or failing: see the notifications). */
  notified: string | null;
}

const ALERT_SELECT = `
  SELECT a.id, a.sensor_id::int AS sensor_id, s.code AS sensor_code, s.name_th AS sensor_name_th, s.name_en AS sensor_name_en,
         s.zone_id::int AS zone_id, a.type, a.severity, a.peak_severity, a.status,
         ${utcIso('a.opened_at')} AS opened_at, ${utcIso('a.updated_at')} AS updated_at,
         a.level_m, ${utcIso('a.reading_at')} AS reading_at,
         ${utcIso('a.acknowledged_at')} AS acknowledged_at, ack.display_name AS acknowledged_by,
         ${utcIso('a.resolved_at')} AS resolved_at, ${utcIso('a.closed_at')} AS closed_at, cl.display_name AS closed_by,
         a.assignee_id, asg.display_name AS assignee_name,
         a.escalation_step::int AS escalation_step, ${utcIso('a.next_escalation_at')} AS next_escalation_at,
         (SELECT c.name FROM flood_notifications n JOIN flood_contacts c ON c.id = n.contact_id
          WHERE n.alert_id = a.id ORDER BY n.created_at DESC, n.id DESC LIMIT 1) AS notified
  FROM flood_alerts a
  JOIN sensors s ON s.id = a.sensor_id
  LEFT JOIN users ack ON ack.id = a.acknowledged_by
  LEFT JOIN users cl ON cl.id = a.closed_by
  LEFT JOIN users asg ON asg.id = a.assignee_id`;

const SEVERITY_ORDER = `CASE a.severity WHEN 'critical' THEN 3 WHEN 'warning' THEN 2 ELSE 1 END`;

export async function getAlert(db: Queryable, id: number): Promise<Alert | undefined> {
  const [row] = await db.query<Alert>(`${ALERT_SELECT} WHERE a.id = $1`, [id]);
  return row;
}

export interface AlertFilter {
  /** active: open or acknowledged; wall: not closed; all: everything, newest first. */
  state: 'active' | 'wall' | 'all';
  sensor?: string;
  zones: number[] | null;
  limit: number;
}

/** The alert wall's order: the most severe first, and the oldest first within a severity. */
export const listAlerts = (db: Queryable, filter: AlertFilter) =>
  db.query<Alert>(
    `${ALERT_SELECT}
     WHERE ($1 = 'all' OR a.status IN ('open', 'acknowledged') OR ($1 = 'wall' AND a.status = 'resolved'))
       AND ($2::text IS NULL OR s.code = $2)
       AND ($3::smallint[] IS NULL OR s.zone_id = ANY ($3))
     ORDER BY CASE WHEN a.status IN ('open', 'acknowledged') THEN 0 ELSE 1 END,
              CASE WHEN $1 = 'all' THEN 0 ELSE ${SEVERITY_ORDER} END DESC,
              CASE WHEN $1 = 'all' THEN NULL ELSE a.opened_at END ASC,
              a.opened_at DESC
     LIMIT $4`,
    [filter.state, filter.sensor ?? null, filter.zones, filter.limit]);

export interface AlertEvent {
  id: number; at: string; change: AlertChange; severity: Severity; level_m: number | null;
  user_name: string | null; contact_name: string | null; note: string | null;
}

export const alertTimeline = (db: Queryable, alertId: number) =>
  db.query<AlertEvent>(
    `SELECT e.id::int AS id, ${utcIso('e.at')} AS at, e.change, e.severity, e.level_m,
            u.display_name AS user_name, c.name AS contact_name, e.note
     FROM flood_alert_events e LEFT JOIN users u ON u.id = e.user_id LEFT JOIN flood_contacts c ON c.id = e.contact_id
     WHERE e.alert_id = $1 ORDER BY e.at, e.id`, [alertId]);

/** What the engine keeps of a sensor's alert of one type while it works through a batch. */
export type CurrentAlert = AlertSnapshot & { id: number; escalation_step: number };

/** The sensor's alerts that are not closed (one per type at most), locked for the caller's transaction. */
export async function currentAlerts(tx: Queryable, sensorId: number): Promise<Partial<Record<AlertType, CurrentAlert>>> {
  const rows = await tx.query<CurrentAlert & { type: AlertType }>(
    `SELECT id, type, severity, status, escalation_step::int AS escalation_step FROM flood_alerts
     WHERE sensor_id = $1 AND status <> 'closed' FOR UPDATE`, [sensorId]);
  return Object.fromEntries(rows.map(({ type, ...alert }) => [type, alert]));
}

/** `escalation_step` on an alert is a position in this list, not the step number itself. */
interface ChainStep { step: number; ack_within_s: number; contact_id: number; quiet_from: string | null; quiet_to: string | null }

/** The zone's escalation chain, or the city's when the zone has none of its own. */
const chainFor = (tx: Queryable, sensorId: number) =>
  tx.query<ChainStep>(
    `WITH z AS (SELECT zone_id FROM sensors WHERE id = $1)
     SELECT e.step::int AS step, e.ack_within_s, c.id AS contact_id, c.quiet_from::text AS quiet_from, c.quiet_to::text AS quiet_to
     FROM escalation_steps e JOIN flood_contacts c ON c.id = e.contact_id
     WHERE c.active AND e.zone_id IS NOT DISTINCT FROM
       (SELECT CASE WHEN EXISTS (SELECT 1 FROM escalation_steps x WHERE x.zone_id = z.zone_id) THEN z.zone_id END FROM z)
     ORDER BY e.step`, [sensorId]);

/** An alert's severity and status before a change: who could see it then (see messageFor). */
type Was = Pick<AlertSnapshot, 'severity' | 'status'> | null;

interface EventRow {
  alert_id: number; at: Date; change: AlertChange; was: Was;
  /** null: the alert's severity when written. */
  severity: Severity | null; level_m: number | null; user_id: number | null; contact_id: number | null; note: string | null;
}
interface NotificationRow { alert_id: number; contact_id: number; reason: NotificationReason; severity: Severity; created_at: Date; due_at: Date; cancelled: boolean }

/** The columns a run of condition changes sets on one alert; the last change of each wins. */
interface AlertPatch {
  severity?: Severity; status?: AlertStatus; escalation_step?: number; next_escalation_at?: string | null;
  resolved_at?: string | null; updated_at?: string; level_m?: number | null; reading_at?: string | null;
  /** The worst severity raised to: the alert's peak becomes it if it is worse. */
  peak?: Severity;
  /** Raised or reopened: whoever acknowledged it must acknowledge again. */
  unacknowledge?: true;
}

/**
 * What changes to alerts write, gathered and written in a few set-based statements: one batch
 * of readings can move an alert hundreds of times, and one round trip per move made a
 * 5,000-reading batch take most of a minute. Entries keep the order they were made in.
 */
export class AlertWrites {
  private readonly events: EventRow[] = [];
  private readonly notifications: NotificationRow[] = [];
  private readonly patches = new Map<number, AlertPatch>();
  /** Alerts whose notifications still held back from before these writes are cancelled. */
  private readonly cancelHeld = new Set<number>();

  event(row: Partial<EventRow> & Pick<EventRow, 'alert_id' | 'at' | 'change' | 'was'>): void {
    this.events.push({ severity: null, level_m: null, user_id: null, contact_id: null, note: null, ...row });
  }

  /** Queues a notification per contact; quiet hours hold back all but red (see deliverAt). */
  notify(alertId: number, steps: ChainStep[], reason: NotificationReason, severity: Severity, now: Date): void {
    for (const step of steps) {
      const quiet = step.quiet_from && step.quiet_to ? { from: step.quiet_from, to: step.quiet_to } : null;
      this.notifications.push({ alert_id: alertId, contact_id: step.contact_id, reason, severity, created_at: now, due_at: deliverAt(now, severity, quiet), cancelled: false });
    }
  }

  /** Drops the alert's notifications that are held back (pending), those queued here included. */
  cancelHeldNotifications(alertId: number): void {
    this.cancelHeld.add(alertId);
    for (const n of this.notifications) if (n.alert_id === alertId) n.cancelled = true;
  }

  patch(alertId: number, patch: AlertPatch): void {
    const merged = { ...this.patches.get(alertId), ...patch };
    const peak = this.patches.get(alertId)?.peak;
    if (peak && (!patch.peak || BANDS.indexOf(peak) > BANDS.indexOf(patch.peak))) merged.peak = peak;
    this.patches.set(alertId, merged);
  }

  async flush(tx: Queryable): Promise<void> {
    for (const [id, patch] of this.patches) {
      await tx.query(
        `UPDATE flood_alerts a SET
           severity = CASE WHEN p ? 'severity' THEN p->>'severity' ELSE a.severity END,
           status = CASE WHEN p ? 'status' THEN p->>'status' ELSE a.status END,
           escalation_step = CASE WHEN p ? 'escalation_step' THEN (p->>'escalation_step')::smallint ELSE a.escalation_step END,
           next_escalation_at = CASE WHEN p ? 'next_escalation_at' THEN (p->>'next_escalation_at')::timestamptz ELSE a.next_escalation_at END,
           resolved_at = CASE WHEN p ? 'resolved_at' THEN (p->>'resolved_at')::timestamptz ELSE a.resolved_at END,
           updated_at = CASE WHEN p ? 'updated_at' THEN (p->>'updated_at')::timestamptz ELSE a.updated_at END,
           level_m = CASE WHEN p ? 'level_m' THEN (p->>'level_m')::float8 ELSE a.level_m END,
           reading_at = CASE WHEN p ? 'reading_at' THEN (p->>'reading_at')::timestamptz ELSE a.reading_at END,
           peak_severity = CASE WHEN array_position($3::text[], p->>'peak') > array_position($3::text[], a.peak_severity)
                                THEN p->>'peak' ELSE a.peak_severity END,
           acknowledged_at = CASE WHEN p ? 'unacknowledge' THEN NULL ELSE a.acknowledged_at END,
           acknowledged_by = CASE WHEN p ? 'unacknowledge' THEN NULL ELSE a.acknowledged_by END
         FROM (SELECT $2::jsonb AS p) AS x WHERE a.id = $1`,
        [id, JSON.stringify(patch), BANDS]);
    }
    if (this.cancelHeld.size) {
      await tx.query(`UPDATE flood_notifications SET status = 'cancelled' WHERE alert_id = ANY ($1::int[]) AND status = 'pending'`, [[...this.cancelHeld]]);
    }
    const n = this.notifications;
    if (n.length) {
      await tx.query(
        `INSERT INTO flood_notifications (alert_id, contact_id, reason, severity, created_at, due_at, status)
         SELECT alert_id, contact_id, reason, severity, created_at, due_at, CASE WHEN cancelled THEN 'cancelled' ELSE 'pending' END
         FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::boolean[]) WITH ORDINALITY
              AS x(alert_id, contact_id, reason, severity, created_at, due_at, cancelled, n)
         ORDER BY n`,
        [n.map((r) => r.alert_id), n.map((r) => r.contact_id), n.map((r) => r.reason), n.map((r) => r.severity),
          n.map((r) => r.created_at.toISOString()), n.map((r) => r.due_at.toISOString()), n.map((r) => r.cancelled)]);
    }
    const e = this.events;
    if (e.length) {
      await tx.query(
        `INSERT INTO flood_alert_events (alert_id, at, change, severity, level_m, user_id, contact_id, note)
         SELECT x.alert_id, x.at, x.change, coalesce(x.severity, a.severity), x.level_m, x.user_id, x.contact_id, x.note
         FROM unnest($1::int[], $2::timestamptz[], $3::text[], $4::text[], $5::float8[], $6::int[], $7::int[], $8::text[]) WITH ORDINALITY
              AS x(alert_id, at, change, severity, level_m, user_id, contact_id, note, n)
         JOIN flood_alerts a ON a.id = x.alert_id
         ORDER BY x.n`,
        [e.map((r) => r.alert_id), e.map((r) => r.at.toISOString()), e.map((r) => r.change), e.map((r) => r.severity),
          e.map((r) => r.level_m), e.map((r) => r.user_id), e.map((r) => r.contact_id), e.map((r) => r.note)]);
    }
    // PostgreSQL delivers identical payloads of one transaction once: sending each once is the same.
    const messages = [...new Set(e.map((r) => JSON.stringify({ topic: 'alert', alert_id: r.alert_id, change: r.change, was: r.was })))];
    for (const message of messages) await publish(tx, JSON.parse(message) as object);
    this.events.length = 0;
    this.notifications.length = 0;
    this.patches.clear();
    this.cancelHeld.clear();
  }
}

const deadline = (now: Date, step: ChainStep | undefined) =>
  step ? new Date(now.getTime() + step.ack_within_s * 1000).toISOString() : null;

export interface ConditionEdge {
  sensorId: number; type: AlertType; change: ConditionChange; severity: Severity | null;
  /** When the water (or the silence) did it: the reading's time. */
  at: Date; level_m: number | null;
  /** When the server learnt of it: escalation deadlines run from here. */
  now: Date;
}

/**
 * What a condition's edge does to its alert (see rules.alertChange), with its timeline entry
 * (at the reading's time: when the water did it), the notifications it queues and the live
 * event it announces, gathered in `writes` (only opening an alert is written at once: it needs
 * its id). `chain` is the sensor's escalation chain. Returns the alert's state afterwards, for
 * the next edge in the same batch.
 */
export async function applyConditionChange(tx: Queryable, writes: AlertWrites, chain: ChainStep[],
  alert: CurrentAlert | null, edge: ConditionEdge): Promise<CurrentAlert | null> {
  const { change, now } = edge;
  const severity = edge.severity as Severity;
  const at = edge.at.toISOString();
  if (change === 'opened') {
    const [row] = await tx.query<{ id: number }>(
      `INSERT INTO flood_alerts (sensor_id, type, severity, peak_severity, status, opened_at, updated_at, level_m, reading_at,
                                 escalation_step, next_escalation_at)
       VALUES ($1, $2, $3, $3, 'open', $4, $5, $6, $4, 0, $7) RETURNING id`,
      [edge.sensorId, edge.type, severity, at, now.toISOString(), edge.level_m, deadline(now, chain[0])]);
    const id = (row as { id: number }).id;
    writes.event({ alert_id: id, at: edge.at, change, was: null, severity, level_m: edge.level_m, contact_id: chain[0]?.contact_id ?? null });
    writes.notify(id, chain.slice(0, 1), 'opened', severity, now);
    return { id, severity, status: 'open', escalation_step: 0 };
  }
  if (!alert) return null;
  const was = { severity: alert.severity, status: alert.status };
  if (change === 'lowered') {
    writes.patch(alert.id, { severity, updated_at: now.toISOString(), level_m: edge.level_m, reading_at: at });
    writes.event({ alert_id: alert.id, at: edge.at, change, was, severity, level_m: edge.level_m });
    return { ...alert, severity };
  }
  if (change === 'resolved') {
    // A silent sensor's alert resolves without a level: the last one stays on the alert.
    writes.patch(alert.id, {
      status: 'resolved', resolved_at: at, updated_at: now.toISOString(), next_escalation_at: null,
      ...(edge.level_m === null ? {} : { level_m: edge.level_m, reading_at: at }),
    });
    writes.cancelHeldNotifications(alert.id);
    writes.event({ alert_id: alert.id, at: edge.at, change, was, severity: alert.severity, level_m: edge.level_m });
    return { ...alert, status: 'resolved' };
  }
  // Raised or reopened: worse than what anyone acknowledged, so it needs acknowledging again,
  // and everyone already told in the chain hears of it; the escalation clock starts over.
  // A reopened alert starts the chain again; a raised one carries on from where it got to.
  const step = alert.status === 'resolved' ? 0 : alert.escalation_step;
  writes.patch(alert.id, {
    severity, status: 'open', escalation_step: step, next_escalation_at: deadline(now, chain[step]), peak: severity,
    unacknowledge: true, resolved_at: null, updated_at: now.toISOString(), level_m: edge.level_m, reading_at: at,
  });
  writes.event({ alert_id: alert.id, at: edge.at, change, was, severity, level_m: edge.level_m });
  writes.notify(alert.id, chain.slice(0, step + 1), change, severity, now);
  return { ...alert, severity, status: 'open', escalation_step: step };
}

/** Loads the sensor's chain once, when a change first needs it. */
export const chainLoader = (tx: Queryable, sensorId: number) => {
  let chain: Promise<ChainStep[]> | null = null;
  return () => (chain ??= chainFor(tx, sensorId));
};

/**
 * Every open alert whose acknowledgement deadline has passed moves one step down its chain:
 * the next contact is told and gets their own deadline. At the end of the chain it stays open,
 * with no further deadline. SKIP LOCKED lets several processes sweep without doubling a step.
 */
export async function escalateOverdue(tx: Queryable, now: Date): Promise<number[]> {
  const due = await tx.query<{ id: number; sensor_id: number; escalation_step: number; severity: Severity }>(
    `SELECT id, sensor_id::int AS sensor_id, escalation_step::int AS escalation_step, severity FROM flood_alerts
     WHERE status = 'open' AND next_escalation_at <= $1 ORDER BY next_escalation_at FOR UPDATE SKIP LOCKED`,
    [now.toISOString()]);
  const escalated: number[] = [];
  const writes = new AlertWrites();
  for (const alert of due) {
    const chain = await chainFor(tx, alert.sensor_id);
    const next = chain[alert.escalation_step + 1];
    writes.patch(alert.id, {
      escalation_step: next ? alert.escalation_step + 1 : alert.escalation_step, next_escalation_at: deadline(now, next), updated_at: now.toISOString(),
    });
    if (!next) continue;
    writes.event({ alert_id: alert.id, at: now, change: 'escalated', was: { severity: alert.severity, status: 'open' }, contact_id: next.contact_id });
    writes.notify(alert.id, [next], 'escalated', alert.severity, now);
    escalated.push(alert.id);
  }
  await writes.flush(tx);
  return escalated;
}

export type AlertAction =
  | { action: 'acknowledge'; note?: string }
  | { action: 'resolve'; note?: string }
  | { action: 'close'; note?: string }
  | { action: 'assign'; assignee_id: number | null }
  | { action: 'note'; note: string };

/** The statuses an action may start from; anything else is a conflict (409). */
export const ACTION_FROM: Record<AlertAction['action'], readonly AlertStatus[]> = {
  acknowledge: ['open'],
  resolve: ['open', 'acknowledged'],
  close: ['resolved'],
  assign: ['open', 'acknowledged', 'resolved'],
  note: ['open', 'acknowledged', 'resolved', 'closed'],
};

/** A person acts on an alert. The caller has locked it, checked the status and may audit. */
export async function actOnAlert(tx: Queryable, alertId: number, act: AlertAction, userId: number, now: Date): Promise<void> {
  const at = now.toISOString();
  const [was] = await tx.query<NonNullable<Was>>('SELECT severity, status FROM flood_alerts WHERE id = $1', [alertId]);
  const writes = new AlertWrites();
  const entry = { alert_id: alertId, at: now, was: was ?? null, user_id: userId };
  switch (act.action) {
    case 'acknowledge':
      // Acknowledged: someone is on it, so the chain stops and held notifications are dropped.
      await tx.query(`UPDATE flood_alerts SET status = 'acknowledged', acknowledged_at = $2, acknowledged_by = $3,
                             next_escalation_at = NULL, updated_at = $2 WHERE id = $1`, [alertId, at, userId]);
      writes.cancelHeldNotifications(alertId);
      writes.event({ ...entry, change: 'acknowledged', note: act.note ?? null });
      break;
    case 'resolve':
      await tx.query(`UPDATE flood_alerts SET status = 'resolved', resolved_at = $2, next_escalation_at = NULL, updated_at = $2
                      WHERE id = $1`, [alertId, at]);
      writes.cancelHeldNotifications(alertId);
      writes.event({ ...entry, change: 'resolved', note: act.note ?? null });
      break;
    case 'close':
      await tx.query(`UPDATE flood_alerts SET status = 'closed', closed_at = $2, closed_by = $3, updated_at = $2 WHERE id = $1`,
        [alertId, at, userId]);
      writes.event({ ...entry, change: 'closed', note: act.note ?? null });
      break;
    case 'assign':
      await tx.query(`UPDATE flood_alerts SET assignee_id = $2, updated_at = $3 WHERE id = $1`, [alertId, act.assignee_id, at]);
      writes.event({ ...entry, change: 'assigned' });
      break;
    case 'note':
      writes.event({ ...entry, change: 'noted', note: act.note });
  }
  await writes.flush(tx);
}

/** Which published version of an alert this is: a change of severity makes a new one. */
export async function publishedRevision(db: Queryable, alertId: number): Promise<{ revision: number; sent: string; previousSent: string | null }> {
  const [row] = await db.query<{ revision: number; sent: string; previous: string | null }>(
    `SELECT count(*)::int AS revision, ${utcIso('max(at)')} AS sent,
            ${utcIso('(array_agg(at ORDER BY at DESC, id DESC))[2]')} AS previous
     FROM flood_alert_events WHERE alert_id = $1 AND change IN ('opened', 'raised', 'lowered', 'reopened')`, [alertId]);
  return { revision: row?.revision ?? 1, sent: row?.sent ?? new Date().toISOString(), previousSent: row?.previous ?? null };
}
