import type { Db } from '../../db/index.ts';
import { utcIso } from '../../db/sql.ts';
import { getAlert } from '../alerts.ts';
import type { Channel } from './channels.ts';
import type { Severity } from '../rules.ts';
import type { NotificationReason } from './message.ts';

const BATCH = 50;
const MAX_ATTEMPTS = 5;
/** A claim older than this belongs to a process that died mid-send: take it over. */
const STALE_CLAIM_S = 300;
const backoffSeconds = (attempts: number) => 30 * 2 ** (attempts - 1);

interface Claimed { id: number; alert_id: number; reason: NotificationReason; attempts: number; channel: 'webhook' | 'line'; address: string }

/**
 * Sends every notification that is due, through its contact's channel, and records the
 * outcome: sent, tried again later with backoff, or failed for good. Claiming with SKIP LOCKED
 * lets several processes dispatch without sending anything twice.
 */
export async function dispatchDue(db: Db, channels: Record<Claimed['channel'], Channel>, now: Date): Promise<number> {
  const claimed = await db.transaction((tx) => tx.query<Claimed>(
    `UPDATE flood_notifications n SET status = 'sending', attempts = n.attempts + 1, claimed_at = $1
     FROM flood_contacts c
     WHERE c.id = n.contact_id AND n.id IN (
       SELECT id FROM flood_notifications
       WHERE (status = 'pending' AND due_at <= $1)
          OR (status = 'sending' AND claimed_at < $1::timestamptz - $2 * interval '1 second')
       ORDER BY due_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
     RETURNING n.id::int AS id, n.alert_id, n.reason, n.attempts::int AS attempts, c.channel, c.address`,
    [now.toISOString(), STALE_CLAIM_S, BATCH]));
  await Promise.all(claimed.map(async (n) => {
    const alert = await getAlert(db, n.alert_id);
    if (!alert) return;
    const result = await (channels[n.channel] as Channel).send({ id: n.id, alert, reason: n.reason, address: n.address });
    if (result.ok) {
      await db.query(`UPDATE flood_notifications SET status = 'sent', sent_at = $2, error = NULL WHERE id = $1`, [n.id, now.toISOString()]);
    } else if (result.retry && n.attempts < MAX_ATTEMPTS) {
      await db.query(`UPDATE flood_notifications SET status = 'pending', due_at = $2::timestamptz + $3 * interval '1 second', error = $4 WHERE id = $1`,
        [n.id, now.toISOString(), backoffSeconds(n.attempts), result.error]);
    } else {
      await db.query(`UPDATE flood_notifications SET status = 'failed', error = $2 WHERE id = $1`, [n.id, result.error]);
    }
  }));
  return claimed.length;
}

export interface NotificationRecord {
  id: number; contact: string; position: string; channel: 'webhook' | 'line'; reason: NotificationReason; severity: Severity;
  status: 'pending' | 'sending' | 'sent' | 'failed' | 'cancelled';
  created_at: string; due_at: string; sent_at: string | null; attempts: number; error: string | null;
}

/** Who was told about an alert, how, and whether it got through. */
export const notificationsOf = (db: Pick<Db, 'query'>, alertId: number) =>
  db.query<NotificationRecord>(
    `SELECT n.id::int AS id, c.name AS contact, c.position, c.channel, n.reason, n.severity, n.status,
            ${utcIso('n.created_at')} AS created_at, ${utcIso('n.due_at')} AS due_at, ${utcIso('n.sent_at')} AS sent_at,
            n.attempts::int AS attempts, n.error
     FROM flood_notifications n JOIN flood_contacts c ON c.id = n.contact_id
     WHERE n.alert_id = $1 ORDER BY n.created_at, n.id`, [alertId]);
