import { mkdtempSync, rmSync, writeFileSync, mkdirSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../server/db/index.ts';
import { migrate, MIGRATIONS_DIR, readMigrations } from '../../server/db/migrate.ts';
import { seedDemoData } from '../../server/seed/index.ts';
import { startServer } from '../support/server.ts';

describe('migrations on the embedded engine', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openDatabase({ dataDir: null });
  }, 60_000);
  afterAll(async () => db?.close());

  it('apply once, are recorded, and a second run changes nothing', async () => {
    const all = readMigrations().map((m) => m.name);
    expect(await migrate(db)).toEqual(all);
    expect(await migrate(db)).toEqual([]);
    const recorded = await db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY version');
    expect(recorded.map((r) => r.name)).toEqual(all);
  });

  it('are followed by the demo seed, once', async () => {
    const options = { now: new Date('2026-11-21T08:00:00Z'), parcelScale: 0.25 };
    expect(await seedDemoData(db, options)).toBe(true);
    const count = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM parcels'))[0]?.n;
    const parcels = await count();
    // A quarter of the default scale: the scale option really scales.
    expect(parcels).toBeGreaterThan(6000);
    expect(parcels).toBeLessThan(9000);
    expect(await seedDemoData(db, options)).toBe(false);
    expect(await count()).toBe(parcels);
  }, 60_000);

  it('refuse to start when an applied migration was edited', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mueang-migrations-'));
    try {
      cpSync(MIGRATIONS_DIR, dir, { recursive: true });
      writeFileSync(join(dir, '002_plan.sql'), '-- edited\n', { flag: 'a' });
      await expect(migrate(db, readMigrations(dir))).rejects.toThrow(/002_plan\.sql was changed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('roll back a migration that fails, leaving nothing of it behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mueang-migrations-'));
    try {
      cpSync(MIGRATIONS_DIR, dir, { recursive: true });
      writeFileSync(join(dir, '999_broken.sql'), 'CREATE TABLE half_done (id int);\nSELECT no_such_function();\n');
      await expect(migrate(db, readMigrations(dir))).rejects.toThrow();
      const [table] = await db.query<{ t: string | null }>("SELECT to_regclass('half_done')::text AS t");
      expect(table?.t).toBeNull();
      const [count] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations WHERE version = 999');
      expect(count?.n).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the embedded data directory', () => {
  it('is used by one server process at a time', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mueang-lock-'));
    mkdirSync(join(dataDir, 'pglite'));
    // A lock held by a live process (this test runner) stands in for a running server.
    writeFileSync(join(dataDir, 'pglite', 'mueang.lock'), String(process.pid));
    try {
      await expect(startServer({ DATA_DIR: dataDir }, 60_000)).rejects.toThrow(/in use by process \d+/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
