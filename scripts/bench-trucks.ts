/**
 * Do trucks' positions stay cheap at a year's scale? Fills truck_positions with T trucks, a fix
 * every 10 s, for M months (60 trucks for a year is about 190 million rows), on a throwaway
 * PostgreSQL + PostGIS with the real server in demo mode, then measures through the HTTP API:
 * (a) one truck-day's replay (GET /api/trucks/:code/track), (b) the daily pickup report
 * (GET /api/waste/summary?by=zone), (c) ingest through POST /api/truck-positions against COPY into
 * the same table (the ceiling), and (d) what advancing the trips and stops costs at ingest: 5,000
 * positions stored with and without it, in the same run.
 *
 *   node --import tsx scripts/bench-trucks.ts [--trucks 60] [--months 1] [--runs 21]
 *     [--database-url postgres://…]
 *
 * Without --database-url it starts a throwaway cluster (scripts/throwaway-postgis.sh) and removes
 * it afterwards; with it, that database must be empty (the server migrates and seeds it). The
 * filled months end a day before the demo's own positions begin. About 0.2 GB of
 * disk per million rows: check `df -h /tmp` first.
 */
import { cpus, loadavg } from 'node:os';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DEMO_PASSWORD } from '../server/auth/passwords.ts';
import { bangkokDate } from '../server/clock.ts';
import { readConfig } from '../server/config.ts';
import type { Queryable } from '../server/db/index.ts';
import { advanceMotion } from '../server/waste/queries/motion.ts';
import { insertPositions, type Position } from '../server/waste/queries/positions.ts';
import { answer, Client, expectBody } from './lib/client.ts';
import { startCluster } from './lib/cluster.ts';
import { parseOptions } from './lib/options.ts';
import { Cleanup, startServer } from './lib/server.ts';

const DAY_MS = 86_400_000;
const FIX_S = 10;
const FIXES_PER_DAY = 86_400 / FIX_S;
/** What a year at the target scale holds: 60 trucks, a fix every 10 s. */
const YEAR_ROWS = 60 * FIXES_PER_DAY * 365;
const rules = readConfig({}).waste.trips;

interface Options {
  trucks: number;
  months: number;
  runs: number;
  databaseUrl?: string;
}

function parseArgs(argv: string[]): Options {
  const named = parseOptions(argv, ['trucks', 'months', 'runs', 'database-url']);
  const positive = (name: string, fallback: number) => {
    const value = Number(named.get(name) ?? fallback);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
    return value;
  };
  return { trucks: positive('trucks', 60), months: positive('months', 1), runs: positive('runs', 21), databaseUrl: named.get('database-url') };
}

const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
};
const seconds = async (work: () => Promise<unknown>) => {
  const began = performance.now();
  await work();
  return (performance.now() - began) / 1000;
};

/** The project's data functions take a Queryable: one pg client is one. */
const queryable = (db: pg.Client): Queryable => ({
  query: async (sql, params) => (await db.query(typeof sql === 'string' ? sql : sql.text, params as unknown[])).rows,
  exec: async (sql) => {
    await db.query(sql);
  },
});

/**
 * The trucks the benchmark adds beside the demo's: ids up to `last`, spread over the zones, so
 * trucks 1..T make the fleet and the ones above serve the ingest measurements.
 */
async function addTrucks(db: pg.Client, last: number): Promise<void> {
  await db.query(
    `INSERT INTO trucks (id, code, plate, name_th, name_en, zone_id)
     SELECT n, 'T' || lpad(n::text, 2, '0'), 'BENCH-' || n, 'รถทดสอบ ' || n, 'Bench truck ' || n, 1 + n % (SELECT count(*) FROM zones)
     FROM generate_series(1, $1) AS n ON CONFLICT (id) DO NOTHING`,
    [last],
  );
}

/**
 * Every truck drives 5 minutes at 24 km/h round a 3 km circle and stands 10 minutes, phase
 * shifted per truck, so the motion rules find a trip and a stop every quarter hour. Rows come
 * time-major (every truck's fix of one instant, then the next), as live ingest writes them, so
 * one truck's day is spread over the heap as it would be in service.
 */
const FILL = `
  INSERT INTO truck_positions (truck_id, recorded_at, speed_kmh, heading_deg, geom)
  SELECT truck, t, CASE WHEN phase < 300 THEN 24 ELSE 0 END, mod(degrees(angle)::numeric + 90, 360),
         ST_SetSRID(ST_MakePoint(102.83 + 3000 * cos(angle) / 106700, 16.43 + 3000 * sin(angle) / 110700), 4326)
  FROM generate_series(0, $2::bigint * $3::int - 1) AS i
  CROSS JOIN LATERAL (SELECT $1::timestamptz + (i / $3::int) * interval '${FIX_S} seconds' AS t, (i % $3::int + 1)::smallint AS truck) AS g
  CROSS JOIN LATERAL (SELECT (extract(epoch FROM t)::bigint + truck * 37) % 900 AS phase, (extract(epoch FROM t)::bigint + truck * 37) / 900 AS lap) AS p
  CROSS JOIN LATERAL (SELECT (lap * 300 + least(phase, 300)) * (24 / 3.6) / 3000.0 AS angle) AS a`;

async function fill(db: pg.Client, trucks: number, from: number, days: number): Promise<number> {
  await db.query("SELECT ensure_monthly_partitions('truck_positions', $1, $2)", [new Date(from).toISOString(), new Date(from + days * DAY_MS).toISOString()]);
  let rows = 0;
  const began = Date.now();
  for (let d = 0; d < days; d++) {
    const result = await db.query(FILL, [new Date(from + d * DAY_MS).toISOString(), FIXES_PER_DAY, trucks]);
    rows += result.rowCount ?? 0;
    if (d % 5 === 4 || d === days - 1) console.log(`  day ${d + 1}/${days}: ${fmtInt(rows)} rows, ${fmtInt(rows / ((Date.now() - began) / 1000))} rows/s`);
  }
  return rows;
}

/** A truck's fixes every 10 s from `from`, moving and standing as the fill's. */
function fixesOf(code: string, from: number, count: number): (Position & { truck: string })[] {
  return Array.from({ length: count }, (_, k) => {
    const phase = (k * FIX_S) % 900;
    const angle = ((Math.floor((k * FIX_S) / 900) * 300 + Math.min(phase, 300)) * (24 / 3.6)) / 3000;
    return {
      truck: code,
      time: new Date(from + k * FIX_S * 1000).toISOString(),
      lon: 102.83 + (3000 * Math.cos(angle)) / 106700,
      lat: 16.43 + (3000 * Math.sin(angle)) / 110700,
      speed_kmh: phase < 300 ? 24 : 0,
      heading_deg: 0,
    };
  });
}

function printTable(rows: [string, string][]): void {
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\n${'figure'.padEnd(width)}  value`);
  console.log(`${'-'.repeat(width)}  ${'-'.repeat(40)}`);
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
}

async function run(options: Options, base: string, databaseUrl: string, cleanup: Cleanup): Promise<void> {
  const db = new pg.Client({ connectionString: databaseUrl, options: '-c jit=off' });
  await db.connect();
  cleanup.add(() => db.end());
  const rows: [string, string][] = [];
  const admin = await Client.signIn(base, 'admin', DEMO_PASSWORD);

  // Trucks 1..T: the fleet; the next 10 ingest through the API, 10 more take the COPY, 10 more the motion cost.
  const ingestTrucks = Array.from({ length: 10 }, (_, k) => options.trucks + 1 + k);
  const copyTrucks = ingestTrucks.map((n) => n + 10);
  const motionTrucks = ingestTrucks.map((n) => n + 20);
  await addTrucks(db, options.trucks + 30);

  // The fill ends a day before the demo's own positions begin (a week of them, up to now): the
  // two never share a truck and a moment.
  const [{ earliest } = { earliest: null }] = (await db.query<{ earliest: Date | null }>('SELECT min(recorded_at) AS earliest FROM truck_positions')).rows;
  const demoFrom = Date.parse(`${bangkokDate(earliest ?? new Date())}T00:00:00+07:00`);
  const days = options.months * 30;
  const fillFrom = demoFrom - (days + 1) * DAY_MS;
  console.log(`(0) filling truck_positions: ${options.trucks} trucks, a fix every ${FIX_S} s, ${days} days…`);
  const fillS = await seconds(async () => {
    rows.push(['rows filled (INSERT … SELECT generate_series)', fmtInt(await fill(db, options.trucks, fillFrom, days))]);
  });
  rows.push(['  fill time', `${fillS.toFixed(0)} s`]);
  await db.query('ANALYZE truck_positions');
  const [{ total, bytes } = { total: '0', bytes: '0' }] = (
    await db.query<{ total: string; bytes: string }>(
      `SELECT (SELECT sum(reltuples)::bigint FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid WHERE i.inhparent = 'truck_positions'::regclass)::text AS total,
              (SELECT sum(pg_total_relation_size(i.inhrelid)) FROM pg_inherits i WHERE i.inhparent = 'truck_positions'::regclass)::text AS bytes`,
    )
  ).rows;
  rows.push([
    'rows in truck_positions (estimate)',
    `${fmtInt(Number(total))} in ${options.months}+ monthly partitions, ${(Number(bytes) / 1e9).toFixed(2)} GB with indexes`,
  ]);

  // The replay's truck gets its trips and stops the way ingest makes them, over its whole history
  // at once: from the start of the fill (a demo truck's state is already past it: it rewinds).
  const replayTruck = Math.ceil(options.trucks / 2);
  const replayCode = `T${String(replayTruck).padStart(2, '0')}`;
  const motionS = await seconds(() => advanceMotion(queryable(db), replayTruck, rules, new Date(fillFrom).toISOString()));
  const [{ segments } = { segments: 0 }] = (
    await db.query<{ segments: number }>('SELECT count(*)::int AS segments FROM truck_segments WHERE truck_id = $1', [replayTruck])
  ).rows;
  rows.push([`motion of ${replayCode} from scratch, ${fmtInt(days * FIXES_PER_DAY)} fixes`, `${motionS.toFixed(1)} s, ${fmtInt(segments)} trips and stops`]);

  console.log(`(a) replay of one truck-day, ${options.runs} runs…`);
  const date = bangkokDate(new Date(fillFrom + Math.floor(days / 2) * DAY_MS));
  const replay = () => expectBody(admin.api.trucks[':code'].track.$get({ param: { code: replayCode }, query: { date } }));
  const first = await replay();
  const replayMs: number[] = [];
  for (let k = 0; k < options.runs; k++) replayMs.push((await seconds(replay)) * 1000);
  rows.push([
    `GET /api/trucks/${replayCode}/track?date=${date} (${first.track.t.length} fixes, ${first.trips.length} trips, ${first.stops.length} stops)`,
    `median ${median(replayMs).toFixed(1)} ms, p90 ${percentile(replayMs, 90).toFixed(1)} ms (target < 200 ms)`,
  ]);

  console.log('(b) the daily pickup report…');
  const summary = () => answer(admin.raw('GET', `waste/summary?date=${date}&by=zone`));
  const probe = await summary();
  if (probe.status === 404) {
    // Issue 13 splits the work: the report is the ROUNDS helper's; measured here once it is merged.
    rows.push(['GET /api/waste/summary?by=zone', 'skipped: not on this branch yet (ROUNDS); measured once merged']);
  } else {
    const summaryMs: number[] = [];
    for (let k = 0; k < options.runs; k++) summaryMs.push((await seconds(summary)) * 1000);
    rows.push([
      `GET /api/waste/summary?date=${date}&by=zone (status ${probe.status})`,
      `median ${median(summaryMs).toFixed(1)} ms, p90 ${percentile(summaryMs, 90).toFixed(1)} ms`,
    ]);
  }

  // (c) 60,000 positions: 10 trucks x 6,000, batches of 1,000 (one truck's 2.8 h), 4 senders at once.
  const perTruck = 6000;
  const batch = 1000;
  const apiFrom = fillFrom - 3 * DAY_MS;
  console.log(`(c) ingest: ${fmtInt(perTruck * ingestTrucks.length)} positions through the API, then by COPY…`);
  const keys = new Map<number, string>();
  for (const n of ingestTrucks) {
    const code = `T${String(n).padStart(2, '0')}`;
    keys.set(n, (await expectBody(admin.api.devices.$post({ json: { kind: 'truck', code } }), 201)).key);
  }
  const queue = ingestTrucks.flatMap((n) => {
    const fixes = fixesOf(`T${String(n).padStart(2, '0')}`, apiFrom, perTruck);
    return Array.from({ length: perTruck / batch }, (_, k) => ({ n, positions: fixes.slice(k * batch, (k + 1) * batch) }));
  });
  // Each truck's batches in time order (a sender takes a truck's next batch only after its previous one).
  const byTruck = new Map(ingestTrucks.map((n) => [n, queue.filter((q) => q.n === n)]));
  let inserted = 0;
  const apiS = await seconds(() =>
    Promise.all(
      [0, 1, 2, 3].map(async (sender) => {
        for (const n of ingestTrucks.filter((_, k) => k % 4 === sender)) {
          const device = Client.device(base, keys.get(n) as string);
          for (const { positions } of byTruck.get(n) ?? []) {
            // Awaited first, then added: `inserted += await …` would add to a stale total.
            const answered = await expectBody(device.api['truck-positions'].$post({ json: { positions } }));
            inserted += answered.inserted;
          }
        }
      }),
    ),
  );
  const apiRate = inserted / apiS;
  rows.push([
    `API ingest, batches of ${batch}, 4 senders (motion advanced in each)`,
    `${fmtInt(apiRate)} positions/s (${apiS.toFixed(1)} s, ${fmtInt(inserted)} stored)`,
  ]);

  const copyFromAt = apiFrom - DAY_MS;
  const csv = copyTrucks.flatMap((n) =>
    fixesOf('', copyFromAt, perTruck).map((p) => `${n},${p.time},${p.speed_kmh},${p.heading_deg},SRID=4326;POINT(${p.lon} ${p.lat})\n`),
  );
  await db.query("SELECT ensure_monthly_partitions('truck_positions', $1, $2)", [
    new Date(copyFromAt).toISOString(),
    new Date(copyFromAt + DAY_MS).toISOString(),
  ]);
  const copyS = await seconds(() =>
    pipeline(Readable.from(csv), db.query(copyFrom('COPY truck_positions (truck_id, recorded_at, speed_kmh, heading_deg, geom) FROM STDIN (FORMAT csv)'))),
  );
  const copyRate = csv.length / copyS;
  rows.push(['COPY truck_positions FROM STDIN, same row count (no motion)', `${fmtInt(copyRate)} positions/s (${copyS.toFixed(1)} s)`]);
  rows.push(['API / COPY', `${(apiRate / copyRate).toFixed(3)} (COPY ${(copyRate / apiRate).toFixed(1)}x faster)`]);

  // (d) 5,000 positions of one truck in one transaction, stored alone or with the motion advanced;
  // alternated, each run on a truck of its own, so neither side gets the warmer cache.
  console.log('(d) motion cost at ingest: 5,000 positions with and without advancing…');
  const plain: number[] = [];
  const advanced: number[] = [];
  const tx = queryable(db);
  for (const [k, n] of motionTrucks.entries()) {
    const fixes = fixesOf('', apiFrom, 5000);
    const withMotion = k % 2 === 1;
    const s = await seconds(async () => {
      await db.query('BEGIN');
      await insertPositions(tx, n, fixes);
      if (withMotion) await advanceMotion(tx, n, rules, fixes[0]?.time);
      await db.query('COMMIT');
    });
    (withMotion ? advanced : plain).push(s * 1000);
  }
  rows.push(['5,000 positions stored, without motion', `median ${median(plain).toFixed(0)} ms (${plain.length} runs)`]);
  rows.push(['5,000 positions stored, with motion advanced', `median ${median(advanced).toFixed(0)} ms (${advanced.length} runs)`]);
  rows.push(['with / without', `${(median(advanced) / median(plain)).toFixed(2)}`]);

  // What a year holds: 190 M rows in 12 monthly partitions of the same size as the one filled here.
  const perMonth = Number(total) / options.months;
  rows.push([
    'extrapolation to 190 M rows (60 trucks, 10 s, 365 days)',
    `${fmtInt(YEAR_ROWS)} rows = ${(YEAR_ROWS / perMonth).toFixed(1)} x this run's months; a truck-day is still one primary-key range of ${fmtInt(FIXES_PER_DAY)} rows in one partition`,
  ]);
  rows.push(['machine', `${cpus().length} cores, load average ${loadavg()[0]?.toFixed(1)} (1 min) at the end`]);
  printTable(rows);
  console.log(`
Why a replay does not grow with the table: the day's fixes are found by partition pruning (the day
names one month: the other partitions are never opened) and then one descent of that partition's
(truck_id, recorded_at) B-tree, log(rows in the partition), followed by a scan of the day's
${fmtInt(FIXES_PER_DAY)} entries. A month's partition is as large at 190 M rows as here (only the
number of partitions grows, 12 a year), so the descent is as deep; the segments are one index probe
on (truck_id, started_at). Its cost is the day's rows, not the table's: at 190 M rows expect the
median above, plus a little planning for 12 partitions instead of ${options.months + 1}.`);
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
    let databaseUrl = options.databaseUrl;
    if (!databaseUrl) {
      console.log('starting a throwaway PostgreSQL + PostGIS cluster…');
      const cluster = startCluster('bench-trucks');
      cleanup.add(cluster.stop);
      databaseUrl = cluster.url;
    }
    console.log('starting the server on it (migrations and demo data take a while)…');
    const server = await startServer(databaseUrl, cleanup);
    console.log(`server up at ${server.url}`);
    await run(options, server.url, databaseUrl, cleanup).catch((error: unknown) => {
      if (!cleanup.interrupted) console.error(`server log (tail):\n${server.log().slice(-2000)}`);
      throw error;
    });
  } catch (error) {
    if (!cleanup.interrupted) throw error;
  } finally {
    await cleanup.run();
  }
}

main().catch((error: unknown) => {
  console.error(`bench-trucks: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
