/**
 * Does monthly partitioning keep reading queries fast at scale? Fills two scratch tables shaped
 * like sensor_readings, one plain and one partitioned by month like migration 008's, with S
 * sensors x D days at one reading a minute, and times the queries the flood desk runs on both.
 * Both get migration 008's indexes: the (sensor_id, recorded_at) primary key and a BRIN index
 * on recorded_at.
 *
 *   node --import tsx scripts/bench-readings.ts [--sensors 200] [--days 365] [--runs 11]
 *     [--database-url postgres://…]
 *
 * Without --database-url it starts a throwaway PostgreSQL + PostGIS cluster
 * (scripts/throwaway-postgis.sh) and removes it afterwards; with it, it creates and drops its
 * scratch tables (bench_plain, bench_part*) in that database.
 */
import { cpus, loadavg } from 'node:os';
import pg from 'pg';
import { startCluster } from './lib/cluster.ts';
import { parseOptions } from './lib/options.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

interface Options {
  sensors: number;
  days: number;
  runs: number;
  databaseUrl?: string;
}

function parseArgs(argv: string[]): Options {
  const named = parseOptions(argv, ['sensors', 'days', 'runs', 'database-url']);
  const positive = (name: string, fallback: number) => {
    const value = Number(named.get(name) ?? fallback);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
    return value;
  };
  return { sensors: positive('sensors', 200), days: positive('days', 365), runs: positive('runs', 11), databaseUrl: named.get('database-url') };
}

/** UTC month starts covering [from, to). */
function monthStarts(from: Date, to: Date): Date[] {
  const months: Date[] = [];
  for (let m = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), 1)); m < to; m = new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1))) {
    months.push(m);
  }
  return months;
}

const nextMonth = (m: Date) => new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1));
const partitionName = (m: Date) => `bench_part_${m.toISOString().slice(0, 7).replace('-', '')}`;
const COLUMNS = `sensor_id smallint NOT NULL, recorded_at timestamptz NOT NULL, level_m double precision NOT NULL,
                 rain_mm double precision, battery_v double precision`;

async function createTables(db: pg.Client, months: Date[]): Promise<void> {
  await db.query('DROP TABLE IF EXISTS bench_plain, bench_part');
  await db.query(`CREATE TABLE bench_plain (${COLUMNS})`);
  await db.query(`CREATE TABLE bench_part (${COLUMNS}) PARTITION BY RANGE (recorded_at)`);
  for (const m of months) {
    await db.query(`CREATE TABLE ${partitionName(m)} PARTITION OF bench_part FOR VALUES FROM ('${m.toISOString()}') TO ('${nextMonth(m).toISOString()}')`);
  }
}

/**
 * One month of readings in the order live ingest writes them (minute by minute, every sensor
 * in each minute), so one sensor's rows are spread over the heap as they would be in service.
 * The rows come from one series, row i being minute i / S and sensor i % S + 1: a join of a
 * series of minutes and one of sensors leaves the order to the planner, which puts the short
 * series of sensors outside and so writes the rows sensor by sensor.
 */
async function fillMonth(db: pg.Client, table: string, from: Date, to: Date, sensors: number): Promise<number> {
  const minutes = Math.round((to.getTime() - from.getTime()) / MINUTE_MS);
  const result = await db.query(
    `INSERT INTO ${table} (sensor_id, recorded_at, level_m, rain_mm, battery_v)
     SELECT s, t, 1.0 + 0.6 * sin(extract(epoch FROM t) / 21600.0 + s),
            greatest(0, 8 * sin(extract(epoch FROM t) / 86400.0 + 0.7 * s)),
            12.2 + 0.5 * cos(extract(epoch FROM t) / 604800.0 + s)
     FROM generate_series(0, $2::bigint * $3::int - 1) AS i
     CROSS JOIN LATERAL (SELECT $1::timestamptz + (i / $3::int) * interval '1 minute' AS t, (i % $3::int + 1)::int AS s) AS g`,
    [from.toISOString(), minutes, sensors],
  );
  return result.rowCount ?? 0;
}

/**
 * Loads a table month by month, then builds its primary key and its BRIN index on recorded_at
 * (as migration 008 has): building an index once after the load is several times faster than
 * keeping it up to date row by row, and packs the key as tightly as PostgreSQL's split
 * heuristics keep an index grown by ascending per-sensor inserts.
 */
async function loadTable(db: pg.Client, table: string, start: Date, end: Date, months: Date[], sensors: number, log: (line: string) => void): Promise<void> {
  let rows = 0;
  const began = Date.now();
  for (const [i, m] of months.entries()) {
    const from = m < start ? start : m;
    const to = nextMonth(m) > end ? end : nextMonth(m);
    rows += await fillMonth(db, table, from, to, sensors);
    const seconds = (Date.now() - began) / 1000;
    log(`  ${table}: month ${i + 1}/${months.length} (${m.toISOString().slice(0, 7)}), ${fmtInt(rows)} rows, ${fmtInt(rows / seconds)} rows/s`);
  }
  const indexed = Date.now();
  await db.query(`ALTER TABLE ${table} ADD PRIMARY KEY (sensor_id, recorded_at)`);
  log(`  ${table}: primary key built in ${((Date.now() - indexed) / 1000).toFixed(0)} s`);
  const brin = Date.now();
  // On the partitioned table, this builds one on every partition.
  await db.query(`CREATE INDEX ${table}_time_brin ON ${table} USING brin (recorded_at)`);
  log(`  ${table}: BRIN index on recorded_at built in ${((Date.now() - brin) / 1000).toFixed(0)} s`);
  // Sets the visibility map too, as autovacuum would have on months-old data.
  await db.query(`VACUUM ANALYZE ${table}`);
  log(`  ${table}: vacuumed and analysed, loaded in ${((Date.now() - began) / 1000).toFixed(0)} s`);
}

interface Shape {
  name: string;
  sql: (table: string) => string;
  params: (end: Date) => unknown[];
}

/** The reads the flood desk makes; $1 is the end of the data ("now"). */
function queryShapes(sensors: number): Shape[] {
  const sensor = Math.ceil(sensors / 2);
  return [
    {
      name: 'one sensor, last 24 h, raw rows',
      sql: (t) => `SELECT recorded_at, level_m, rain_mm FROM ${t}
                   WHERE sensor_id = $2 AND recorded_at >= $1::timestamptz - interval '24 hours' AND recorded_at < $1
                   ORDER BY recorded_at`,
      params: (end) => [end.toISOString(), sensor],
    },
    {
      name: 'one sensor, last 7 d, 10-min buckets',
      sql: (t) => `SELECT date_bin('10 minutes', recorded_at, '2000-01-01'::timestamptz) AS bucket,
                          min(level_m), max(level_m), avg(level_m)
                   FROM ${t}
                   WHERE sensor_id = $2 AND recorded_at >= $1::timestamptz - interval '7 days' AND recorded_at < $1
                   GROUP BY bucket ORDER BY bucket`,
      params: (end) => [end.toISOString(), sensor],
    },
    {
      name: 'latest reading of every sensor (LATERAL)',
      sql: (t) => `SELECT s.id, r.recorded_at, r.level_m
                   FROM generate_series(1, $1::int) AS s(id)
                   CROSS JOIN LATERAL (SELECT recorded_at, level_m FROM ${t}
                                       WHERE sensor_id = s.id ORDER BY recorded_at DESC LIMIT 1) AS r`,
      params: () => [sensors],
    },
    {
      // Every sensor's rows of one time range: the BRIN index on recorded_at serves it.
      name: 'max level per sensor, last hour (GROUP BY)',
      sql: (t) => `SELECT sensor_id, max(level_m) FROM ${t}
                   WHERE recorded_at >= $1::timestamptz - interval '1 hour' AND recorded_at < $1
                   GROUP BY sensor_id`,
      params: (end) => [end.toISOString()],
    },
    {
      // The same answer written per sensor, so the (sensor_id, recorded_at) key can serve it.
      name: 'max level per sensor, last hour (LATERAL)',
      sql: (t) => `SELECT s.id, m.level_m
                   FROM generate_series(1, $2::int) AS s(id)
                   CROSS JOIN LATERAL (SELECT max(level_m) AS level_m FROM ${t}
                                       WHERE sensor_id = s.id AND recorded_at >= $1::timestamptz - interval '1 hour'
                                         AND recorded_at < $1) AS m`,
      params: (end) => [end.toISOString(), sensors],
    },
  ];
}

async function timeOnce(db: pg.Client, sql: string, params: unknown[]): Promise<number> {
  const began = process.hrtime.bigint();
  await db.query(sql, params);
  return Number(process.hrtime.bigint() - began) / 1e6;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Median of `runs` timings after one untimed run that warms the cache. */
async function timeWarm(db: pg.Client, sql: string, params: unknown[], runs: number): Promise<number> {
  await db.query(sql, params);
  const timings: number[] = [];
  for (let i = 0; i < runs; i++) timings.push(await timeOnce(db, sql, params));
  return median(timings);
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

/** The scans a plan makes, e.g. "Index Scan x1" or "Seq Scan x1, Index Scan x2": why a figure is what it is. */
async function scans(db: pg.Client, sql: string, params: unknown[]): Promise<string> {
  const [row] = (await db.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${sql}`, params)).rows;
  const counts = new Map<string, number>();
  const walk = (node: PlanNode) => {
    if (node['Relation Name']) counts.set(node['Node Type'], (counts.get(node['Node Type']) ?? 0) + 1);
    node.Plans?.forEach(walk);
  };
  walk(row!['QUERY PLAN'][0].Plan);
  return [...counts].map(([type, n]) => `${type} x${n}`).join(', ');
}

interface Sizes {
  heap: number;
  index: number;
}

/** Heap and index bytes of a table, or of all its partitions (a partitioned parent stores nothing). */
async function sizes(db: pg.Client, table: string): Promise<Sizes> {
  const [row] = (
    await db.query<{ heap: string; index: string }>(
      `SELECT sum(pg_table_size(relid))::bigint AS heap, sum(pg_indexes_size(relid))::bigint AS index
     FROM (SELECT relid FROM pg_partition_tree($1::regclass) WHERE isleaf UNION SELECT $1::regclass) AS t`,
      [table],
    )
  ).rows;
  return { heap: Number(row!.heap), index: Number(row!.index) };
}

/**
 * Removing the oldest month: the partitioned table detaches and drops its partition; the plain
 * one must delete row by row, and VACUUM then has to visit the dead rows before the space is
 * reusable (it is never given back to the file system without VACUUM FULL).
 */
async function dropOldestMonth(db: pg.Client, months: Date[]): Promise<{ rows: number; plainDelete: number; plainVacuum: number; partDrop: number }> {
  const oldest = months[0]!;
  const cutoff = nextMonth(oldest).toISOString();
  let rows = 0;
  const plainDelete = await timed(async () => {
    rows = (await db.query('DELETE FROM bench_plain WHERE recorded_at < $1', [cutoff])).rowCount ?? 0;
  });
  const plainVacuum = await timed(() => db.query('VACUUM bench_plain'));
  const partDrop = await timed(async () => {
    await db.query(`ALTER TABLE bench_part DETACH PARTITION ${partitionName(oldest)}`);
    await db.query(`DROP TABLE ${partitionName(oldest)}`);
  });
  return { rows, plainDelete, plainVacuum, partDrop };
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const began = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - began) / 1e6;
}

const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const fmtMs = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
const fmtBytes = (b: number) => (b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GB` : `${(b / 2 ** 20).toFixed(1)} MB`);

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

/** Room for a bulk load on a cluster that is ours alone: fewer checkpoints, bigger sorts. */
async function tuneThrowaway(db: pg.Client): Promise<void> {
  await db.query("ALTER SYSTEM SET max_wal_size = '8GB'");
  await db.query("ALTER SYSTEM SET checkpoint_timeout = '30min'");
  await db.query('SELECT pg_reload_conf()');
}

async function connect(url: string): Promise<pg.Client> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  await db.query("SET maintenance_work_mem = '1GB'");
  return db;
}

async function run(options: Options, url: string, ownCluster: boolean): Promise<void> {
  const end = new Date(Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS);
  const start = new Date(end.getTime() - options.days * DAY_MS);
  const months = monthStarts(start, end);
  const expected = options.sensors * options.days * 24 * 60;
  console.log(
    `${options.sensors} sensors x ${options.days} days, one reading a minute: ${fmtInt(expected)} rows per table, ${months.length} monthly partitions`,
  );
  const [plainDb, partDb] = [await connect(url), await connect(url)];
  try {
    if (ownCluster) await tuneThrowaway(plainDb);
    await createTables(plainDb, months);
    const began = Date.now();
    // Two connections: the machine's two cores load both tables at once.
    await Promise.all([
      loadTable(plainDb, 'bench_plain', start, end, months, options.sensors, console.log),
      loadTable(partDb, 'bench_part', start, end, months, options.sensors, console.log),
    ]);
    console.log(`loaded both tables in ${((Date.now() - began) / 1000).toFixed(0)} s\n`);
    await report(plainDb, options, end, months);
  } finally {
    if (!ownCluster) await plainDb.query('DROP TABLE IF EXISTS bench_plain, bench_part').catch(() => undefined);
    await Promise.all([plainDb.end(), partDb.end()]);
  }
}

async function report(db: pg.Client, options: Options, end: Date, months: Date[]): Promise<void> {
  const [plainSize, partSize] = [await sizes(db, 'bench_plain'), await sizes(db, 'bench_part')];
  console.log('Sizes');
  printTable(
    ['table', 'heap', 'indexes', 'total'],
    [
      ['bench_plain', fmtBytes(plainSize.heap), fmtBytes(plainSize.index), fmtBytes(plainSize.heap + plainSize.index)],
      [`bench_part (${months.length} partitions)`, fmtBytes(partSize.heap), fmtBytes(partSize.index), fmtBytes(partSize.heap + partSize.index)],
    ],
  );

  // Other work on the machine slows every figure: say how busy it was.
  console.log(
    `\nQueries: median of ${options.runs} warm runs, ms, measured at the client (includes sending the rows); ` +
      `${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)} at the start`,
  );
  const rows: string[][] = [];
  for (const shape of queryShapes(options.sensors)) {
    const [plainSql, partSql, params] = [shape.sql('bench_plain'), shape.sql('bench_part'), shape.params(end)];
    const plain = await timeWarm(db, plainSql, params, options.runs);
    const part = await timeWarm(db, partSql, params, options.runs);
    rows.push([shape.name, fmtMs(plain), fmtMs(part), (part / plain).toFixed(2), await scans(db, plainSql, params), await scans(db, partSql, params)]);
  }
  const drop = await dropOldestMonth(db, months);
  rows.push([
    `drop oldest month (${fmtInt(drop.rows)} rows): DELETE vs DETACH+DROP`,
    fmtMs(drop.plainDelete),
    fmtMs(drop.partDrop),
    (drop.partDrop / drop.plainDelete).toFixed(4),
    '',
    '',
  ]);
  rows.push(['  ... plus the VACUUM the DELETE needs afterwards', fmtMs(drop.plainVacuum), '-', '-', '', '']);
  printTable(['query', 'plain', 'part', 'part/plain', 'plain scans', 'part scans'], rows);
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const cluster = options.databaseUrl ? null : startCluster('bench-readings');
  const cleanUp = () => cluster?.stop();
  process.on('SIGINT', () => {
    cleanUp();
    process.exit(130);
  });
  process.on('SIGTERM', () => {
    cleanUp();
    process.exit(143);
  });
  try {
    await run(options, options.databaseUrl ?? cluster!.url, cluster !== null);
  } finally {
    cleanUp();
  }
}

main().catch((error: unknown) => {
  console.error(`bench-readings: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
