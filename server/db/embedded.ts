import { PGlite, type Transaction } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db, Queryable } from './types.ts';

/** PostgreSQL + PostGIS compiled to WebAssembly, in this process; `dataDir` null keeps it in memory. */
export async function openEmbedded(dataDir: string | null): Promise<Db> {
  const unlock = dataDir ? lockDataDir(dataDir) : () => {};
  const pglite = await PGlite.create({ dataDir: dataDir ?? undefined, extensions: { postgis } }).catch((error: unknown) => {
    unlock();
    throw error;
  });
  const run = async <Row>(target: PGlite | Transaction, sql: string, params?: readonly unknown[]) =>
    (await target.query<Row>(sql, params as unknown[] | undefined)).rows;
  return {
    engine: 'embedded',
    query: (sql, params) => run(pglite, sql, params),
    exec: async (sql) => void (await pglite.exec(sql)),
    transaction: (work) => pglite.transaction((tx) => work({ query: (sql, params) => run(tx, sql, params), exec: async (sql) => void (await tx.exec(sql)) } satisfies Queryable)),
    // One process owns the embedded database, so its own notifications are all there is to hear.
    listen: async (channel, onPayload) => {
      const stop = await pglite.listen(channel, onPayload);
      return () => stop();
    },
    close: async () => {
      await pglite.close();
      unlock();
    },
  };
}

/**
 * One process per data directory: PGlite, unlike a PostgreSQL server, does not stop a second
 * process from opening the same files, and two writers would corrupt them. A lock left by a
 * process that no longer runs is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockFile = join(dataDir, 'mueang.lock');
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
