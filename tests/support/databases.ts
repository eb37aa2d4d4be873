import pg from 'pg';

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
