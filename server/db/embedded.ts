import { PGlite, type Transaction } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { mkdirSync } from 'node:fs';
import type { Db, Queryable } from './types.ts';

/** PostgreSQL + PostGIS compiled to WebAssembly, in this process; `dataDir` null keeps it in memory. */
export async function openEmbedded(dataDir: string | null): Promise<Db> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create({ dataDir: dataDir ?? undefined, extensions: { postgis } });
  const run = async <Row>(target: PGlite | Transaction, sql: string, params?: readonly unknown[]) =>
    (await target.query<Row>(sql, params as unknown[] | undefined)).rows;
  return {
    engine: 'embedded',
    query: (sql, params) => run(pglite, sql, params),
    exec: async (sql) => void (await pglite.exec(sql)),
    transaction: (work) => pglite.transaction((tx) => work({ query: (sql, params) => run(tx, sql, params), exec: async (sql) => void (await tx.exec(sql)) } satisfies Queryable)),
    close: () => pglite.close(),
  };
}
