import type { Queryable } from '../../db/index.ts';
import { utcIso } from '../../db/sql.ts';
import type { NotificationReason } from '../notify/message.ts';
import type { Severity } from '../rules.ts';

/** Every statement of the notification outbox: claiming what is due, recording how it went. */

export interface Claimed {
  id: number;
  alert_id: number;
  reason: NotificationReason;
  attempts: number;
  channel: 'webhook' | 'line';
  address: string;
}

/**
 * Claims up to `batch` notifications that are due, and those whose claim is older than
 * `staleClaimS` (their process died mid-send). SKIP LOCKED: several processes never claim one twice.
 */
export const claimDueNotifications = (tx: Queryable, now: Date, staleClaimS: number, batch: number) =>
  tx.query<Claimed>(
    `UPDATE flood_notifications n SET status = 'sending', attempts = n.attempts + 1, claimed_at = $1
     FROM flood_contacts c
     WHERE c.id = n.contact_id AND n.id IN (
       SELECT id FROM flood_notifications
       WHERE (status = 'pending' AND due_at <= $1)
          OR (status = 'sending' AND claimed_at < $1::timestamptz - $2 * interval '1 second')
       ORDER BY due_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
     RETURNING n.id::int AS id, n.alert_id, n.reason, n.attempts::int AS attempts, c.channel, c.address`,
    [now.toISOString(), staleClaimS, batch],
  );

export const markSent = (db: Queryable, id: number, now: Date) =>
  db.query(`UPDATE flood_notifications SET status = 'sent', sent_at = $2, error = NULL WHERE id = $1`, [id, now.toISOString()]);

export const markRetry = (db: Queryable, id: number, now: Date, afterS: number, error: string) =>
  db.query(`UPDATE flood_notifications SET status = 'pending', due_at = $2::timestamptz + $3 * interval '1 second', error = $4 WHERE id = $1`, [
    id,
    now.toISOString(),
    afterS,
    error,
  ]);

export const markFailed = (db: Queryable, id: number, error: string) =>
  db.query(`UPDATE flood_notifications SET status = 'failed', error = $2 WHERE id = $1`, [id, error]);

export interface NotificationRecord {
  id: number;
  contact: string;
  position: string;
  channel: 'webhook' | 'line';
  reason: NotificationReason;
  severity: Severity;
  status: 'pending' | 'sending' | 'sent' | 'failed' | 'cancelled';
  created_at: string;
  due_at: string;
  sent_at: string | null;
  attempts: number;
  error: string | null;
}

/** Who was told about an alert, how, and whether it got through. */
export const notificationsOf = (db: Queryable, alertId: number) =>
  db.query<NotificationRecord>(
    `SELECT n.id::int AS id, c.name AS contact, c.position, c.channel, n.reason, n.severity, n.status,
            ${utcIso('n.created_at')} AS created_at, ${utcIso('n.due_at')} AS due_at, ${utcIso('n.sent_at')} AS sent_at,
            n.attempts::int AS attempts, n.error
     FROM flood_notifications n JOIN flood_contacts c ON c.id = n.contact_id
     WHERE n.alert_id = $1 ORDER BY n.created_at, n.id`,
    [alertId],
  );
