import { readConfig } from '../../server/config.ts';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, cpSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { openDatabase, type Db } from '../../server/db/index.ts';
import { migrate, MIGRATIONS_DIR, readMigrations } from '../../server/db/migrate.ts';
import { DEMO_ACCOUNTS, demoCredentialProblem, ensureDemoAccounts } from '../../server/auth/demo.ts';
import { DEMO_PASSWORD, hashPassword } from '../../server/auth/passwords.ts';
import { seedDemoData } from '../../server/seed/index.ts';
import { demoImageIsCurrent, IMAGE_DIR, readDemoImage, writeDemoImage } from '../../server/seed/image.ts';
import { openPrebuiltPhotos } from '../../server/sites/photos/prebuilt.ts';
import { filterTar } from '../../server/db/tar.ts';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Client, expectBody } from '../support/client.ts';
import { copyOf, openCopy } from '../support/databases.ts';
import { startServer } from '../support/server.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
/** The embedded engine's templates: start-up here is the embedded engine's (PostGIS starts in the shared setup). */
const embedded = inject('engines').find((e) => e.engine === 'embedded')!;

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
    const options = { now: new Date('2026-11-21T08:00:00Z'), parcelScale: 0.25, trips: readConfig({}).waste.trips };
    // As a demo server starts: the accounts first, the demo data's inspections are theirs.
    await ensureDemoAccounts(db);
    expect(await seedDemoData(db, options)).toBe(true);
    const count = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM parcels'))[0]?.n;
    const parcels = await count();
    // A quarter of the default scale: the scale option really scales.
    expect(parcels).toBeGreaterThan(6000);
    expect(parcels).toBeLessThan(9000);
    expect(await seedDemoData(db, options)).toBe(false);
    expect(await count()).toBe(parcels);
    // The tax register's three years of bills (issue 14) took a loaded machine past a minute.
  }, 120_000);

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

describe('the audit trail in the database', () => {
  let db: Db;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await openCopy(embedded, 'migrated', 'mueang-audit'));
    await db.query(`INSERT INTO audit_log (actor_kind, actor_name, action, entity) VALUES ('system', 'test', 'create', 'thing')`);
  }, 60_000);
  afterAll(async () => close?.());

  it.each([
    ['UPDATE', "UPDATE audit_log SET action = 'nothing'"],
    ['DELETE', 'DELETE FROM audit_log'],
    ['TRUNCATE', 'TRUNCATE audit_log'],
  ])('refuses %s, whoever connects', async (_verb, sql) => {
    await expect(db.query(sql)).rejects.toThrow(/append-only/);
    const [row] = await db.query<{ n: number; action: string }>('SELECT count(*)::int AS n, min(action) AS action FROM audit_log');
    expect(row).toEqual({ n: 1, action: 'create' });
  });
});

describe('demo credentials', () => {
  let db: Db;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await openCopy(embedded, 'migrated', 'mueang-demo-credentials'));
  }, 60_000);
  afterAll(async () => close?.());

  it('exist only when demo mode makes them, and production sees them', async () => {
    expect(await demoCredentialProblem(db)).toBeNull();
    expect(await ensureDemoAccounts(db)).toEqual(DEMO_ACCOUNTS.map((a) => a.username));
    expect(await ensureDemoAccounts(db)).toEqual([]);
    expect(await demoCredentialProblem(db)).toMatch(new RegExp(`${DEMO_ACCOUNTS.length} demo account`));
  });

  it('include any account that uses the published demo password', async () => {
    await db.query('DELETE FROM users');
    await db.query(`INSERT INTO users (username, display_name, role, password_hash) VALUES ('real', 'Real', 'admin', $1)`, [
      await hashPassword('a properly long secret'),
    ]);
    expect(await demoCredentialProblem(db)).toBeNull();
    await db.query(`INSERT INTO users (username, display_name, role, password_hash) VALUES ('lazy', 'Lazy', 'admin', $1)`, [await hashPassword(DEMO_PASSWORD)]);
    expect(await demoCredentialProblem(db)).toMatch(/"lazy" has the demo password/);
  });
});

describe('production mode', () => {
  it('refuses to start on a database with demo accounts', async () => {
    // The run's seeded demo data: what a demo server leaves behind, its accounts included.
    const copy = await copyOf(embedded, 'seeded', 'mueang-production');
    try {
      await expect(startServer({ ...copy.env, MUEANG_MODE: 'production' }, 60_000)).rejects.toThrow(
        new RegExp(`production mode refuses to start: ${DEMO_ACCOUNTS.length} demo account`),
      );
    } finally {
      copy.remove();
    }
  }, 120_000);
});

describe('a real administrator', () => {
  it('is created by the script, and signs in to a production server', async () => {
    // A new installation: every migration applied (from the run's template), no account yet.
    const copy = await copyOf(embedded, 'migrated', 'mueang-admin');
    const env = { ...process.env, DATABASE_URL: '', ...copy.env, MUEANG_ADMIN_PASSWORD: 'correct horse battery staple' };
    try {
      const run = (args: string[]) => promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/create-admin.ts', ...args], { env, cwd: REPO });
      expect((await run(['somchai', 'สมชาย ใจดี'])).stdout).toMatch(/created administrator "somchai"/);
      await expect(run(['somchai'])).rejects.toThrow(/already exists/);
      await expect(
        promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/create-admin.ts', 'weak'], {
          env: { ...env, MUEANG_ADMIN_PASSWORD: 'short' },
          cwd: REPO,
        }),
      ).rejects.toThrow(/at least 12/);
      const server = await startServer({ ...copy.env, MUEANG_MODE: 'production' }, 60_000);
      try {
        const admin = await Client.signIn(server.url, 'somchai', 'correct horse battery staple');
        const me = await expectBody(admin.api.auth.me.$get());
        expect(me.user).toMatchObject({ display_name: 'สมชาย ใจดี', role: 'admin' });
        expect(await Client.signIn(server.url, 'admin').catch((error: Error) => error.message)).toMatch(/401/);
      } finally {
        await server.stop();
      }
    } finally {
      copy.remove();
    }
  }, 120_000);
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

/**
 * Every table of a closed embedded data directory: its row count and a digest of its rows. The
 * image's server and seeding must agree on both, but for rows that carry when they were made.
 */
async function tablesIn(dataDir: string): Promise<Record<string, { rows: number; digest: string }>> {
  const db = await openDatabase({ dataDir });
  try {
    const tables = await db.query<{ name: string; rows: number; digest: string }>(
      `SELECT c.relname AS name,
              (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I', c.relname), false, true, '')))[1]::text::int AS rows,
              (xpath('/row/d/text()', query_to_xml(format('SELECT md5(coalesce(string_agg(t::text, %L ORDER BY t::text), %L)) AS d FROM %I t', E'\n', '', c.relname),
                                                   false, true, '')))[1]::text AS digest
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
       ORDER BY 1`,
    );
    return Object.fromEntries(tables.map(({ name, ...table }) => [name, table]));
  } finally {
    await db.close();
  }
}

// Rows that hold the moment they were made (the accounts: also their password's salt).
const STAMPED = ['flood_alert_events', 'flood_alerts', 'flood_notifications', 'schema_migrations', 'sensor_readings', 'sensor_state', 'truck_state', 'users'];

// Rows of the story so far, whose number depends on the hour of seeding (the trucks' day up to now).
const UP_TO_NOW = ['truck_positions', 'truck_segments'];

// Rows no seed holds: the demo's site photos are files, put in at a demo start (server/sites/photos/seed.ts).
const DRAWN_AT_START = ['photos'];

describe('the prebuilt demo database', () => {
  beforeAll(async () => {
    // `npm test` builds it first; this file run alone makes it when it is missing or stale.
    if (!demoImageIsCurrent() || !openPrebuiltPhotos())
      await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/build-seed.ts'], { cwd: REPO });
  }, 300_000);

  it('starts a new demo server with the data seeding gives, ending now, and its demo accounts sign in', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mueang-image-'));
    const seeded = await copyOf(embedded, 'seeded', 'mueang-image-twin');
    const startedAt = new Date();
    try {
      const first = await startServer({ DATA_DIR: dataDir, MUEANG_MODE: 'demo' });
      await first.stop();
      expect(first.log()).toMatch(/the database was unpacked from the prebuilt image/);
      expect(first.log()).not.toMatch(/image is not used/);
      // Its site photos are the build's, copied (scripts/build-seed.ts), not drawn again.
      const copied = Number(/copied (\d+) demo site photos from the prebuilt set/.exec(first.log())?.[1]);
      expect(copied).toBeGreaterThan(0);
      expect(first.log()).not.toMatch(/drew \d+ demo site photos/);

      const fromImage = await tablesIn(join(dataDir, 'pglite'));
      const bySeeding = await tablesIn(join((seeded.env as { DATA_DIR: string }).DATA_DIR, 'pglite'));
      expect(Object.keys(fromImage)).toEqual(Object.keys(bySeeding));
      expect(fromImage.photos?.rows).toBe(copied);
      for (const [name, table] of Object.entries(bySeeding)) {
        if (DRAWN_AT_START.includes(name)) continue;
        if (UP_TO_NOW.includes(name)) {
          expect(fromImage[name]?.rows, name).toBeGreaterThan(0);
          continue;
        }
        expect(fromImage[name]?.rows, name).toBe(table.rows);
        if (!STAMPED.includes(name)) expect(fromImage[name]?.digest, name).toBe(table.digest);
      }
      expect(fromImage.parcels?.rows).toBeGreaterThan(30_000);

      // A second start finds its database, with the story ending at its first start.
      const again = await startServer({ DATA_DIR: dataDir, MUEANG_MODE: 'demo' });
      try {
        expect(again.log()).not.toMatch(/prebuilt image|seeded the/);
        for (const { username, role } of DEMO_ACCOUNTS) {
          const me = await expectBody((await Client.signIn(again.url, username)).api.auth.me.$get());
          expect(me.user?.role).toBe(role);
        }
        const sensors = await expectBody(new Client(again.url).api.sensors.$get());
        const latest = Math.max(...sensors.features.map((f) => Date.parse(f.properties.recorded_at ?? '')));
        expect(latest).toBeGreaterThanOrEqual(startedAt.getTime() - 60_000);
        expect(sensors.features.filter((f) => f.properties.level !== 'normal').length).toBe(4);
      } finally {
        await again.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      seeded.remove();
    }
  }, 300_000);

  /** The real image, changed; `dir` gets it with its manifest. */
  const broken: [string, (dir: string) => void, RegExp][] = [
    ['missing', () => {}, /there is none in/],
    [
      'damaged',
      (dir) => {
        cpSync(IMAGE_DIR, dir, { recursive: true });
        const image = readFileSync(join(dir, 'demo.tar.gz'));
        image.writeUInt8(image.readUInt8(image.length >> 1) ^ 0xff, image.length >> 1);
        writeFileSync(join(dir, 'demo.tar.gz'), image);
      },
      /is damaged/,
    ],
    [
      'made by other code',
      (dir) => {
        cpSync(IMAGE_DIR, dir, { recursive: true });
        const manifest = JSON.parse(readFileSync(join(dir, 'demo.json'), 'utf8')) as { recipe: string };
        writeFileSync(join(dir, 'demo.json'), JSON.stringify({ ...manifest, recipe: 'another' }));
      },
      /other demo-data code/,
    ],
    // Whole and signed, but without its write-ahead log: PostgreSQL cannot start on it.
    [
      'unloadable',
      (dir) => writeDemoImage(gzipSync(filterTar(gunzipSync(readDemoImage()), (name) => !name.includes('pg_wal/0'))), dir),
      /PGlite could not load it/,
    ],
  ];

  it.each(broken)('%s: is refused, saying why', (name, make, why) => {
    const imageDir = mkdtempSync(join(tmpdir(), 'mueang-image-'));
    try {
      make(imageDir);
      // The unloadable one passes every check here: PGlite itself fails on it (below).
      if (name === 'unloadable') expect(readDemoImage(imageDir).length).toBeGreaterThan(0);
      else expect(() => readDemoImage(imageDir)).toThrow(why);
    } finally {
      rmSync(imageDir, { recursive: true, force: true });
    }
  });

  // One refused before PGlite sees it, one PGlite fails on (it may abort its whole instance).
  it.each(broken.filter(([name]) => name === 'missing' || name === 'unloadable'))(
    '%s: the log says why, and the database starts empty (so a demo seeds it)',
    async (_case, make, why) => {
      const imageDir = mkdtempSync(join(tmpdir(), 'mueang-image-'));
      const dataDir = mkdtempSync(join(tmpdir(), 'mueang-image-data-'));
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      try {
        make(imageDir);
        const db = await openDatabase({ dataDir, image: () => readDemoImage(imageDir) });
        try {
          expect(warn).toHaveBeenCalledWith(expect.stringMatching(why));
          expect(warn.mock.calls.join()).toMatch(/prebuilt database image is not used: .* Starting from an empty database instead/);
          expect(await db.query("SELECT to_regclass('municipality') AS t")).toEqual([{ t: null }]);
        } finally {
          await db.close();
        }
      } finally {
        warn.mockRestore();
        rmSync(imageDir, { recursive: true, force: true });
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
