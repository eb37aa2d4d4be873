import { readConfig } from '../../server/config.ts';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureDemoAccounts } from '../../server/auth/demo.ts';
import { openDatabase } from '../../server/db/index.ts';
import { migrate } from '../../server/db/migrate.ts';
import { seedDemoData } from '../../server/seed/index.ts';
import { cloneDatabase, freshDatabase } from './databases.ts';
import { secretsIn } from './logs.ts';
import { startServer, type RunningServer } from './server.ts';

export interface EngineUnderTest {
  engine: 'embedded' | 'postgis';
  url: string;
  /** What another server process on the same engine needs: its DATABASE_URL, or null for embedded. */
  databaseUrl: string | null;
  /**
   * The demo data, migrated and seeded once for the whole run: a data directory to copy
   * (embedded) or a database to clone (PostGIS). See `startSeededServer` and `openSeededApp`.
   */
  seeded: string;
  /** The same before seeding: every migration applied, no data, no account (production's start). */
  migrated: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    engines: EngineUnderTest[];
  }
}

/** Applies every migration, as any server's start-up does. */
async function migrated(options: { url?: string; dataDir: string | null }): Promise<void> {
  const db = await openDatabase(options);
  try {
    await migrate(db);
  } finally {
    await db.close();
  }
}

/**
 * Seeds the demo data once, as a demo server's start-up does (the same functions), so that every
 * server the suites start begins from a copy instead of seeding for 15 s or more.
 */
async function seeded(options: { url?: string; dataDir: string | null }): Promise<void> {
  const db = await openDatabase(options);
  try {
    await ensureDemoAccounts(db);
    await seedDemoData(db, { now: new Date(), parcelScale: 1, trips: readConfig({}).waste.trips });
  } finally {
    await db.close();
  }
}

type Started = Omit<EngineUnderTest, 'url'> & { server: RunningServer };

async function embedded(scratch: string): Promise<Started> {
  const [migratedDir, seededDir, shared] = ['migrated', 'seeded', 'shared'].map((name) => join(scratch, name)) as [string, string, string];
  await migrated({ dataDir: join(migratedDir, 'pglite') });
  cpSync(migratedDir, seededDir, { recursive: true });
  await seeded({ dataDir: join(seededDir, 'pglite') });
  cpSync(seededDir, shared, { recursive: true });
  return {
    engine: 'embedded',
    server: await startServer({ DATA_DIR: shared, MUEANG_MODE: 'demo' }),
    databaseUrl: null,
    seeded: seededDir,
    migrated: migratedDir,
  };
}

/** TEST_DATABASE_URL's cluster gets the migrated and seeded templates and the shared server's clone. */
async function postgis(testUrl: string, prefix: string): Promise<Started> {
  const migratedUrl = await freshDatabase(testUrl, `${prefix}_migrated`);
  await migrated({ url: migratedUrl, dataDir: null });
  const seededUrl = await cloneDatabase(testUrl, `${prefix}_seeded`, migratedUrl);
  await seeded({ url: seededUrl, dataDir: null });
  const shared = await cloneDatabase(testUrl, `${prefix}_shared`, seededUrl);
  return {
    engine: 'postgis',
    server: await startServer({ DATABASE_URL: shared, MUEANG_MODE: 'demo' }),
    databaseUrl: shared,
    seeded: seededUrl,
    migrated: migratedUrl,
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The server the browser tests load the app from (tests/support/browser.ts). */
    appServer: string;
  }
}

/**
 * The global setup of the projects that need servers.
 *
 * `api` (and `timed`): one server per engine for the whole run, always the embedded engine and
 * PostGIS when TEST_DATABASE_URL names one (CI does); the suites run against every engine listed.
 *
 * `browser`: one server of its own, on PostGIS when the run has it (parcel tiles come far faster
 * from it), else embedded, with databases of its own (`mueang_browser_*`). `npm test` runs the
 * browser project in a vitest process beside the API suites' (scripts/test.ts): what the browser
 * tests write (an import, a contact) must not move the figures the API suites assert.
 */
export default async function setup(project: TestProject) {
  const started = Date.now();
  const scratch = mkdtempSync(join(tmpdir(), 'mueang-test-'));
  const postgisUrl = process.env.TEST_DATABASE_URL;
  const browser = project.name === 'browser';
  const engines = browser
    ? [postgisUrl ? await postgis(postgisUrl, 'mueang_browser') : await embedded(scratch)]
    : await Promise.all([embedded(scratch), ...(postgisUrl ? [postgis(postgisUrl, 'mueang')] : [])]);
  if (!postgisUrl) console.warn(`TEST_DATABASE_URL is not set: the ${project.name} project runs on the embedded engine only`);
  console.log(`${project.name}: seeded and started the shared servers in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  project.provide(
    'engines',
    engines.map(({ server, ...engine }) => ({ ...engine, url: server.url })),
  );
  if (browser) project.provide('appServer', (engines[0] as Started).server.url);
  return async () => {
    await Promise.all(engines.map(({ server }) => server.stop()));
    rmSync(scratch, { recursive: true, force: true });
    // Whatever the suites provoked, no failure may have put a hash or a key in the log.
    const leaks = engines.flatMap(({ engine, server }) => secretsIn(server.log()).map((found) => `${engine}: ${found.slice(0, 12)}…`));
    if (leaks.length) {
      // Vitest only prints an error thrown here: the exit code is what makes the run fail.
      process.exitCode = 1;
      throw new Error(`secrets in the server log: ${leaks.join(', ')}`);
    }
  };
}
