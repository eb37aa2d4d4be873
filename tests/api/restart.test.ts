import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { answer, Client, expectBody } from '../support/client.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { openEventStream, type LiveEvent as ServerEvent } from '../../scripts/lib/sse.ts';
import { until } from '../support/wait.ts';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../../scripts/throwaway-postgis.sh', import.meta.url));
const PG_CTL = '/usr/lib/postgresql/15/bin/pg_ctl';
/** pg_ctl refuses to run as root: the throwaway cluster belongs to the postgres user. */
const pgCtl = (args: string[]) => (process.getuid?.() === 0 ? run('runuser', ['-u', 'postgres', '--', PG_CTL, ...args]) : run(PG_CTL, args));

const postgis = inject('engines').some((e) => e.engine === 'postgis');
if (!postgis) console.warn('TEST_DATABASE_URL is not set: the PostgreSQL restart test needs PostGIS and is skipped');

/**
 * A database restart under load, on a cluster of the test's own (restarting the shared one would
 * disturb the other suites): the server stays up, answers 503 with Retry-After while the database
 * is away, its live stream carries on with a fresh snapshot, and every acknowledged reading is kept.
 */
describe.runIf(postgis)('a PostgreSQL restart under ingest', () => {
  let dir: string;
  let databaseUrl: string;
  let server: RunningServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mueang-restart-'));
    databaseUrl = (await run(SCRIPT, [dir])).stdout.trim();
    // The sweep runs every second, so it meets the outage too. A cluster of its own cannot be
    // cloned from the run's template: it seeds, with few parcels (they play no part here).
    server = await startServer({ DATABASE_URL: databaseUrl, MUEANG_MODE: 'demo', FLOOD_SWEEP_SECONDS: '1', PARCEL_SCALE: '0.02' });
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
    if (dir) {
      await run(SCRIPT, [dir, 'stop']).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /** Waits for `condition`, giving up at once if the server died meanwhile. */
  const whileAlive = (what: string, condition: () => boolean) =>
    until(what, () => {
      if (server.process.exitCode !== null) throw new Error(`the server exited while waiting for ${what}:\n${server.log()}`);
      return condition();
    });

  const stopDatabase = () => pgCtl(['-D', join(dir, 'data'), '-m', 'fast', '-w', 'stop']);
  const startDatabase = () =>
    pgCtl([
      '-D',
      join(dir, 'data'),
      '-l',
      join(dir, 'server.log'),
      '-w',
      'start',
      '-o',
      `-p ${new URL(databaseUrl).port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
    ]);

  it('answers 503 with Retry-After during the outage, resumes the live stream with a fresh snapshot, and loses no acknowledged reading', async () => {
    const admin = await Client.signIn(server.url, 'admin');
    const created = await expectBody(admin.api.devices.$post({ json: { kind: 'sensor', code: 'FP02' } }), 201);
    const device = Client.device(server.url, created.key);
    const post = (time: string, level_m: number) => device.api.readings.$post({ json: { readings: [{ sensor: 'FP02', time, level_m }] } });

    const stream = await openEventStream(`${server.url}/api/live`);
    try {
      const first = await stream.next((e) => e.event === 'snapshot');

      // Readings a second apart within the last hour, one batch after another, until told to stop.
      const acknowledged: string[] = [];
      const answers: { status: number; retryAfter: string | null }[] = [];
      let ingesting = true;
      const base = Date.now() - 3600_000;
      const ingest = (async () => {
        for (let i = 0; ingesting; i++) {
          const time = new Date(base + i * 1000).toISOString();
          const reply = await post(time, 0.2).catch(() => null);
          if (!reply) throw new Error(`the server dropped the connection:\n${server.log()}`);
          answers.push({ status: reply.status, retryAfter: reply.headers.get('retry-after') });
          if (reply.status === 200) acknowledged.push(time);
        }
      })();
      ingest.catch(() => {
        ingesting = false;
      }); // reported when awaited below
      const refused = () => answers.filter((a) => a.status === 503).length;

      await whileAlive('readings acknowledged before the restart', () => acknowledged.length >= 3);
      await stopDatabase();
      await whileAlive('a batch refused while the database is down', () => refused() > 0);
      const health = await fetch(`${server.url}/api/health`);
      expect(health.status).toBe(503);
      expect(health.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(await health.json()).toMatchObject({ ok: false, db: 'postgis' });
      const sensors = await answer(admin.api.sensors.$get());
      expect(sensors).toMatchObject({ status: 503, body: { error: expect.stringMatching(/database/) } });
      expect(sensors.headers.get('retry-after')).toMatch(/^\d+$/);

      await startDatabase();
      const before = acknowledged.length;
      await whileAlive('readings acknowledged after the restart', () => acknowledged.length >= before + 3);
      ingesting = false;
      await ingest;

      expect(server.process.exitCode).toBeNull();
      expect(new Set(answers.map((a) => a.status))).toEqual(new Set([200, 503]));
      expect(answers.filter((a) => a.status === 503).every((a) => a.retryAfter && /^\d+$/.test(a.retryAfter))).toBe(true);
      expect((await fetch(`${server.url}/api/health`)).status).toBe(200);

      // The same stream: a fresh snapshot once the server listens again, then live events after it.
      const fresh = await stream.next((e) => e.event === 'snapshot' && e !== first, 30_000);
      const after = (e: ServerEvent) => stream.events.indexOf(e) > stream.events.indexOf(fresh);
      expect((await post(new Date().toISOString(), 0.25)).status).toBe(200);
      const live = await stream.next((e) => e.event === 'sensor' && (e.data as { code: string; level_m: number }).level_m === 0.25 && after(e));
      expect(live.data).toMatchObject({ code: 'FP02' });

      // Every batch answered 200 is in the database.
      const check = new pg.Client({ connectionString: databaseUrl });
      await check.connect();
      try {
        const { rows } = await check.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM sensor_readings r JOIN sensors s ON s.id = r.sensor_id
           WHERE s.code = 'FP02' AND r.recorded_at = ANY($1::timestamptz[])`,
          [acknowledged],
        );
        expect(rows[0]?.n).toBe(acknowledged.length);
      } finally {
        await check.end();
      }
      expect(server.log()).not.toMatch(/answered 500|Unhandled/);
    } finally {
      stream.close();
    }
  }, 120_000);
});
