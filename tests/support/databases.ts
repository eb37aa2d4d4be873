import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase, type Db } from '../../server/db/index.ts';

/** Runs one statement on `url`'s cluster, outside any database a server under test uses. */
async function onCluster(url: string, sql: string): Promise<void> {
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const client = new pg.Client({ connectionString: maintenance.toString() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const sibling = (url: string, name: string) => {
  const other = new URL(url);
  other.pathname = `/${name}`;
  return other.toString();
};

/**
 * A new, empty database beside the one in `url` (same cluster and credentials), for a server
 * under test that must not share data with the others. Returns its URL.
 */
export async function freshDatabase(url: string, name: string): Promise<string> {
  await onCluster(url, `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  await onCluster(url, `CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  return sibling(url, name);
}

/**
 * A copy of the database at `template` (which nobody may be connected to), beside `url`: a
 * seeded database in a fraction of a second, where seeding takes several. Returns its URL.
 */
export async function cloneDatabase(url: string, name: string, template: string): Promise<string> {
  const from = new URL(template).pathname.slice(1);
  await onCluster(url, `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  await onCluster(url, `CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(from)}`);
  return sibling(url, name);
}

/** A copy of one of the run's templates (tests/support/engines.ts), as a server's settings. */
export interface DataCopy {
  env: { DATABASE_URL: string } | { DATA_DIR: string };
  remove: () => void;
}

/**
 * A copy of the run's seeded demo data, or of its migrated but empty database, for a server or
 * an app of its own: a clone of the template database on PostGIS (named `name`; the next run
 * drops it), a copied data directory on the embedded engine (`remove` deletes it).
 */
export async function copyOf(
  target: { engine: 'embedded' | 'postgis'; databaseUrl: string | null; seeded: string; migrated: string },
  template: 'seeded' | 'migrated',
  name: string,
): Promise<DataCopy> {
  if (target.engine === 'postgis') {
    return { env: { DATABASE_URL: await cloneDatabase(target.databaseUrl as string, name, target[template]) }, remove: () => {} };
  }
  const dataDir = mkdtempSync(join(tmpdir(), `${name}-`));
  cpSync(target[template], dataDir, { recursive: true });
  return { env: { DATA_DIR: dataDir }, remove: () => rmSync(dataDir, { recursive: true, force: true }) };
}

/**
 * A database of its own, opened in this process, on a copy of a template (`copyOf`): a migrated
 * one opens in seconds, where an empty embedded database takes far longer to create and migrate.
 * `close` closes it and removes the copy.
 */
export async function openCopy(
  target: Parameters<typeof copyOf>[0],
  template: 'seeded' | 'migrated',
  name: string,
): Promise<{ db: Db; close: () => Promise<void> }> {
  const copy = await copyOf(target, template, name);
  const db = await openDatabase(
    'DATABASE_URL' in copy.env ? { url: copy.env.DATABASE_URL, dataDir: null } : { dataDir: join(copy.env.DATA_DIR, 'pglite') },
  ).catch((error: unknown) => {
    copy.remove();
    throw error;
  });
  return {
    db,
    close: async () => {
      await db.close();
      copy.remove();
    },
  };
}
