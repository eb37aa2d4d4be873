import { alertZones, PUBLIC_ALERTS, type Viewer } from '../../auth/policy.ts';
import type { Queryable } from '../../db/index.ts';
import { utcIso } from '../../db/sql.ts';
import type { NotificationReason } from '../notify/message.ts';
import { BANDS, type AlertSnapshot, type AlertStatus, type AlertType, type ConditionChange, type Severity } from '../rules.ts';

/** Every statement on flood alerts, their timelines and the notifications they queue. */

export type AlertChange = ConditionChange | 'escalated' | 'acknowledged' | 'assigned' | 'noted' | 'closed';

export interface Alert {
  id: number;
  sensor_id: number;
  sensor_code: string;
  sensor_name_th: string;
  sensor_name_en: string;
  zone_id: number;
  type: AlertType;
  severity: Severity;
  peak_severity: Severity;
  status: AlertStatus;
  opened_at: string;
  updated_at: string;
  level_m: number | null;
  reading_at: string | null;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  resolved_at: string | null;
  closed_at: string | null;
  closed_by: string | null;
  assignee_id: number | null;
  assignee_name: string | null;
  escalation_step: number;
  next_escalation_at: string | null;
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

/** Locks the alert for the caller's transaction; false if there is none. */
export const lockAlert = async (tx: Queryable, id: number): Promise<boolean> =>
  (await tx.query('SELECT id FROM flood_alerts WHERE id = $1 FOR UPDATE', [id])).length > 0;

export interface AlertFilter {
  /** active: open or acknowledged; wall: not closed; all: everything, newest first. */
  state: 'active' | 'wall' | 'all';
  sensor?: string;
  /** Only the alerts this viewer may see (the access policy, as SQL), filtered before the limit. */
  viewer: Viewer;
  limit: number;
}

/**
 * The alert wall's order: the most severe first, and the oldest first within a severity. The
 * viewer's scope is part of the WHERE clause, so the limit counts only alerts they may see: a
 * zone-scoped user gets as many of theirs as they ask for, however many other zones have.
 */
export const listAlerts = (db: Queryable, filter: AlertFilter) =>
  db.query<Alert>(
    `${ALERT_SELECT}
     WHERE ($1 = 'all' OR a.status IN ('open', 'acknowledged') OR ($1 = 'wall' AND a.status = 'resolved'))
       AND ($2::text IS NULL OR s.code = $2)
       AND ($3::smallint[] IS NULL OR s.zone_id = ANY ($3)
            OR (a.severity = ANY ($5::text[]) AND a.status = ANY ($6::text[]) AND a.type = ANY ($7::text[])))
     ORDER BY CASE WHEN a.status IN ('open', 'acknowledged') THEN 0 ELSE 1 END,
              CASE WHEN $1 = 'all' THEN 0 ELSE ${SEVERITY_ORDER} END DESC,
              CASE WHEN $1 = 'all' THEN NULL ELSE a.opened_at END ASC,
              a.opened_at DESC
     LIMIT $4`,
    [filter.state, filter.sensor ?? null, alertZones(filter.viewer), filter.limit, PUBLIC_ALERTS.severities, PUBLIC_ALERTS.statuses, PUBLIC_ALERTS.types],
  );

export interface AlertEvent {
  id: number;
  at: string;
  change: AlertChange;
  severity: Severity;
  level_m: number | null;
  user_name: string | null;
  contact_name: string | null;
  note: string | null;
}

export const alertTimeline = (db: Queryable, alertId: number) =>
  db.query<AlertEvent>(
    `SELECT e.id::int AS id, ${utcIso('e.at')} AS at, e.change, e.severity, e.level_m,
            u.display_name AS user_name, c.name AS contact_name, e.note
     FROM flood_alert_events e LEFT JOIN users u ON u.id = e.user_id LEFT JOIN flood_contacts c ON c.id = e.contact_id
     WHERE e.alert_id = $1 ORDER BY e.at, e.id`,
    [alertId],
  );

/** What the engine keeps of a sensor's alert of one type while it works through a batch. */
export type CurrentAlert = AlertSnapshot & { id: number; escalation_step: number };

/** The sensor's alerts that are not closed (one per type at most), locked for the caller's transaction. */
export async function currentAlerts(tx: Queryable, sensorId: number): Promise<Partial<Record<AlertType, CurrentAlert>>> {
  const rows = await tx.query<CurrentAlert & { type: AlertType }>(
    `SELECT id, type, severity, status, escalation_step::int AS escalation_step FROM flood_alerts
     WHERE sensor_id = $1 AND status <> 'closed' FOR UPDATE`,
    [sensorId],
  );
  return Object.fromEntries(rows.map(({ type, ...alert }) => [type, alert]));
}

/** `escalation_step` on an alert is a position in this list, not the step number itself. */
export interface ChainStep {
  step: number;
  ack_within_s: number;
  contact_id: number;
  quiet_from: string | null;
  quiet_to: string | null;
}

/** The zone's escalation chain, or the city's when the zone has none of its own. */
export const chainFor = (tx: Queryable, sensorId: number) =>
  tx.query<ChainStep>(
    `WITH z AS (SELECT zone_id FROM sensors WHERE id = $1)
     SELECT e.step::int AS step, e.ack_within_s, c.id AS contact_id, c.quiet_from::text AS quiet_from, c.quiet_to::text AS quiet_to
     FROM escalation_steps e JOIN flood_contacts c ON c.id = e.contact_id
     WHERE c.active AND e.zone_id IS NOT DISTINCT FROM
       (SELECT CASE WHEN EXISTS (SELECT 1 FROM escalation_steps x WHERE x.zone_id = z.zone_id) THEN z.zone_id END FROM z)
     ORDER BY e.step`,
    [sensorId],
  );

/** The columns a run of condition changes sets on one alert; the last change of each wins. */
export interface AlertPatch {
  severity?: Severity;
  status?: AlertStatus;
  escalation_step?: number;
  next_escalation_at?: string | null;
  resolved_at?: string | null;
  updated_at?: string;
  level_m?: number | null;
  reading_at?: string | null;
  /** The worst severity raised to: the alert's peak becomes it if it is worse. */
  peak?: Severity;
  /** Raised or reopened: whoever acknowledged it must acknowledge again. */
  unacknowledge?: true;
}

/** Sets the columns the patch names, and only those. */
export const patchAlert = (tx: Queryable, id: number, patch: AlertPatch) =>
  tx.query(
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
    [id, JSON.stringify(patch), BANDS],
  );

/** Drops the notifications of these alerts that are still held back. */
export const cancelPendingNotifications = (tx: Queryable, alertIds: number[]) =>
  tx.query(`UPDATE flood_notifications SET status = 'cancelled' WHERE alert_id = ANY ($1::int[]) AND status = 'pending'`, [alertIds]);

export interface NotificationRow {
  alert_id: number;
  contact_id: number;
  reason: NotificationReason;
  severity: Severity;
  created_at: Date;
  due_at: Date;
  cancelled: boolean;
}

/** Queues notifications (the outbox), in the order given. */
export const insertNotifications = (tx: Queryable, n: NotificationRow[]) =>
  tx.query(
    `INSERT INTO flood_notifications (alert_id, contact_id, reason, severity, created_at, due_at, status)
     SELECT alert_id, contact_id, reason, severity, created_at, due_at, CASE WHEN cancelled THEN 'cancelled' ELSE 'pending' END
     FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::boolean[]) WITH ORDINALITY
          AS x(alert_id, contact_id, reason, severity, created_at, due_at, cancelled, n)
     ORDER BY n`,
    [
      n.map((r) => r.alert_id),
      n.map((r) => r.contact_id),
      n.map((r) => r.reason),
      n.map((r) => r.severity),
      n.map((r) => r.created_at.toISOString()),
      n.map((r) => r.due_at.toISOString()),
      n.map((r) => r.cancelled),
    ],
  );

export interface EventRow {
  alert_id: number;
  at: Date;
  change: AlertChange;
  was: Pick<AlertSnapshot, 'severity' | 'status'> | null;
  /** null: the alert's severity when written. */
  severity: Severity | null;
  level_m: number | null;
  user_id: number | null;
  contact_id: number | null;
  note: string | null;
}

/** Writes timeline entries, in the order given. */
export const insertEvents = (tx: Queryable, e: EventRow[]) =>
  tx.query(
    `INSERT INTO flood_alert_events (alert_id, at, change, severity, level_m, user_id, contact_id, note)
     SELECT x.alert_id, x.at, x.change, coalesce(x.severity, a.severity), x.level_m, x.user_id, x.contact_id, x.note
     FROM unnest($1::int[], $2::timestamptz[], $3::text[], $4::text[], $5::float8[], $6::int[], $7::int[], $8::text[]) WITH ORDINALITY
          AS x(alert_id, at, change, severity, level_m, user_id, contact_id, note, n)
     JOIN flood_alerts a ON a.id = x.alert_id
     ORDER BY x.n`,
    [
      e.map((r) => r.alert_id),
      e.map((r) => r.at.toISOString()),
      e.map((r) => r.change),
      e.map((r) => r.severity),
      e.map((r) => r.level_m),
      e.map((r) => r.user_id),
      e.map((r) => r.contact_id),
      e.map((r) => r.note),
    ],
  );

/** Opens an alert at step 0 of its chain; returns its id. */
export async function insertAlert(
  tx: Queryable,
  alert: {
    sensorId: number;
    type: AlertType;
    severity: Severity;
    at: string;
    now: string;
    level_m: number | null;
    next_escalation_at: string | null;
  },
): Promise<number> {
  const [row] = await tx.query<{ id: number }>(
    `INSERT INTO flood_alerts (sensor_id, type, severity, peak_severity, status, opened_at, updated_at, level_m, reading_at,
                               escalation_step, next_escalation_at)
     VALUES ($1, $2, $3, $3, 'open', $4, $5, $6, $4, 0, $7) RETURNING id`,
    [alert.sensorId, alert.type, alert.severity, alert.at, alert.now, alert.level_m, alert.next_escalation_at],
  );
  return (row as { id: number }).id;
}

/** Open alerts past their acknowledgement deadline, locked; SKIP LOCKED lets several processes sweep. */
export const overdueAlerts = (tx: Queryable, now: Date) =>
  tx.query<{ id: number; sensor_id: number; escalation_step: number; severity: Severity }>(
    `SELECT id, sensor_id::int AS sensor_id, escalation_step::int AS escalation_step, severity FROM flood_alerts
     WHERE status = 'open' AND next_escalation_at <= $1 ORDER BY next_escalation_at FOR UPDATE SKIP LOCKED`,
    [now.toISOString()],
  );

export async function alertState(tx: Queryable, alertId: number): Promise<Pick<AlertSnapshot, 'severity' | 'status'> | null> {
  const [row] = await tx.query<Pick<AlertSnapshot, 'severity' | 'status'>>('SELECT severity, status FROM flood_alerts WHERE id = $1', [alertId]);
  return row ?? null;
}

/** Acknowledged: someone is on it, so the chain stops. */
export const acknowledgeAlert = (tx: Queryable, alertId: number, at: string, userId: number) =>
  tx.query(
    `UPDATE flood_alerts SET status = 'acknowledged', acknowledged_at = $2, acknowledged_by = $3,
                   next_escalation_at = NULL, updated_at = $2 WHERE id = $1`,
    [alertId, at, userId],
  );

export const resolveAlert = (tx: Queryable, alertId: number, at: string) =>
  tx.query(
    `UPDATE flood_alerts SET status = 'resolved', resolved_at = $2, next_escalation_at = NULL, updated_at = $2
            WHERE id = $1`,
    [alertId, at],
  );

export const closeAlert = (tx: Queryable, alertId: number, at: string, userId: number) =>
  tx.query(`UPDATE flood_alerts SET status = 'closed', closed_at = $2, closed_by = $3, updated_at = $2 WHERE id = $1`, [alertId, at, userId]);

export const assignAlert = (tx: Queryable, alertId: number, assigneeId: number | null, at: string) =>
  tx.query(`UPDATE flood_alerts SET assignee_id = $2, updated_at = $3 WHERE id = $1`, [alertId, assigneeId, at]);

/** Which published version of an alert this is: a change of severity makes a new one. */
export async function publishedRevision(db: Queryable, alertId: number): Promise<{ revision: number; sent: string; previousSent: string | null }> {
  const [row] = await db.query<{ revision: number; sent: string; previous: string | null }>(
    `SELECT count(*)::int AS revision, ${utcIso('max(at)')} AS sent,
            ${utcIso('(array_agg(at ORDER BY at DESC, id DESC))[2]')} AS previous
     FROM flood_alert_events WHERE alert_id = $1 AND change IN ('opened', 'raised', 'lowered', 'reopened')`,
    [alertId],
  );
  return { revision: row?.revision ?? 1, sent: row?.sent ?? new Date().toISOString(), previousSent: row?.previous ?? null };
}
