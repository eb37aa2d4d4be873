import { PGlite, type Transaction } from '@electric-sql/pglite';
import { parentPort, workerData } from 'node:worker_threads';
import { slimPostgis } from './postgisBundle.ts';

/**
 * The thread that owns the embedded database (see embedded.ts). PGlite runs on the thread that
 * calls it, so here a long query blocks only this thread, never the server's event loop.
 */

/** What the server asks; `tx` names an open transaction (the id of the `begin` that opened it). */
export type Ask =
  | { op: 'query'; tx?: number; sql: string; params?: readonly unknown[] }
  | { op: 'exec'; tx?: number; sql: string }
  | { op: 'begin' }
  | { op: 'end'; tx: number; commit: boolean }
  | { op: 'listen'; channel: string; listener: number }
  | { op: 'unlisten'; listener: number }
  | { op: 'dump' }
  | { op: 'close' };

/** Every request has an id; the reply carries it back. */
export type Request = Ask & { id: number };

/** A database error as it crosses to the server: what callers rely on, never the query's parameters. */
export interface SentError {
  message: string;
  fields: Record<string, string>;
}

export type Reply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: SentError }
  | { notify: number; payload: string }
  | { ready: true }
  | { ready: false; error: SentError };

export interface Options {
  dataDir: string | null;
  /** A data directory packed by `dump` (gzip tarball), to start a new `dataDir` from. */
  image: Uint8Array | null;
}

// PostgreSQL's error fields (PGlite's DatabaseError), and `query`, the statement PGlite attaches:
// it is parametrised, so it names what failed without any value. Never `params`, which PGlite
// attaches too: they carry password and key hashes, and nothing that crosses here may log them.
const ERROR_FIELDS = [
  'code',
  'severity',
  'detail',
  'hint',
  'position',
  'internalPosition',
  'internalQuery',
  'where',
  'schema',
  'table',
  'column',
  'dataType',
  'constraint',
  'file',
  'line',
  'routine',
  'query',
] as const;

function sendable(error: unknown): SentError {
  if (!(error instanceof Error)) return { message: String(error), fields: {} };
  const fields: Record<string, string> = {};
  for (const field of ERROR_FIELDS) {
    const value = (error as unknown as Record<string, unknown>)[field];
    if (typeof value === 'string') fields[field] = value;
  }
  return { message: error.message, fields };
}

const port = parentPort;
if (!port) throw new Error('embeddedWorker.ts runs as a worker thread of embedded.ts');
const post = (reply: Reply) => port.postMessage(reply);

/** Thrown into PGlite's transaction callback to make it roll back. */
const ROLLBACK = Symbol('rollback');

const { dataDir, image } = workerData as Options;
try {
  // A tarball, unpacked into the new data directory (PGlite refuses one that holds a database).
  const loadDataDir = image ? new Blob([image as Uint8Array<ArrayBuffer>], { type: 'application/gzip' }) : undefined;
  const pglite = await PGlite.create({ dataDir: dataDir ?? undefined, loadDataDir, extensions: { postgis: slimPostgis() } });
  const transactions = new Map<number, { tx: Transaction; end: (commit: boolean) => void; done: Promise<void> }>();
  const listeners = new Map<number, () => Promise<void>>();
  const target = (tx: number | undefined): PGlite | Transaction => {
    if (tx === undefined) return pglite;
    const open = transactions.get(tx);
    if (!open) throw new Error('Transaction is closed');
    return open.tx;
  };

  // PGlite's own transaction runs here, held open until the server says how it ends: PGlite then
  // queues every query outside it until it is over, as it did when it ran in the server's thread.
  const begin = (id: number) =>
    new Promise<number>((begun, failed) => {
      const done = pglite
        .transaction(
          (tx) =>
            new Promise<void>((commit, rollback) => {
              transactions.set(id, { tx, end: (ok) => (ok ? commit() : rollback(ROLLBACK)), done });
              begun(id);
            }),
        )
        .catch((error: unknown) => {
          if (error !== ROLLBACK) throw error;
        })
        .finally(() => transactions.delete(id));
      done.catch(failed);
    });

  const handle = async (request: Request): Promise<unknown> => {
    switch (request.op) {
      case 'query':
        return (await target(request.tx).query(request.sql, request.params as unknown[] | undefined)).rows;
      case 'exec':
        return void (await target(request.tx).exec(request.sql));
      case 'begin':
        return begin(request.id);
      case 'end': {
        const open = transactions.get(request.tx);
        if (!open) throw new Error('Transaction is closed');
        open.end(request.commit);
        return open.done;
      }
      case 'listen': {
        const { listener } = request;
        listeners.set(listener, await pglite.listen(request.channel, (payload) => post({ notify: listener, payload })));
        return undefined;
      }
      case 'unlisten': {
        await listeners.get(request.listener)?.();
        listeners.delete(request.listener);
        return undefined;
      }
      case 'dump':
        // Everything written is in the data files first, so loading the image replays no WAL.
        await pglite.exec('CHECKPOINT');
        return new Uint8Array(await (await pglite.dumpDataDir('gzip')).arrayBuffer());
      case 'close':
        return pglite.close();
    }
  };

  port.on('message', async (request: Request) => {
    try {
      post({ id: request.id, ok: true, value: await handle(request) });
    } catch (error) {
      // A failed query, or a value that cannot be copied to the server's thread.
      post({ id: request.id, ok: false, error: sendable(error) });
    }
  });
  post({ ready: true });
} catch (error) {
  post({ ready: false, error: sendable(error) });
}
