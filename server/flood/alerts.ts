import type { Queryable } from '../db/index.ts';
import { utcIso } from '../db/sql.ts';
import { publish } from '../live/hub.ts';
import { deliverAt } from './notify/quietHours.ts';
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

/** The alert of this type on this sensor that is not closed, locked for the caller's transaction. */
export async function currentAlert(tx: Queryable, sensorId: number, type: AlertType): Promise<CurrentAlert | null> {
  const [row] = await tx.query<CurrentAlert>(
    `SELECT id, severity, status, escalation_step::int AS escalation_step FROM flood_alerts
     WHERE sensor_id = $1 AND type = $2 AND status <> 'closed' FOR UPDATE`,
    [sensorId, type]);
  return row ?? null;
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

async function recordEvent(tx: Queryable, alertId: number, change: AlertChange, now: Date,
  extra: { severity?: Severity; level_m?: number | null; user_id?: number | null; contact_id?: number | null; note?: string | null } = {}): Promise<void> {
  await tx.query(
    `INSERT INTO flood_alert_events (alert_id, at, change, severity, level_m, user_id, contact_id, note)
     SELECT $1, $2, $3, coalesce($4, a.severity), $5, $6, $7, $8 FROM flood_alerts a WHERE a.id = $1`,
    [alertId, now.toISOString(), change, extra.severity ?? null, extra.level_m ?? null,
      extra.user_id ?? null, extra.contact_id ?? null, extra.note ?? null]);
  await publish(tx, { topic: 'alert', alert_id: alertId, change });
}

/** Queues a notification per contact; quiet hours hold back all but red (see deliverAt). */
async function notify(tx: Queryable, alertId: number, steps: ChainStep[], reason: 'opened' | 'raised' | 'escalated' | 'reopened',
  severity: Severity, now: Date): Promise<void> {
  for (const step of steps) {
    const quiet = step.quiet_from && step.quiet_to ? { from: step.quiet_from, to: step.quiet_to } : null;
    await tx.query(
      `INSERT INTO flood_notifications (alert_id, contact_id, reason, severity, created_at, due_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [alertId, step.contact_id, reason, severity, now.toISOString(), deliverAt(now, severity, quiet).toISOString()]);
  }
}

const cancelHeldNotifications = (tx: Queryable, alertId: number) =>
  tx.query(`UPDATE flood_notifications SET status = 'cancelled' WHERE alert_id = $1 AND status = 'pending'`, [alertId]);

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
 * Writes what a condition's edge does to its alert (see rules.alertChange), with its timeline
 * entry (at the reading's time: when the water did it), the notifications it queues and the
 * live event it announces. Returns the alert's
 * state afterwards, for the next edge in the same batch.
 */
export async function applyConditionChange(tx: Queryable, alert: CurrentAlert | null, edge: ConditionEdge): Promise<CurrentAlert | null> {
  const { change, severity, now } = edge;
  const at = edge.at.toISOString();
  if (change === 'opened') {
    const chain = await chainFor(tx, edge.sensorId);
    const [row] = await tx.query<{ id: number }>(
      `INSERT INTO flood_alerts (sensor_id, type, severity, peak_severity, status, opened_at, updated_at, level_m, reading_at,
                                 escalation_step, next_escalation_at)
       VALUES ($1, $2, $3, $3, 'open', $4, $5, $6, $4, 0, $7) RETURNING id`,
      [edge.sensorId, edge.type, severity, at, now.toISOString(), edge.level_m, deadline(now, chain[0])]);
    const id = (row as { id: number }).id;
    await recordEvent(tx, id, 'opened', edge.at, { level_m: edge.level_m, contact_id: chain[0]?.contact_id ?? null });
    await notify(tx, id, chain.slice(0, 1), 'opened', severity as Severity, now);
    return { id, severity: severity as Severity, status: 'open', escalation_step: 0 };
  }
  if (!alert) return null;
  if (change === 'lowered') {
    await tx.query(`UPDATE flood_alerts SET severity = $2, updated_at = $3, level_m = $4, reading_at = $5 WHERE id = $1`,
      [alert.id, severity, now.toISOString(), edge.level_m, at]);
    await recordEvent(tx, alert.id, 'lowered', edge.at, { level_m: edge.level_m });
    return { ...alert, severity: severity as Severity };
  }
  if (change === 'resolved') {
    await tx.query(
      `UPDATE flood_alerts SET status = 'resolved', resolved_at = $2, updated_at = $3, next_escalation_at = NULL,
              level_m = coalesce($4, level_m), reading_at = coalesce($5, reading_at) WHERE id = $1`,
      [alert.id, at, now.toISOString(), edge.level_m, edge.level_m === null ? null : at]);
    await cancelHeldNotifications(tx, alert.id);
    await recordEvent(tx, alert.id, 'resolved', edge.at, { level_m: edge.level_m });
    return { ...alert, status: 'resolved' };
  }
  // Raised or reopened: worse than what anyone acknowledged, so it needs acknowledging again,
  // and everyone already told in the chain hears of it; the escalation clock starts over.
  // A reopened alert starts the chain again; a raised one carries on from where it got to.
  const chain = await chainFor(tx, edge.sensorId);
  const step = alert.status === 'resolved' ? 0 : alert.escalation_step;
  await tx.query(
    `UPDATE flood_alerts SET severity = $2, status = 'open', escalation_step = $6, next_escalation_at = $7,
            peak_severity = CASE WHEN array_position($8::text[], $2) > array_position($8::text[], peak_severity) THEN $2 ELSE peak_severity END,
            acknowledged_at = NULL, acknowledged_by = NULL, resolved_at = NULL, updated_at = $3, level_m = $4, reading_at = $5
     WHERE id = $1`,
    [alert.id, severity, now.toISOString(), edge.level_m, at, step, deadline(now, chain[step]), BANDS]);
  await recordEvent(tx, alert.id, change, edge.at, { level_m: edge.level_m });
  await notify(tx, alert.id, chain.slice(0, step + 1), change, severity as Severity, now);
  return { ...alert, severity: severity as Severity, status: 'open', escalation_step: step };
}

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
  for (const alert of due) {
    const chain = await chainFor(tx, alert.sensor_id);
    const next = chain[alert.escalation_step + 1];
    await tx.query(
      `UPDATE flood_alerts SET escalation_step = $2, next_escalation_at = $3, updated_at = $4 WHERE id = $1`,
      [alert.id, next ? alert.escalation_step + 1 : alert.escalation_step, deadline(now, next), now.toISOString()]);
    if (!next) continue;
    await recordEvent(tx, alert.id, 'escalated', now, { contact_id: next.contact_id });
    await notify(tx, alert.id, [next], 'escalated', alert.severity, now);
    escalated.push(alert.id);
  }
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
  switch (act.action) {
    case 'acknowledge':
      // Acknowledged: someone is on it, so the chain stops and held notifications are dropped.
      await tx.query(`UPDATE flood_alerts SET status = 'acknowledged', acknowledged_at = $2, acknowledged_by = $3,
                             next_escalation_at = NULL, updated_at = $2 WHERE id = $1`, [alertId, at, userId]);
      await cancelHeldNotifications(tx, alertId);
      await recordEvent(tx, alertId, 'acknowledged', now, { user_id: userId, note: act.note ?? null });
      return;
    case 'resolve':
      await tx.query(`UPDATE flood_alerts SET status = 'resolved', resolved_at = $2, next_escalation_at = NULL, updated_at = $2
                      WHERE id = $1`, [alertId, at]);
      await cancelHeldNotifications(tx, alertId);
      await recordEvent(tx, alertId, 'resolved', now, { user_id: userId, note: act.note ?? null });
      return;
    case 'close':
      await tx.query(`UPDATE flood_alerts SET status = 'closed', closed_at = $2, closed_by = $3, updated_at = $2 WHERE id = $1`,
        [alertId, at, userId]);
      await recordEvent(tx, alertId, 'closed', now, { user_id: userId, note: act.note ?? null });
      return;
    case 'assign':
      await tx.query(`UPDATE flood_alerts SET assignee_id = $2, updated_at = $3 WHERE id = $1`, [alertId, act.assignee_id, at]);
      await recordEvent(tx, alertId, 'assigned', now, { user_id: userId });
      return;
    case 'note':
      await recordEvent(tx, alertId, 'noted', now, { user_id: userId, note: act.note });
  }
}

/** Which published version of an alert this is: a change of severity makes a new one. */
export async function publishedRevision(db: Queryable, alertId: number): Promise<{ revision: number; sent: string; previousSent: string | null }> {
  const [row] = await db.query<{ revision: number; sent: string; previous: string | null }>(
    `SELECT count(*)::int AS revision, ${utcIso('max(at)')} AS sent,
            ${utcIso('(array_agg(at ORDER BY at DESC, id DESC))[2]')} AS previous
     FROM flood_alert_events WHERE alert_id = $1 AND change IN ('opened', 'raised', 'lowered', 'reopened')`, [alertId]);
  return { revision: row?.revision ?? 1, sent: row?.sent ?? new Date().toISOString(), previousSent: row?.previous ?? null };
}
