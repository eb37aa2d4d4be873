import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DatabaseUnavailable } from '../failures.ts';
import type { Db, Queryable, Statement } from './types.ts';
import type { Ask, Options, Reply, Request, SentError } from './embeddedWorker.ts';

// A JavaScript entry that loads the TypeScript worker (it explains why).
const WORKER = new URL('./embeddedWorker.mjs', import.meta.url);

export interface EmbeddedOptions {
  /**
   * A prebuilt database (a tarball `dump` made) to start from when `dataDir` holds none yet; it
   * throws, saying why, if there is no usable one. Then, or if PGlite cannot load it, the
   * database starts empty, and the log says so.
   */
  image?: () => Uint8Array;
}

/**
 * PostgreSQL + PostGIS compiled to WebAssembly, in a worker thread of this process that owns it
 * (`dataDir` null keeps it in memory). PGlite computes on the thread that calls it: in the
 * server's own thread one heavy query would stop every other request, even those that need no
 * database. Here it slows only the requests that wait for the database.
 */
export async function openEmbedded(dataDir: string | null, options: EmbeddedOptions = {}): Promise<Db & { dump(): Promise<Uint8Array> }> {
  const unlock = dataDir ? lockDataDir(dataDir) : () => {};
  let worker: Worker;
  try {
    worker = await startWorker(dataDir, options.image);
  } catch (error) {
    unlock();
    throw error;
  }
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void; trace: Error }>();
  const listeners = new Map<number, (payload: string) => void>();
  let nextId = 1;
  let stopped: Error | null = null;

  // Like PGlite in the main thread did, an idle database does not keep the process alive.
  const holdWhileBusy = () => (pending.size ? worker.ref() : worker.unref());
  const stop = (error: Error) => {
    stopped ??= error;
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  };
  worker.on('message', (reply: Reply) => {
    if ('ready' in reply) return; // startWorker's
    if ('notify' in reply) {
      listeners.get(reply.notify)?.(reply.payload);
    } else {
      const call = pending.get(reply.id);
      pending.delete(reply.id);
      holdWhileBusy();
      if (reply.ok) call?.resolve(reply.value);
      else call?.reject(rebuilt(call.trace, reply.error));
    }
  });
  // A worker that has gone makes every request that needs the database a 503 (like a PostgreSQL
  // server that went away), not a 500 that reads like a bug in the request.
  worker.on('error', (error) => {
    // Say why, once, in the log.
    const stopping = new DatabaseUnavailable(new Error(`the embedded database stopped: ${error.message}`));
    console.error(stopping.message);
    stop(stopping);
  });
  worker.on('exit', (code) => stop(new DatabaseUnavailable(new Error(`the embedded database stopped (exit code ${code})`))));
  holdWhileBusy();

  const call = (ask: Ask): Promise<unknown> =>
    new Promise((resolve, reject) => {
      if (stopped) return reject(stopped);
      const id = nextId++;
      // Made here, so that a failed query's error shows the stack of the code that sent it.
      const trace = new Error();
      worker.postMessage({ ...ask, id } satisfies Request);
      pending.set(id, { resolve, reject, trace });
      holdWhileBusy();
    });
  const on = (tx?: number): Queryable => ({
    // PGlite keeps no prepared statements across queries: a Statement runs as its text.
    query: async <Row>(sql: string | Statement, params?: readonly unknown[]) =>
      (await call({ op: 'query', tx, sql: typeof sql === 'string' ? sql : sql.text, params })) as Row[],
    exec: async (sql) => void (await call({ op: 'exec', tx, sql })),
  });
  let nextListener = 1;

  return {
    engine: 'embedded',
    ...on(),
    // The work runs here; its statements run in the worker inside one PGlite transaction, which
    // makes every statement outside it wait until it commits or rolls back.
    async transaction(work) {
      const tx = (await call({ op: 'begin' })) as number;
      let result: Awaited<ReturnType<typeof work>>;
      try {
        result = await work(on(tx));
      } catch (error) {
        await call({ op: 'end', tx, commit: false });
        throw error;
      }
      await call({ op: 'end', tx, commit: true });
      return result;
    },
    // One process owns the embedded database, so its own notifications are all there is to hear.
    async listen(channel, onPayload) {
      const listener = nextListener++;
      listeners.set(listener, onPayload);
      try {
        await call({ op: 'listen', channel, listener });
      } catch (error) {
        listeners.delete(listener);
        throw error;
      }
      return async () => {
        listeners.delete(listener);
        await call({ op: 'unlisten', listener });
      };
    },
    /** The data directory as a gzip tarball: what `image` starts a new one from. */
    dump: async () => (await call({ op: 'dump' })) as Uint8Array,
    async close() {
      try {
        await call({ op: 'close' });
      } finally {
        await worker.terminate();
        unlock();
      }
    },
  };
}

/**
 * The worker, once its database is open: a new `dataDir` from the image when there is a usable
 * one. An image PGlite cannot load (it may abort the whole WebAssembly instance, not only throw)
 * costs a worker: the next one starts from an empty directory.
 */
async function startWorker(dataDir: string | null, readImage: EmbeddedOptions['image']): Promise<Worker> {
  let image: Uint8Array | null = null;
  if (readImage && !(dataDir && existsSync(join(dataDir, 'PG_VERSION')))) {
    try {
      image = readImage();
    } catch (error) {
      notUsed((error as Error).message);
    }
  }
  const worker = new Worker(WORKER, { workerData: { dataDir, image } satisfies Options });
  let settle: { resolve: () => void; reject: (error: Error) => void } | undefined;
  const onReply = (reply: Reply) => {
    if (!('ready' in reply)) settle?.reject(new Error('the embedded database answered before it was open'));
    else if (reply.ready) settle?.resolve();
    else settle?.reject(rebuilt(new Error(), reply.error));
  };
  const onError = (error: Error) => settle?.reject(error);
  const onExit = (code: number) => settle?.reject(new Error(`the embedded database stopped (exit code ${code})`));
  worker.on('message', onReply).on('error', onError).on('exit', onExit);
  try {
    await new Promise<void>((resolve, reject) => {
      settle = { resolve, reject };
    });
  } catch (error) {
    await worker.terminate();
    if (!image) throw error;
    notUsed(`PGlite could not load it (${(error as Error).message})`);
    // What it unpacked goes; the server's lock stays.
    if (dataDir) for (const entry of readdirSync(dataDir)) if (entry !== LOCK_FILE) rmSync(join(dataDir, entry), { recursive: true, force: true });
    return startWorker(dataDir, undefined);
  }
  // Only these: Node's own listeners keep the worker's message port referenced.
  worker.off('message', onReply).off('error', onError).off('exit', onExit);
  if (image) console.log('the database was unpacked from the prebuilt image');
  return worker;
}

// One line in the log, whatever the reason: the start goes on, only slower.
const notUsed = (why: string) => console.warn(`the prebuilt database image is not used: ${why}. Starting from an empty database instead`);

/** The worker's error as an Error of this thread, with PostgreSQL's fields (`code`, `constraint` …). */
function rebuilt(error: Error, sent: SentError): Error {
  error.message = sent.message;
  return Object.assign(error, sent.fields);
}

/**
 * One process per data directory: PGlite, unlike a PostgreSQL server, does not stop a second
 * process from opening the same files, and two writers would corrupt them. A lock left by a
 * process that no longer runs is taken over.
 */
const LOCK_FILE = 'mueang.lock';

function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockFile = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(lockFile, 'utf8'));
      if (holder && holder !== process.pid && isRunning(holder)) {
        throw new Error(`the embedded database in ${dataDir} is in use by process ${holder}; stop it or set DATA_DIR`);
      }
      rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`cannot lock ${lockFile}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
