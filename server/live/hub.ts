import type { Db, Queryable } from '../db/index.ts';
import { notify } from '../db/sql.ts';
import { logError } from '../failures.ts';

/** The one channel every server process LISTENs on: a change made by any of them reaches all. */
const LIVE_CHANNEL = 'mueang_live';

/**
 * Announces a change to every server process on the database, when (and only if) the caller's
 * transaction commits. NOTIFY payloads are limited to 8000 bytes: send ids and small facts, and
 * let each process load the rest once.
 */
export async function publish(tx: Queryable, message: object): Promise<void> {
  await notify(tx, LIVE_CHANNEL, JSON.stringify(message));
}

interface Subscriber<Event> {
  event(event: Event): void;
  /**
   * Events may have been missed: the LISTEN connection was lost for a while (a database restart)
   * or one could not be loaded. The subscriber must start again from the present.
   */
  gap(): void;
}

export interface LiveHub<Event> {
  /** Receives every event from now on; returns a function that stops receiving. */
  subscribe(subscriber: Subscriber<Event>): () => void;
  close(): Promise<void>;
}

/**
 * One LISTEN per process, fanned out to every live client in it. `enrich` turns a notification
 * into the event clients get (loading an alert once, not once per client); notifications are
 * handled one at a time so clients see events in the order they were committed.
 */
export async function openLiveHub<Event>(db: Db, enrich: (message: unknown) => Promise<Event | null>): Promise<LiveHub<Event>> {
  const subscribers = new Set<Subscriber<Event>>();
  let queue = Promise.resolve();
  const gap = () => {
    for (const subscriber of subscribers) subscriber.gap();
  };
  const stop = await db.listen(
    LIVE_CHANNEL,
    (payload) => {
      queue = queue
        .then(async () => {
          const event = await enrich(JSON.parse(payload) as unknown);
          if (event) for (const subscriber of subscribers) subscriber.event(event);
        })
        .catch((error: unknown) => {
          logError('live event dropped', error);
          gap();
        });
    },
    () => {
      queue = queue.then(gap);
    },
  );
  return {
    subscribe(subscriber) {
      subscribers.add(subscriber);
      return () => void subscribers.delete(subscriber);
    },
    close: stop,
  };
}
