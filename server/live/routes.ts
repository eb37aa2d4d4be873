import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { touchSession } from '../auth/queries.ts';
import type { Env } from '../env.ts';
import { z } from 'zod';
import { PUBLIC } from '../auth/policy.ts';
import { logError } from '../failures.ts';
import { validate, viewParam } from '../http/validate.ts';
import { liveMessage, liveSnapshot, TOPIC_NAMES, type LiveEvent, type LiveSnapshot, type TopicName } from './topics.ts';

const HEARTBEAT_MS = 15_000;

/** `topics=flood,waste`: which domains' snapshot parts and events the stream carries; flood when absent. */
const topicsParam = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const names = [...new Set((value ?? 'flood').split(',').map((name) => name.trim()))];
    const unknown = names.filter((name) => !TOPIC_NAMES.includes(name as TopicName));
    if (unknown.length) ctx.addIssue({ code: 'custom', message: `unknown topic ${unknown.join(', ')}: choose among ${TOPIC_NAMES.join(', ')}` });
    return names as TopicName[];
  });

/**
 * Server-Sent Events: a snapshot first (so a client never waits for the next change to know
 * the present), then every change any server process commits, as this viewer may see it.
 * Events arriving while a snapshot is read are held and sent after it, so an older picture
 * never overwrites a newer change. When events may have been missed (the database restarted
 * and the LISTEN connection was down), the same stream sends a fresh snapshot: the web client
 * replaces its picture with every snapshot. A stream that cannot go on (its database query or
 * write failed) ends, and the client reconnects and starts again from a snapshot.
 */
export const liveRoutes = new Hono<Env>().get('/live', validate('query', z.object({ view: viewParam, topics: topicsParam })), async (c) => {
  const { session, db, settings, clock, live } = c.var;
  const query = c.req.valid('query');
  const viewer = query.view === 'public' ? PUBLIC : c.var.viewer;
  const read = () => liveSnapshot(query.topics, { db, viewer, settings, now: clock.now() });
  let held: LiveEvent[] | null = [];
  let resyncQueued = false;
  let failed = false;
  // Writes one after another; the gate opens once the first snapshot is out.
  let openGate = () => {};
  let queue = new Promise<void>((resolve) => {
    openGate = resolve;
  });
  let write: (message: { event: string; data: unknown; retry?: number }) => Promise<void> = async () => {};
  let end = () => {};
  const enqueue = (step: () => Promise<void>) => {
    queue = queue
      .then(() => (failed ? undefined : step()))
      .catch((error: unknown) => {
        failed = true;
        logError('live stream ended', error);
        end();
      });
  };
  // A viewer is told only what it may see: some events carry nothing for it.
  const forward = async (event: LiveEvent) => {
    const message = liveMessage(viewer, query.topics, event);
    if (message) await write(message);
  };
  const sendSnapshot = async (snapshot: LiveSnapshot) => {
    await write({ event: 'snapshot', data: snapshot, retry: 3000 });
    const missed = held ?? [];
    held = null;
    for (const event of missed) await forward(event);
  };
  const unsubscribe = live.subscribe({
    event: (event) => (held ? held.push(event) : enqueue(() => forward(event))),
    gap: () => {
      if (resyncQueued) return;
      resyncQueued = true;
      enqueue(async () => {
        resyncQueued = false;
        held ??= [];
        await sendSnapshot(await read());
      });
    },
  });
  // Read before the stream opens: a database that is away answers 503 (the client retries),
  // not an empty stream.
  let first: LiveSnapshot;
  try {
    first = await read();
  } catch (error) {
    unsubscribe();
    throw error;
  }
  return streamSSE(c, async (stream) => {
    write = ({ event, data, retry }) => stream.writeSSE({ event, data: JSON.stringify(data), retry });
    end = () => {
      unsubscribe();
      void stream.close();
    };
    stream.onAbort(unsubscribe);
    try {
      await sendSnapshot(first);
      openGate();
      while (!stream.aborted && !stream.closed && !failed) {
        await stream.sleep(HEARTBEAT_MS);
        // A signed-out or expired session ends the stream: the client reconnects as who it now is.
        if (session && !(await touchSession(db, session.token, settings.session.idleSeconds, clock.now()))) break;
        await queue;
        if (!failed) await stream.write(': keep-alive\n\n');
      }
    } catch (error) {
      logError('live stream ended', error);
    } finally {
      unsubscribe();
    }
  });
});
