import type { EmbeddedOptions } from './embedded.ts';
import type { Db, Queryable } from './types.ts';

export type { Db, Queryable } from './types.ts';

/** A PostgreSQL URL marked `pgbouncer=true` (or `=1`) goes through PgBouncer in transaction mode. */
export function viaPgBouncer(url: string): boolean {
  const marker = new URL(url).searchParams.get('pgbouncer');
  return marker === 'true' || marker === '1';
}

interface DatabaseOptions {
  url?: string;
  dataDir: string | null;
  /** A direct connection for LISTEN (PostGIS only); the default is `url`. */
  listenUrl?: string;
}

/**
 * `DATABASE_URL` set: a pool on a real PostgreSQL + PostGIS. Not set: the embedded engine,
 * persisted in `dataDir`, so the product runs without a database server (a new one made from
 * `image` when given).
 */
export async function openDatabase(options: DatabaseOptions & EmbeddedOptions): Promise<Db> {
  if (options.url) {
    const { openPostgis } = await import('./postgis.ts');
    return openPostgis(options.url, { listenUrl: options.listenUrl });
  }
  const { openEmbedded } = await import('./embedded.ts');
  return openEmbedded(options.dataDir, options);
}

/**
 * Where lag-tolerant reads go: a pool on the streaming replica at `readUrl` that falls back to
 * `db` while the replica is away; without `readUrl`, `db` itself.
 */
export async function openReads(db: Db, readUrl: string | undefined): Promise<Queryable & Pick<Db, 'engine' | 'close'>> {
  if (!readUrl) return { engine: db.engine, query: (sql, params) => db.query(sql, params), exec: (sql) => db.exec(sql), close: async () => {} };
  const { openReplicaReads } = await import('./postgis.ts');
  return openReplicaReads(readUrl, db);
}
