import pg from 'pg';
import { DatabaseUnavailable, logError } from '../failures.ts';
import type { Db, Queryable, Statement } from './types.ts';

/**
 * How every connection of the product is made. A request waits at most 5 s for a connection
 * (then 503) instead of hanging while the database is away; keep-alive notices a peer that
 * vanished without closing. JIT is off: it made the short queries here up to 20x slower.
 */
const connectionSettings = (url: string): pg.ClientConfig => ({
  connectionString: url,
  connectionTimeoutMillis: 5000,
  keepAlive: true,
  options: '-c jit=off',
});

/**
 * The connection, not the statement, failed: the server shut down or restarted (57P01-57P03),
 * refuses connections for now (53300, class 08), the socket broke, or pg gave up waiting.
 */
function lostConnection(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error instanceof pg.DatabaseError) {
    return error.code?.startsWith('08') || ['57P01', '57P02', '57P03', '53300'].includes(error.code ?? '');
  }
  if ('syscall' in error) return true; // ECONNREFUSED, ECONNRESET, EPIPE, ETIMEDOUT …
  return /^(Connection terminated|timeout exceeded when trying to connect|timeout expired|Query read timeout|Client has encountered a connection error|Client was closed and is not queryable|Cannot use a pool after calling end)/.test(
    error.message,
  );
}

/** A lost connection becomes DatabaseUnavailable (503); a statement's own error names its SQL for the log, as PGlite's do. */
function explain(error: unknown, sql?: string): unknown {
  if (lostConnection(error)) return new DatabaseUnavailable(error);
  if (error instanceof pg.DatabaseError && sql) Object.assign(error, { query: sql });
  return error;
}

// numeric and int8 arrive as strings by default; the data layer casts what it returns to
// int/float8 in SQL, so both engines hand back the same JavaScript types.
export async function openPostgis(url: string): Promise<Db> {
  const pool = new pg.Pool({ ...connectionSettings(url), max: 10 });
  // An idle connection the server closes (restart, failover) is an 'error' on the pool, which
  // would end the process unheard; the pool has already dropped it and opens a new one on demand.
  pool.on('error', (error) => logError('idle database connection closed', explain(error)));
  const run = async <Row>(target: pg.Pool | pg.PoolClient, sql: string | Statement, params?: readonly unknown[]) => {
    const values = params as unknown[] | undefined;
    try {
      // A named query is parsed and planned on a connection's first use, then only bound and run.
      return (await (typeof sql === 'string' ? target.query(sql, values) : target.query({ name: sql.name, text: sql.text, values }))).rows as Row[];
    } catch (error) {
      throw explain(error, typeof sql === 'string' ? sql : sql.text);
    }
  };
  const exec = async (target: pg.Pool | pg.PoolClient, sql: string) => void (await run(target, sql));
  await run(pool, 'SELECT 1');
  return {
    engine: 'postgis',
    query: (sql, params) => run(pool, sql, params),
    exec: (sql) => exec(pool, sql),
    async transaction(work) {
      const client = await pool.connect().catch((error: unknown) => {
        throw explain(error);
      });
      // A checked-out client has no listener of the pool's: the server dropping it mid-transaction
      // would be an unhandled 'error' event. The query under way fails with it anyway.
      let broken: unknown = null;
      const onError = (error: Error) => {
        broken = error;
      };
      client.on('error', onError);
      const tx: Queryable = { query: (sql, params) => run(client, sql, params), exec: (sql) => exec(client, sql) };
      try {
        await exec(client, 'BEGIN');
        const result = await work(tx);
        await exec(client, 'COMMIT');
        return result;
      } catch (error) {
        // On a dead connection ROLLBACK fails too (and the server has rolled back already):
        // the first error is the one to report, and the client must not go back to the pool.
        await client.query('ROLLBACK').catch((rollbackError: unknown) => {
          broken ??= rollbackError;
        });
        throw error;
      } finally {
        client.removeListener('error', onError);
        client.release(broken ? (broken as Error) : undefined);
      }
    },
    ping: async () => void (await run(pool, 'SELECT 1')),
    listen: (channel, onPayload, onGap) => listenOn(connectionSettings(url), channel, onPayload, onGap),
    close: () => pool.end(),
  };
}

const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 10_000;

/**
 * A connection of its own, outside the pool, that LISTENs on `channel`. If the server drops it
 * (restart, failover), it reconnects with backoff and listens again, then calls `onGap`:
 * notifications sent in between are lost, so whoever listens must start again from the present.
 */
async function listenOn(settings: pg.ClientConfig, channel: string, onPayload: (payload: string) => void, onGap?: () => void): Promise<() => Promise<void>> {
  let current: pg.Client | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let delay = RECONNECT_MIN_MS;
  const resumed = () => {
    if (stopped) return;
    console.log('live: LISTEN connection re-established');
    onGap?.();
  };
  const open = async () => {
    const client = new pg.Client(settings);
    let lost = false;
    // 'error' may come more than once and 'end' after it: one reconnection per connection.
    const lose = (error?: Error) => {
      if (lost) return;
      lost = true;
      void client.end().catch(() => {});
      if (stopped) return;
      if (current === client) {
        current = null;
        logError('live: LISTEN connection lost, reconnecting', explain(error ?? new Error('Connection terminated')));
      }
      timer = setTimeout(() => void open().then(resumed, () => {}), delay);
      delay = Math.min(delay * 2, RECONNECT_MAX_MS);
    };
    client.on('error', lose);
    client.on('end', () => lose());
    client.on('notification', (message) => {
      if (message.channel === channel && message.payload !== undefined) onPayload(message.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (error) {
      lose(error as Error);
      throw explain(error);
    }
    if (stopped) return void (await client.end());
    if (!lost) current = client;
    delay = RECONNECT_MIN_MS;
  };
  try {
    await open();
  } catch (error) {
    // At start-up a database that is not there is the caller's to report, not ours to retry.
    stopped = true;
    clearTimeout(timer);
    throw error;
  }
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await current?.end();
  };
}
