import pg from 'pg';
import { DatabaseUnavailable, logError } from '../failures.ts';
import { viaPgBouncer } from './index.ts';
import type { Db, Queryable, Statement } from './types.ts';

/**
 * How every connection of the product is made. A request waits at most 5 s for a connection
 * (then 503) instead of hanging while the database is away; keep-alive notices a peer that
 * vanished without closing. JIT is off: it made the short queries here up to 20x slower.
 *
 * A URL marked `pgbouncer=true` goes through PgBouncer in transaction mode, where consecutive
 * statements may run on different server connections and 1.18 refuses startup options: no
 * named statements there (the next connection would not know the name) and no `options`
 * (JIT is then turned off on the server: `ALTER DATABASE … SET jit = off`, scripts/cluster.sh).
 */
function connectionSettings(url: string): { settings: pg.ClientConfig; prepared: boolean } {
  const pooled = viaPgBouncer(url);
  const parsed = new URL(url);
  parsed.searchParams.delete('pgbouncer');
  const settings: pg.ClientConfig = { connectionString: parsed.toString(), connectionTimeoutMillis: 5000, keepAlive: true };
  return { settings: pooled ? settings : { ...settings, options: '-c jit=off' }, prepared: !pooled };
}

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

type Run = <Row>(target: pg.Pool | pg.PoolClient, sql: string | Statement, params?: readonly unknown[]) => Promise<Row[]>;

// numeric and int8 arrive as strings by default; the data layer casts what it returns to
// int/float8 in SQL, so both engines hand back the same JavaScript types.
function openPool(url: string, what: string): { pool: pg.Pool; run: Run } {
  const { settings, prepared } = connectionSettings(url);
  const pool = new pg.Pool({ ...settings, max: 10 });
  // An idle connection the server closes (restart, failover) is an 'error' on the pool, which
  // would end the process unheard; the pool has already dropped it and opens a new one on demand.
  pool.on('error', (error) => logError(`idle ${what} connection closed`, explain(error)));
  const run: Run = async <Row>(target: pg.Pool | pg.PoolClient, sql: string | Statement, params?: readonly unknown[]) => {
    const values = params as unknown[] | undefined;
    const text = typeof sql === 'string' ? sql : sql.text;
    try {
      // A named query is parsed and planned on a connection's first use, then only bound and run.
      return (await (typeof sql === 'string' || !prepared ? target.query(text, values) : target.query({ name: sql.name, text, values }))).rows as Row[];
    } catch (error) {
      throw explain(error, text);
    }
  };
  return { pool, run };
}

/** `listenUrl`: where LISTEN connects, directly (a transaction-mode PgBouncer cannot hold a LISTEN); the default is `url`. */
export async function openPostgis(url: string, options: { listenUrl?: string } = {}): Promise<Db> {
  const { pool, run } = openPool(url, 'database');
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
    listen: (channel, onPayload, onGap) => listenOn(connectionSettings(options.listenUrl ?? url).settings, channel, onPayload, onGap),
    close: () => pool.end(),
  };
}

/** How often reads that fell back to the primary try the replica again. */
const REPLICA_RETRY_MS = 2000;

/**
 * Lag-tolerant reads on the streaming replica at `url`. While the replica cannot be reached
 * (refused, shut down, connection lost) they go to `primary`, the read that failed is run there
 * again (a read changes nothing), and the replica is tried every REPLICA_RETRY_MS in the
 * background, so no request waits on a replica that is away. One log line each way. A statement
 * that fails on the replica for any other reason fails as it would on the primary.
 */
export function openReplicaReads(url: string, primary: Queryable): Queryable & Pick<Db, 'engine' | 'close'> {
  const { pool, run } = openPool(url, 'replica');
  let away = false;
  let timer: NodeJS.Timeout | undefined;
  const probe = () => {
    timer = setTimeout(() => {
      run(pool, 'SELECT 1').then(() => {
        away = false;
        console.log('reads: the replica is back; lag-tolerant reads go to it again');
      }, probe);
    }, REPLICA_RETRY_MS);
    timer.unref();
  };
  const fallBack = (error: DatabaseUnavailable) => {
    if (away) return;
    away = true;
    logError('reads: the replica is unavailable, reading from the primary until it is back', error);
    probe();
  };
  const read = async <Row>(sql: string | Statement, params?: readonly unknown[]): Promise<Row[]> => {
    if (!away) {
      try {
        return await run<Row>(pool, sql, params);
      } catch (error) {
        if (!(error instanceof DatabaseUnavailable)) throw error;
        fallBack(error);
      }
    }
    return primary.query<Row>(sql, params);
  };
  return {
    engine: 'postgis',
    query: read,
    exec: async (sql) => void (await read(sql)),
    close: async () => {
      clearTimeout(timer);
      await pool.end();
    },
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
