import type { Db } from '../../db/index.ts';
import { getAlert } from '../queries/alerts.ts';
import { claimDueNotifications, markFailed, markRetry, markSent } from '../queries/outbox.ts';
import type { Channel } from './channels.ts';

const BATCH = 50;
const MAX_ATTEMPTS = 5;
/** A claim older than this belongs to a process that died mid-send: take it over. */
const STALE_CLAIM_S = 300;
const backoffSeconds = (attempts: number) => 30 * 2 ** (attempts - 1);

/**
 * Sends every notification that is due, through its contact's channel, and records the
 * outcome: sent, tried again later with backoff, or failed for good. Claiming with SKIP LOCKED
 * lets several processes dispatch without sending anything twice.
 */
export async function dispatchDue(db: Db, channels: Record<'webhook' | 'line', Channel>, now: Date): Promise<number> {
  const claimed = await db.transaction((tx) => claimDueNotifications(tx, now, STALE_CLAIM_S, BATCH));
  await Promise.all(
    claimed.map(async (n) => {
      const alert = await getAlert(db, n.alert_id);
      if (!alert) return;
      const result = await channels[n.channel].send({ id: n.id, alert, reason: n.reason, address: n.address });
      if (result.ok) await markSent(db, n.id, now);
      else if (result.retry && n.attempts < MAX_ATTEMPTS) await markRetry(db, n.id, now, backoffSeconds(n.attempts), result.error);
      else await markFailed(db, n.id, result.error);
    }),
  );
  return claimed.length;
}
