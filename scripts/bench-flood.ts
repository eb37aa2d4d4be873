/**
 * How fast does the flood desk take readings in, and how soon does a red line crossed reach the
 * desk's screens?
 *
 *   npm run bench:flood -- [--readings 200000] [--batch 1000] [--senders 4] [--samples 200]
 *     [--url http://… [--database-url postgres://…]] [--database-url postgres://…]
 *
 * Without options it starts a throwaway PostgreSQL + PostGIS cluster and a demo-mode server on
 * it, and removes both afterwards (also on Ctrl-C). With --database-url only, it starts the
 * server on that database; with --url it uses a running server (and --database-url, if given,
 * for the COPY comparison, which is skipped without it).
 *
 * (a) ingest through POST /api/readings: every sensor's readings in batches, one device key per
 *     sensor, from K concurrent senders; (b) the same number of rows into the same table by a
 *     plain COPY, as the ceiling; (c) the latency from POSTing a reading over a sensor's red line
 *     to the matching `alert` event on /api/live.
 */
import { cpus, loadavg } from 'node:os';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DEMO_PASSWORD } from '../server/auth/passwords.ts';
import { DeviceKeys, listSensors, openLive, postReadings, type Reading, type Sensor } from './lib/api.ts';
import { Client } from './lib/client.ts';
import { startCluster } from './lib/cluster.ts';
import { Cleanup, startServer } from './lib/server.ts';
import { eventOf, type EventStream, type LiveEvent } from './lib/sse.ts';
import { parseOptions } from './lib/options.ts';

const DAY_MS = 86_400_000;

interface Options {
  url?: string;
  databaseUrl?: string;
  readings: number;
  batch: number;
  senders: number;
  samples: number;
}

function parseArgs(argv: string[]): Options {
  const named = parseOptions(argv, ['url', 'database-url', 'readings', 'batch', 'senders', 'samples']);
  const count = (name: string, fallback: number, max = Infinity) => {
    const value = Number(named.get(name) ?? fallback);
    if (!Number.isInteger(value) || value < 0 || value > max) throw new Error(`--${name} must be an integer from 0 to ${max}`);
    return value;
  };
  return {
    url: named.get('url')?.replace(/\/+$/, ''),
    databaseUrl: named.get('database-url'),
    readings: Math.max(1, count('readings', 200_000)),
    batch: Math.max(1, count('batch', 1000, 5000)),
    senders: Math.max(1, count('senders', 4)),
    samples: count('samples', 200),
  };
}

// ---------------------------------------------------------------------------------------------
// What the benchmark starts, and stops again whatever ends it.

// ---------------------------------------------------------------------------------------------
// The rows both ingest paths write: a calm minute-by-minute series per sensor, below every line,
// so the ingest figures measure storage and not the alert rules.

/** `count` readings spread over the sensors, one a minute per sensor from `start`. */
function* series(sensors: Sensor[], count: number, start: number): Generator<{ sensor: Sensor; reading: Reading }> {
  for (let i = 0; i < count; i++) {
    const sensor = sensors[i % sensors.length]!;
    const minute = Math.floor(i / sensors.length);
    const level = sensor.watch_m - 0.4 + 0.1 * Math.sin(minute / 90 + sensor.id);
    yield {
      sensor,
      reading: {
        sensor: sensor.code,
        time: new Date(start + minute * 60_000).toISOString(),
        level_m: Math.round(level * 1000) / 1000,
        rain_mm: Math.round(5 * Math.max(0, Math.sin(minute / 200)) * 10) / 10,
        battery_v: Math.round((12.8 - minute / 20_000) * 100) / 100,
      },
    };
  }
}

/** The batches, grouped before the clock starts: one sensor per batch, since a key writes only its own sensor. */
function batches(sensors: Sensor[], count: number, start: number, size: number): { code: string; body: Reading[] }[] {
  const perSensor = new Map<string, Reading[]>(sensors.map((s) => [s.code, []]));
  for (const { sensor, reading } of series(sensors, count, start)) perSensor.get(sensor.code)!.push(reading);
  const out: { code: string; body: Reading[] }[] = [];
  // Interleaved by sensor, so concurrent senders are different devices, as in the field.
  const longest = Math.max(...[...perSensor.values()].map((r) => r.length));
  for (let offset = 0; offset < longest; offset += size) {
    for (const [code, readings] of perSensor) if (readings.length > offset) out.push({ code, body: readings.slice(offset, offset + size) });
  }
  return out;
}

interface IngestFigures {
  seconds: number;
  inserted: number;
  duplicates: number;
  failures: string[];
}

async function ingestThroughApi(keys: DeviceKeys, base: string, work: { code: string; body: Reading[] }[], senders: number): Promise<IngestFigures> {
  const keyOf = new Map<string, string>();
  for (const { code } of work) if (!keyOf.has(code)) keyOf.set(code, await keys.keyFor(code));
  const figures: IngestFigures = { seconds: 0, inserted: 0, duplicates: 0, failures: [] };
  let next = 0;
  const sender = async () => {
    while (next < work.length) {
      const { code, body } = work[next++]!;
      const response = await postReadings(base, keyOf.get(code)!, body);
      if (response.ok) {
        figures.inserted += response.stored.inserted;
        figures.duplicates += response.stored.duplicates;
      } else {
        figures.failures.push(`${code}: ${response.status} ${response.error}`);
      }
    }
  };
  const began = performance.now();
  await Promise.all(Array.from({ length: senders }, sender));
  figures.seconds = (performance.now() - began) / 1000;
  return figures;
}

const csvRow = (sensor: Sensor, r: Reading) => `${sensor.id},${r.time},${r.level_m},${r.rain_mm ?? ''},${r.battery_v ?? ''}\n`;

/** The same number of rows by COPY ... FROM STDIN (CSV), the fastest way into PostgreSQL. */
async function ingestByCopy(db: pg.Client, sensors: Sensor[], count: number, start: number): Promise<number> {
  const chunks: string[] = [];
  let chunk = '';
  for (const { sensor, reading } of series(sensors, count, start)) {
    chunk += csvRow(sensor, reading);
    if (chunk.length > 64 * 1024) {
      chunks.push(chunk);
      chunk = '';
    }
  }
  chunks.push(chunk);
  const began = performance.now();
  await pipeline(
    Readable.from(chunks),
    db.query(copyFrom('COPY sensor_readings (sensor_id, recorded_at, level_m, rain_mm, battery_v) FROM STDIN WITH (FORMAT csv)')),
  );
  return (performance.now() - began) / 1000;
}

const countRows = async (db: pg.Client, from: number, to: number) =>
  Number(
    (
      await db.query<{ n: string }>('SELECT count(*) AS n FROM sensor_readings WHERE recorded_at >= $1 AND recorded_at < $2', [
        new Date(from).toISOString(),
        new Date(to).toISOString(),
      ])
    ).rows[0]!.n,
  );

// ---------------------------------------------------------------------------------------------
// Alert latency over the live stream.

const isCriticalAlertFor = (code: string) =>
  eventOf('alert', ({ change, alert }) => alert.sensor_code === code && alert.severity === 'critical' && ['opened', 'raised', 'reopened'].includes(change));

const isResolvedFor = (code: string) => eventOf('alert', ({ change, alert }) => alert.sensor_code === code && change === 'resolved');

/** Whether an event that `match` accepts arrives after the first `from` events, within `timeoutMs`. */
const arrives = (stream: EventStream, from: number, match: (e: LiveEvent) => boolean, timeoutMs: number) =>
  stream
    .next((e, i) => i >= from && match(e), timeoutMs)
    .then(
      () => true,
      () => false,
    );

type Latency = { samples: number[]; timeouts: number } | { skipped: string };

/**
 * Crosses a siren point's red line and times the alert event; then brings the level down so
 * the alert resolves and the next crossing reopens it. Sensors take turns, so each has a while
 * between its crossings.
 */
async function alertLatency(api: Client, keys: DeviceKeys, sensors: Sensor[], samples: number): Promise<Latency> {
  const stream = await openLive(api);
  if (!stream) return { skipped: '/api/live not available' };
  let endedBy: string | null = null;
  void stream.ended.then((reason) => {
    endedBy = reason;
  });
  try {
    if (!(await arrives(stream, 0, eventOf('snapshot'), 10_000))) return { skipped: '/api/live sent no snapshot within 10 s' };
    const sirens = sensors.filter((s) => s.kind === 'siren');
    const turns = sirens.length ? sirens : sensors;
    const result = { samples: [] as number[], timeouts: 0 };
    for (let i = 0; i < samples; i++) {
      if (endedBy) throw new Error(`/api/live ended after ${i} samples: ${endedBy}`);
      const sensor = turns[i % turns.length]!;
      const send = (level: number) => keys.post(sensor.code, [{ sensor: sensor.code, time: new Date().toISOString(), level_m: level }]);
      // Only events from now on count: the stream keeps every earlier one.
      const arrived = arrives(stream, stream.events.length, isCriticalAlertFor(sensor.code), 10_000);
      const began = performance.now();
      const posted = await send(sensor.critical_m + 0.1);
      if (!posted.ok) throw new Error(`posting a red reading for ${sensor.code}: ${posted.status} ${posted.error}`);
      if (await arrived) result.samples.push(performance.now() - began);
      else result.timeouts++;
      const resolved = arrives(stream, stream.events.length, isResolvedFor(sensor.code), 2_000);
      await send(sensor.watch_m - 0.3);
      await resolved;
      if ((i + 1) % 50 === 0) console.log(`  latency: ${i + 1}/${samples} samples`);
    }
    return result;
  } finally {
    stream.close();
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

// ---------------------------------------------------------------------------------------------

const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');

function printTable(rows: [string, string][]): void {
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\n${'figure'.padEnd(width)}  value`);
  console.log(`${'-'.repeat(width)}  ${'-'.repeat(40)}`);
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
}

interface Setup {
  base: string;
  databaseUrl?: string;
  cleanup: Cleanup;
  serverLog?: () => string;
}

/** Whatever the options do not provide, the benchmark starts itself. */
async function setUp(options: Options, cleanup: Cleanup): Promise<Setup> {
  if (options.url) return { base: options.url, databaseUrl: options.databaseUrl, cleanup };
  let databaseUrl = options.databaseUrl;
  if (!databaseUrl) {
    console.log('starting a throwaway PostgreSQL + PostGIS cluster…');
    const cluster = startCluster('bench-flood');
    cleanup.add(cluster.stop);
    databaseUrl = cluster.url;
  }
  console.log('starting the server on it (migrations and demo data take a while)…');
  const began = Date.now();
  const server = await startServer(databaseUrl, cleanup);
  console.log(`server up at ${server.url} after ${((Date.now() - began) / 1000).toFixed(1)} s`);
  return { base: server.url, databaseUrl, cleanup, serverLog: server.log };
}

async function run(options: Options, setup: Setup): Promise<void> {
  const api = await Client.signIn(setup.base, 'admin', DEMO_PASSWORD);
  const sensors = await listSensors(api);
  const keys = new DeviceKeys(api, false);
  const rows: [string, string][] = [];

  // Two distinct ranges of the same length, ending a day before the demo data's last 24 hours.
  const span = Math.ceil(options.readings / sensors.length) * 60_000;
  const apiStart = Math.floor((Date.now() - 2 * span - 2 * DAY_MS) / 60_000) * 60_000;
  const copyStart = apiStart + span + DAY_MS;
  const db = setup.databaseUrl ? new pg.Client({ connectionString: setup.databaseUrl }) : null;
  await db?.connect();
  setup.cleanup.add(async () => {
    await db?.end();
  });
  // COPY does not create partitions: both ranges get theirs up front, so both paths find them.
  await db?.query("SELECT ensure_monthly_partitions('sensor_readings', $1, $2)", [new Date(apiStart).toISOString(), new Date(copyStart + span).toISOString()]);

  console.log(
    `(a) ${fmtInt(options.readings)} readings of ${sensors.length} sensors through POST /api/readings, batches of ${options.batch}, ${options.senders} senders…`,
  );
  const api1 = await ingestThroughApi(keys, setup.base, batches(sensors, options.readings, apiStart, options.batch), options.senders);
  const apiRate = api1.inserted / api1.seconds;
  rows.push([
    `API ingest: ${fmtInt(options.readings)} readings, batches of ${options.batch}, ${options.senders} senders`,
    `${fmtInt(apiRate)} readings/s (${api1.seconds.toFixed(1)} s; stored ${fmtInt(api1.inserted)}, duplicates ${fmtInt(api1.duplicates)}, failed batches ${api1.failures.length})`,
  ]);
  for (const failure of api1.failures.slice(0, 3)) console.log(`  failed batch: ${failure.slice(0, 300)}`);
  if (db) rows.push(['  rows in the table for the API range', fmtInt(await countRows(db, apiStart, apiStart + span))]);

  if (db) {
    console.log(`(b) the same ${fmtInt(options.readings)} rows by COPY…`);
    const seconds = await ingestByCopy(db, sensors, options.readings, copyStart);
    const copyRate = options.readings / seconds;
    rows.push(['COPY sensor_readings FROM STDIN (CSV), same row count', `${fmtInt(copyRate)} readings/s (${seconds.toFixed(1)} s)`]);
    rows.push(['  rows in the table for the COPY range', fmtInt(await countRows(db, copyStart, copyStart + span))]);
    rows.push(['API / COPY', `${(apiRate / copyRate).toFixed(3)} (COPY is ${(copyRate / apiRate).toFixed(1)}x faster)`]);
  } else {
    rows.push(['COPY sensor_readings FROM STDIN (CSV)', 'skipped: no --database-url for the running server']);
  }

  console.log(`(c) alert latency over /api/live, ${options.samples} samples…`);
  const latency = await alertLatency(api, keys, sensors, options.samples);
  if ('skipped' in latency) {
    rows.push(['SSE alert latency', `skipped: ${latency.skipped}`]);
  } else {
    const sorted = [...latency.samples].sort((a, b) => a - b);
    const ms = (p: number) => `${percentile(sorted, p).toFixed(1)}`;
    rows.push([
      `SSE alert latency, POST to event (${sorted.length} samples, ${latency.timeouts} timed out after 10 s)`,
      sorted.length ? `p50 ${ms(50)} ms, p90 ${ms(90)} ms, p99 ${ms(99)} ms, max ${sorted.at(-1)!.toFixed(1)} ms` : 'no alert event arrived',
    ]);
  }
  // Other work on the machine slows every figure: say how busy it was.
  rows.push(['machine', `${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)} (1 min) at the end`]);
  printTable(rows);
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const cleanup = new Cleanup();
  const interrupt = (code: number) => () => {
    cleanup.interrupted = true;
    console.error('\ninterrupted: cleaning up');
    void cleanup.run().then(() => process.exit(code));
  };
  process.on('SIGINT', interrupt(130));
  process.on('SIGTERM', interrupt(143));
  try {
    const setup = await setUp(options, cleanup);
    // A server of our own that failed mid-run says why in its log.
    await run(options, setup).catch((error: unknown) => {
      if (setup.serverLog && !cleanup.interrupted) console.error(`server log (tail):\n${setup.serverLog().slice(-2000)}`);
      throw error;
    });
  } catch (error) {
    // After a Ctrl-C the run fails as its server goes away: that is not worth a message.
    if (!cleanup.interrupted) throw error;
  } finally {
    await cleanup.run();
  }
}

main().catch((error: unknown) => {
  console.error(`bench-flood: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
