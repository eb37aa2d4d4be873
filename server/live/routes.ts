import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { touchSession } from '../auth/queries.ts';
import type { Env } from '../env.ts';
import { z } from 'zod';
import { PUBLIC } from '../auth/policy.ts';
import { floodSnapshot, messageFor, type FloodEvent } from '../flood/live.ts';
import { validate, viewParam } from '../http/validate.ts';

const HEARTBEAT_MS = 15_000;

/**
 * Server-Sent Events: a snapshot first (so a client never waits for the next change to know
 * the present), then every change any server process commits, as this viewer may see it.
 * Events arriving while the snapshot is read are queued and sent after it. A client that loses
 * the stream reconnects and gets a fresh snapshot, so nothing missed in between is lost.
 */
export const liveRoutes = new Hono<Env>().get('/live', validate('query', z.object({ view: viewParam })), (c) => streamSSE(c, async (stream) => {
  const { session, db, settings } = c.var;
  const viewer = c.req.valid('query').view === 'public' ? PUBLIC : c.var.viewer;
  let queue = Promise.resolve();
  let live = false;
  const held: FloodEvent[] = [];
  const send = (event: FloodEvent) => {
    const message = messageFor(viewer, event);
    if (!message) return;
    queue = queue.then(() => stream.writeSSE({ event: message.event, data: JSON.stringify(message.data) })).catch(() => {});
  };
  const unsubscribe = c.var.live.subscribe((event) => (live ? send(event) : held.push(event)));
  stream.onAbort(unsubscribe);
  try {
    await stream.writeSSE({ event: 'snapshot', data: JSON.stringify(await floodSnapshot(db, viewer, c.var.clock.now())), retry: 3000 });
    live = true;
    held.splice(0).forEach(send);
    while (!stream.aborted && !stream.closed) {
      await stream.sleep(HEARTBEAT_MS);
      // A signed-out or expired session ends the stream: the client reconnects as who it now is.
      if (session && !(await touchSession(db, session.token, settings.session.idleSeconds))) break;
      await queue;
      await stream.write(': keep-alive\n\n');
    }
  } finally {
    unsubscribe();
  }
}));
