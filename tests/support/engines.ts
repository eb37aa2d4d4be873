import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { secretsIn } from './logs.ts';
import { startServer, type RunningServer } from './server.ts';

export interface EngineUnderTest {
  engine: 'embedded' | 'postgis';
  url: string;
  /** What another server process on the same engine needs: its DATABASE_URL, or null for embedded. */
  databaseUrl: string | null;
}

declare module 'vitest' {
  export interface ProvidedContext { engines: EngineUnderTest[] }
}

/** Empties the test database: the server under test migrates and seeds it from scratch. */
async function resetDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
  } finally {
    await client.end();
  }
}

/**
 * One server per engine for the whole run: always the embedded engine, and PostGIS when
 * TEST_DATABASE_URL names one (CI does). The suites run against every engine listed here.
 */
export default async function setup(project: TestProject) {
  const dataDir = mkdtempSync(join(tmpdir(), 'mueang-test-'));
  const postgisUrl = process.env.TEST_DATABASE_URL;
  if (postgisUrl) await resetDatabase(postgisUrl);
  const servers: RunningServer[] = [];
  const started = await Promise.all([
    startServer({ DATA_DIR: dataDir, MUEANG_MODE: 'demo' })
      .then((s) => ({ engine: 'embedded' as const, server: s, databaseUrl: null })),
    ...(postgisUrl ? [startServer({ DATABASE_URL: postgisUrl, MUEANG_MODE: 'demo' })
      .then((s) => ({ engine: 'postgis' as const, server: s, databaseUrl: postgisUrl }))] : []),
  ]);
  for (const { server } of started) servers.push(server);
  if (!postgisUrl) console.warn('TEST_DATABASE_URL is not set: the API suite runs on the embedded engine only');
  project.provide('engines', started.map(({ engine, server, databaseUrl }) => ({ engine, url: server.url, databaseUrl })));
  return async () => {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dataDir, { recursive: true, force: true });
    // Whatever the suites provoked, no failure may have put a hash or a key in the log.
    const leaks = started.flatMap(({ engine, server }) => secretsIn(server.log()).map((found) => `${engine}: ${found.slice(0, 12)}…`));
    if (leaks.length) {
      // Vitest only prints an error thrown here: the exit code is what makes the run fail.
      process.exitCode = 1;
      throw new Error(`secrets in the server log: ${leaks.join(', ')}`);
    }
  };
}
