/**
 * The site workspace's outbox: every write made at a site is kept in IndexedDB until the server
 * has acknowledged it, and sent when the network allows, one request at a time.
 *
 * What the peers' users complain of, and what this does instead:
 * - photos that never sync while the records do: each photo is its own entry, waiting for its
 *   inspection (`dependsOn`) and sent right after it, in its own request;
 * - duplicates when an acknowledgement is lost: every write is a PUT to a client-made id, so a
 *   resend is answered 200 with nothing changed, and an entry caught mid-send by a reload or a
 *   crash is simply sent again;
 * - no warning when a push failed: a refusal (4xx) stays in the outbox as `failed` with the
 *   server's sentence, until the person retries or discards it; nothing leaves it unseen.
 *
 * The sender runs when there is reason to: the page starts, an entry is added, the network comes
 * back, someone signs in. A network failure, a 5xx or a 429 leaves the entry waiting and tries
 * again after an exponential backoff (or the server's Retry-After), never on a fixed loop.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { ApiError, api, getSession, sessionFetch, subscribeSession } from '../api/client.ts';

export type OutboxState = 'waiting' | 'sending' | 'sent' | 'failed';

export interface OutboxEntry {
  /** The write's client-made id (the inspection's or the photo's), also its key here. */
  key: string;
  kind: 'inspection' | 'photo';
  method: 'PUT';
  url: string;
  body: string | Blob;
  contentType: string;
  /** The entry that must be sent first (a photo's inspection). */
  dependsOn: string | null;
  /**
   * Who wrote it: only their session sends it, so that nobody else's name goes on it when
   * another person signs in on the same phone. Null when written before anyone was known (a page
   * opened offline, never signed in on this phone): the first engineer to sign in sends it.
   */
  author: { id: number; name: string } | null;
  /** What the panel says of it: the inspection's site and when the visit was. */
  site: { id: number; name: string };
  visitedAt: string;
  state: OutboxState;
  attempts: number;
  /** The last failure: the server's sentence for a refusal, or why the network failed. */
  lastError: string | null;
  createdAt: number;
  sentAt: number | null;
}

/** What a caller hands in; the rest is the outbox's bookkeeping. */
export type NewOutboxEntry = Pick<OutboxEntry, 'key' | 'kind' | 'url' | 'body' | 'contentType' | 'dependsOn' | 'site' | 'visitedAt'>;

interface OutboxDb extends DBSchema {
  entries: { key: string; value: OutboxEntry };
}

const DB_NAME = 'mueang-outbox';
const STORE = 'entries';
/** Sent entries are shown for a week, then forgotten (the server has them). */
const KEEP_SENT_MS = 7 * 24 * 3600 * 1000;
/** The last person signed in on this phone, for writes made while the page could not ask. */
const LAST_USER = 'mueang.outbox-author';
const BACKOFF_FIRST_MS = 2_000;
const BACKOFF_MAX_MS = 5 * 60_000;
/** A request that takes longer is given up and tried again; a photo on 3G may take a while. */
const TIMEOUT_JSON_MS = 30_000;
const TIMEOUT_UPLOAD_MS = 5 * 60_000;

let database: Promise<IDBPDatabase<OutboxDb>> | null = null;
function db(): Promise<IDBPDatabase<OutboxDb>> {
  database ??= openDB<OutboxDb>(DB_NAME, 1, {
    upgrade(d) {
      d.createObjectStore(STORE, { keyPath: 'key' });
    },
  });
  return database;
}

// Other tabs of the workspace share the database: they are told when it changes.
const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(DB_NAME);
const listeners = new Set<() => void>();
function changed(): void {
  for (const listener of listeners) listener();
  channel?.postMessage('changed');
}

/** Called whenever an entry is added, changes state or goes. */
export function onOutboxChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Oldest first; of entries made together, each after the one it depends on. */
function inOrder(entries: OutboxEntry[]): OutboxEntry[] {
  return entries.sort((a, b) => a.createdAt - b.createdAt || Number(a.dependsOn !== null) - Number(b.dependsOn !== null));
}

export async function listEntries(): Promise<OutboxEntry[]> {
  return inOrder(await (await db()).getAll(STORE));
}

/** Who is signed in, or was last on this phone if the page does not know yet (opened offline). */
function currentAuthor(): OutboxEntry['author'] {
  const me = getSession().me;
  if (me !== null) return me.user ? { id: me.user.id, name: me.user.display_name } : null;
  try {
    const last = window.localStorage.getItem(LAST_USER);
    return last ? (JSON.parse(last) as OutboxEntry['author']) : null;
  } catch {
    return null;
  }
}

/** Adds writes (an inspection and its photos, say) in one transaction, then starts sending. */
export async function enqueue(items: NewOutboxEntry[]): Promise<void> {
  const now = Date.now();
  const author = currentAuthor();
  const tx = (await db()).transaction(STORE, 'readwrite');
  await Promise.all([
    ...items.map((item) => tx.store.put({ ...item, author, method: 'PUT', state: 'waiting', attempts: 0, lastError: null, createdAt: now, sentAt: null })),
    tx.done,
  ]);
  changed();
  kick();
}

/** A failed entry, sent again at the person's request. */
export async function retry(key: string): Promise<void> {
  await update(key, (entry) => (entry.state === 'failed' ? { ...entry, state: 'waiting', lastError: null } : entry));
  failures = 0;
  kick();
}

/**
 * Removes an entry at the person's request, with every entry that waits for it (an inspection's
 * photos cannot be sent without it). Returns how many were removed.
 */
export async function discard(key: string): Promise<number> {
  const tx = (await db()).transaction(STORE, 'readwrite');
  const all = await tx.store.getAll();
  const gone = new Set([key]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const entry of all) {
      if (entry.dependsOn && gone.has(entry.dependsOn) && !gone.has(entry.key)) {
        gone.add(entry.key);
        grew = true;
      }
    }
  }
  await Promise.all([...[...gone].map((k) => tx.store.delete(k)), tx.done]);
  changed();
  return gone.size;
}

async function update(key: string, change: (entry: OutboxEntry) => OutboxEntry): Promise<void> {
  const tx = (await db()).transaction(STORE, 'readwrite');
  const entry = await tx.store.get(key);
  // Discarded meanwhile (by the person, in this tab or another): nothing to record.
  if (entry) await tx.store.put(change(entry));
  await tx.done;
  changed();
}

// ---------------------------------------------------------------------------------------------
// The sender
// ---------------------------------------------------------------------------------------------

let running = false;
let again = false;
let timer: ReturnType<typeof setTimeout> | undefined;
/** Failures in a row (network, 5xx, 429), for the backoff; a success starts it over. */
let failures = 0;

/** Starts a pass over the outbox, or asks the pass under way to look again when it ends. */
function kick(): void {
  if (running) {
    again = true;
    return;
  }
  running = true;
  clearTimeout(timer);
  timer = undefined;
  pass()
    .catch((error: unknown) => console.error('outbox:', error))
    .finally(() => {
      running = false;
      if (again) {
        again = false;
        kick();
      }
    });
}

function retryLater(retryAfterS?: number): void {
  failures++;
  const backoff = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** (failures - 1));
  // ±20 %, so that phones that lost the same network do not all come back at the same instant.
  const delay = Math.max(backoff * (0.8 + Math.random() * 0.4), (retryAfterS ?? 0) * 1000);
  clearTimeout(timer);
  timer = setTimeout(kick, delay);
}

/** The next entry `userId` may send: theirs, waiting, and whatever it depends on already acknowledged. */
function nextToSend(entries: OutboxEntry[], userId: number): OutboxEntry | undefined {
  const byKey = new Map(entries.map((e) => [e.key, e]));
  return entries.find((e) => {
    if (e.state !== 'waiting' || !mayBeSentBy(e, userId)) return false;
    if (e.dependsOn === null) return true;
    // A dependency no longer here was sent and forgotten (KEEP_SENT_MS); a discarded one takes its dependants with it.
    const first = byKey.get(e.dependsOn);
    return first === undefined || first.state === 'sent';
  });
}

/** Whether the signed-in person may send `entry`: their own, or one written before anyone was known. */
export function mayBeSentBy(entry: OutboxEntry, userId: number | undefined): boolean {
  return userId !== undefined && (entry.author === null || entry.author.id === userId);
}

/**
 * Sends what may be sent, one request at a time, until nothing is left or the network fails.
 * One tab at a time (a Web Lock): two would only send the same entries twice.
 */
async function pass(): Promise<void> {
  if (!navigator.onLine) return; // the `online` event starts the next pass
  // Nobody signed in, or not known yet: the writes wait for the engineer (a session's change starts a pass).
  const user = getSession().me?.user;
  if (!user) return;
  const work = async () => {
    await recover();
    for (;;) {
      // Signed out or someone else signed in meanwhile: the rest waits for its author.
      if (getSession().me?.user?.id !== user.id) return;
      const next = nextToSend(await listEntries(), user.id);
      if (!next) return;
      if (!(await send(next))) return;
    }
  };
  if (navigator.locks) await navigator.locks.request(DB_NAME, work);
  else await work();
}

/**
 * Entries left `sending` by a page that closed or reloaded mid-request go back to waiting (the
 * lock says no other tab is sending them): the request may or may not have reached the
 * server, and the PUT to the same id makes sending it again harmless. Sent entries past a week
 * are forgotten.
 */
async function recover(): Promise<void> {
  const tx = (await db()).transaction(STORE, 'readwrite');
  const all = await tx.store.getAll();
  const now = Date.now();
  let touched = false;
  for (const entry of all) {
    if (entry.state === 'sending') {
      await tx.store.put({ ...entry, state: 'waiting' });
      touched = true;
    } else if (entry.state === 'sent' && entry.sentAt !== null && now - entry.sentAt > KEEP_SENT_MS) {
      await tx.store.delete(entry.key);
      touched = true;
    }
  }
  await tx.done;
  if (touched) changed();
}

/** Sends one entry and records the outcome; false when the pass should stop. */
async function send(entry: OutboxEntry): Promise<boolean> {
  await update(entry.key, (e) => ({ ...e, state: 'sending', attempts: e.attempts + 1 }));
  let response: Response;
  try {
    response = await sessionFetch(entry.url, {
      method: entry.method,
      body: entry.body,
      headers: { 'Content-Type': entry.contentType },
      signal: AbortSignal.timeout(entry.body instanceof Blob ? TIMEOUT_UPLOAD_MS : TIMEOUT_JSON_MS),
    });
  } catch (error) {
    await update(entry.key, (e) => ({ ...e, state: 'waiting', lastError: error instanceof Error ? error.message : String(error) }));
    retryLater();
    return false;
  }
  if (response.ok) {
    failures = 0;
    await update(entry.key, (e) => ({ ...e, state: 'sent', lastError: null, sentAt: Date.now() }));
    return true;
  }
  const refusal = await ApiError.of(response);
  const message = `${response.status}: ${refusal.detail}`;
  if (response.status === 401) {
    // The session ended: the entry waits for the engineer to sign in again, which starts a pass.
    await update(entry.key, (e) => ({ ...e, state: 'waiting', lastError: message }));
    return false;
  }
  if (response.status === 403 && (await sessionChanged())) {
    // Another tab signed in or out meanwhile: the page's CSRF token was another session's. The
    // entry waits; the session's change starts a pass, which sends it only as its author.
    await update(entry.key, (e) => ({ ...e, state: 'waiting', lastError: message }));
    again = true;
    return false;
  }
  if (response.status === 429 || response.status >= 500) {
    await update(entry.key, (e) => ({ ...e, state: 'waiting', lastError: message }));
    retryLater(refusal.retryAfter);
    return false;
  }
  // Refused (403, 404, 409, 413, 415…): sending it again would be refused again. It stays, with
  // the server's reason, until the person retries or discards it.
  await update(entry.key, (e) => ({ ...e, state: 'failed', lastError: message }));
  return true;
}

/** Keeps who is signed in for writes made once the page no longer knows (see `currentAuthor`); returns their id. */
function rememberAuthor(): number | undefined {
  const me = getSession().me?.user;
  if (me) {
    try {
      window.localStorage.setItem(LAST_USER, JSON.stringify({ id: me.id, name: me.display_name }));
    } catch {
      // No storage: writes made before the page knows who is signed in are sent by whoever signs in.
    }
  }
  return me?.id;
}

/** Asks the server who the cookie's session is; true if that is not the session the page had. */
async function sessionChanged(): Promise<boolean> {
  const before = getSession().me;
  const now = await api.me().catch(() => null);
  return now !== null && (now.user?.id !== before?.user?.id || now.csrf_token !== before?.csrf_token);
}

let started = false;
/** Starts the sender for this page: now, when the network returns and whenever someone signs in. */
export function startOutbox(): void {
  if (started) return;
  started = true;
  window.addEventListener('online', () => {
    failures = 0;
    // A page opened offline does not know yet who is signed in: the answer starts a pass.
    if (getSession().me === null) api.me().catch(() => undefined);
    kick();
  });
  let user = rememberAuthor();
  subscribeSession(() => {
    const next = rememberAuthor();
    if (next !== undefined && next !== user) kick();
    user = next;
  });
  channel?.addEventListener('message', () => {
    for (const listener of listeners) listener();
  });
  kick();
}
