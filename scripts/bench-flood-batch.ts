/**
 * How long does one big batch of one sensor take, alert rules included?
 *
 *   node --import tsx scripts/bench-flood-batch.ts [--database-url postgres://…] [--readings 5000] [--pattern flap|storm|calm]
 *
 * Starts a demo-mode server of its own (the embedded engine in a temporary directory, or the
 * given PostgreSQL + PostGIS database, which it fills), on a manual clock moved a day forward
 * so every reading of the batch is newer than the seeded history and goes through the rules.
 * Posts one batch of `--readings` readings, 10 s apart, for one siren point, and prints the time
 * it took and how long `/api/health` took meanwhile.
 *
 * `flap` (the default, the worst case) jumps from below every line to above the red one and
 * back at every reading, so both the level and the rate-of-rise alert change at every reading
 * (four timeline entries and two notifications a reading); `storm` climbs through every line
 * and falls back every 20 readings; `calm` stays below every line, so it measures storage and
 * the rules without any alert.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_PASSWORD } from '../server/auth/passwords.ts';
import { DeviceKeys, listSensors, postReadings, type Reading } from './lib/api.ts';
import { Client, expectBody } from './lib/client.ts';
import { parseOptions } from './lib/options.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));

const named = parseOptions(process.argv.slice(2), ['database-url', 'readings', 'pattern']);
const count = Number(named.get('readings') ?? 5000);
const pattern = named.get('pattern') ?? 'flap';
if (!Number.isInteger(count) || count < 1 || count > 5000) throw new Error('--readings must be an integer from 1 to 5000');
if (!['flap', 'storm', 'calm'].includes(pattern)) throw new Error('--pattern must be flap, storm or calm');
const databaseUrl = named.get('database-url');

const dataDir = databaseUrl ? null : mkdtempSync(join(tmpdir(), 'bench-batch-'));
const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
  cwd: REPO,
  stdio: ['ignore', 'pipe', 'pipe'],
  env: {
    ...process.env,
    MUEANG_MODE: 'demo',
    MUEANG_CLOCK: 'manual',
    FLOOD_SWEEP_SECONDS: '0',
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl ?? '',
    ...(dataDir ? { DATA_DIR: dataDir } : {}),
  },
});
let output = '';
child.stderr.on('data', (chunk) => {
  output += chunk;
});

async function main(): Promise<void> {
  const base = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+?)\/?$/m.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  let api = await Client.signIn(base, 'admin', DEMO_PASSWORD);
  const sensor = (await listSensors(api)).find((s) => s.code === 'FP01')!;
  // A day past the sensor's latest reading (an earlier run's, on a database kept between runs).
  const latest = Date.parse(sensor.recorded_at ?? '') || 0;
  const ahead = Math.max(0, Math.ceil((latest - Date.now()) / 1000)) + count * 10 + 86_400;
  const moved = await expectBody(api.api.clock.$post({ json: { advance_s: ahead } }));
  const now = Date.parse(moved.now);
  // Sessions end on the server's clock too: a day's jump ended this one.
  api = await Client.signIn(base, 'admin', DEMO_PASSWORD);
  const key = await new DeviceKeys(api, false).keyFor(sensor.code);
  const span = sensor.critical_m + 0.2 - (sensor.watch_m - 0.5);
  const readings: Reading[] = Array.from({ length: count }, (_, i) => {
    const phase = i % 20;
    const up = phase < 10 ? phase / 9 : (19 - phase) / 9;
    const level =
      pattern === 'flap'
        ? sensor.watch_m - 0.5 + span * (i % 2)
        : pattern === 'storm'
          ? sensor.watch_m - 0.5 + span * up
          : sensor.watch_m - 0.4 + 0.05 * Math.sin(i / 30);
    return { sensor: sensor.code, time: new Date(now - (count - i) * 10_000).toISOString(), level_m: Math.round(level * 1000) / 1000 };
  });

  let posting = true;
  const healthMs: number[] = [];
  const anyone = new Client(base);
  const probe = (async () => {
    while (posting) {
      const began = performance.now();
      // A health check the server drops (its event loop was blocked too long) counts for its wait.
      await anyone.api.health.$get().catch(() => undefined);
      healthMs.push(performance.now() - began);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  const began = performance.now();
  const response = await postReadings(base, key, readings).catch((error: unknown) => {
    throw new Error(`the batch failed after ${((performance.now() - began) / 1000).toFixed(1)} s`, { cause: error });
  });
  const seconds = (performance.now() - began) / 1000;
  posting = false;
  await probe;
  const alerts = await expectBody(api.api.alerts.$get({ query: { state: 'all', sensor: sensor.code } }));
  const [detail] = alerts;
  const timeline = detail ? await expectBody(api.api.alerts[':id'].$get({ param: { id: String(detail.id) } })) : null;
  console.log(
    JSON.stringify({
      engine: databaseUrl ? 'postgis' : 'embedded',
      pattern,
      readings: count,
      ...response,
      seconds: Number(seconds.toFixed(2)),
      health_max_ms: Math.round(Math.max(0, ...healthMs)),
      alerts: alerts.length,
      first_alert_timeline: timeline?.timeline.length ?? 0,
    }),
  );
}

main()
  .catch((error: unknown) => {
    console.error(error instanceof Error ? `${error.message} ${String(error.cause ?? '')}` : String(error));
    console.error(`server log (tail):\n${output.slice(-2000)}`);
    process.exitCode = 1;
  })
  .finally(() => {
    const done = () => {
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      process.exit();
    };
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', done);
    child.kill('SIGTERM');
  });
