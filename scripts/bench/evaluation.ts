/**
 * The plan evaluation by zone and by community on PostGIS, at the demo's 519 FY2561 projects
 * and at 10× (5,190): through the server's HTTP API as a signed-in executive (p50/p99), and its
 * SQL alone, stored shares (what `evaluate()` runs) against the shares recomputed at every
 * request (the statement as it was before migration 011, copied below), prepared, JIT off, on
 * the same data in the same run. Both must give the same figures, or the part fails.
 */
import { loadavg } from 'node:os';
import pg from 'pg';
import { evaluate } from '../../server/plan/queries/evaluation.ts';
import type { Queryable } from '../../server/db/index.ts';
import type { Statement } from '../../server/db/types.ts';
import { startServer } from '../../tests/support/server.ts';
import { Client, expectBody } from '../lib/client.ts';
import { startCluster } from '../lib/cluster.ts';
import type { BenchPart, Figure } from './figures.ts';

const HTTP_SAMPLES = 200;
/** The recomputed statement takes about 0.3 s at 10×: fewer samples keep the part short. */
const SQL_SAMPLES = 40;
const TIMES = 10;

// The statement by zone or community as it was before migration 011, copied as it was (SHARES,
// totals and placed computed for every project of every plan and year at every request).
const PLACES = {
  zone: { key: 'z.id::text', name: 'z', join: 'LEFT JOIN zones z ON z.id = sh.zone_id' },
  community: { key: 'c.id::text', name: 'c', join: 'LEFT JOIN communities c ON c.id = sh.community_id' },
} as const;
const pct = (part: string, whole: string) => `trunc(100 * (${part})::numeric / nullif((${whole})::numeric, 0), 2)::float8`;
const recomputedText = (by: 'zone' | 'community') => {
  const { key, name, join } = PLACES[by];
  const w = 'sh.share::numeric';
  const reached = (stages: string) => `coalesce(sum(${w}) FILTER (WHERE p.stage IN (${stages})), 0)`;
  const amount = (column: string) => `coalesce(round(sum(${w} * p.${column}), 2), 0)`;
  const status = (value: string) => `coalesce(sum(${w}) FILTER (WHERE p.status = '${value}'), 0)::float8`;
  return `
    WITH shares AS (
      SELECT p.id AS project_id, c.id AS community_id, c.zone_id,
             CASE ST_Dimension(p.geom)
               WHEN 0 THEN 1.0 / (SELECT count(*) FROM communities c2 WHERE ST_Intersects(c2.geom, p.geom))
               WHEN 1 THEN ST_Length(ST_Intersection(c.geom, p.geom, 1e-9)::geography) / nullif(ST_Length(p.geom::geography), 0)
               ELSE ST_Area(ST_Intersection(c.geom, p.geom, 1e-9)::geography) / nullif(ST_Area(p.geom::geography), 0)
             END AS share
      FROM projects p JOIN communities c ON ST_Intersects(c.geom, p.geom)
    ),
    totals AS (
      SELECT p.id AS project_id, coalesce(sum(s.share), 0) AS total
      FROM projects p LEFT JOIN shares s ON s.project_id = p.id GROUP BY p.id
    ),
    placed AS (
      SELECT s.project_id, s.community_id, s.zone_id,
             s.share / CASE WHEN t.total >= 0.999 THEN t.total ELSE 1 END AS share
      FROM shares s JOIN totals t USING (project_id)
      UNION ALL
      SELECT project_id, NULL, NULL, 1 - total FROM totals WHERE total < 0.999
    ),
    rows AS (
      SELECT ${key} AS key, ${name}.name_th AS name_th, ${name}.name_en AS name_en,
             coalesce(sum(${w}), 0) AS plan_count,
             ${reached("'approved', 'contracted', 'disbursed'")} AS approved_count,
             ${reached("'contracted', 'disbursed'")} AS contract_count,
             ${reached("'disbursed'")} AS disbursed_count,
             ${amount('budget')} AS budget, ${amount('approved_amount')} AS approved_amount,
             ${amount('contract_amount')} AS contract_amount, ${amount('disbursed_amount')} AS disbursed_amount,
             ${status('awaiting_report')} AS awaiting_report, ${status('in_progress')} AS in_progress,
             ${status('completed')} AS completed, ${status('not_possible')} AS not_possible
      FROM projects p
      JOIN strategies s ON s.id = p.strategy_id
      JOIN missions m ON m.id = s.mission_id
      JOIN plans pl ON pl.id = m.plan_id
      JOIN divisions d ON d.id = p.division_id
      JOIN placed sh ON sh.project_id = p.id
      ${join}
      WHERE ($1::text IS NULL OR pl.id = $1)
        AND ($2::int IS NULL OR p.fiscal_year = $2)
        AND ($3::int[] IS NULL OR sh.zone_id = ANY($3))
      GROUP BY 1, 2, 3)
    SELECT key, name_th, name_en,
           plan_count::float8, approved_count::float8, contract_count::float8, disbursed_count::float8,
           budget::float8, approved_amount::float8, contract_amount::float8, disbursed_amount::float8,
           ${pct('approved_count', 'plan_count')} AS approved_pct,
           ${pct('contract_count', 'approved_count')} AS contracted_pct,
           ${pct('disbursed_count', 'contract_count')} AS disbursed_pct,
           ${pct('approved_amount', 'budget')} AS approved_budget_pct,
           ${pct('contract_amount', 'approved_amount')} AS contract_approved_pct,
           ${pct('disbursed_amount', 'contract_amount')} AS disbursed_contract_pct,
           ${pct('disbursed_amount', 'budget')} AS disbursed_budget_pct,
           awaiting_report, in_progress, completed, not_possible
    FROM rows
    ORDER BY length(key), key`;
};

const PARAMS = ['KK-2561-2564', 2561, null];

/** The statement `evaluate()` runs for a grouping (caught on its way to the database), and the recomputing one. */
async function statements(by: 'zone' | 'community'): Promise<{ stored: Statement; recomputed: Statement }> {
  let caught: Statement | undefined;
  const catcher: Queryable = {
    query: async <Row>(sql: string | Statement) => {
      if (typeof sql !== 'string') caught = sql;
      return [] as Row[];
    },
    exec: async () => {},
  };
  await evaluate(catcher, by, { plan: 'KK-2561-2564', fy: 2561, zones: null });
  if (!caught) throw new Error('evaluate() ran no prepared statement');
  return { stored: caught, recomputed: { name: `bench_recomputed_${by}`, text: recomputedText(by) } };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

/** Runs `once` `n` times one after the other (after a few unmeasured runs); p50 and p99 in ms. */
async function timed(n: number, once: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 5; i++) await once();
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await once();
    ms.push(performance.now() - start);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p99: percentile(ms, 99) };
}

/** The same rows, keys in the same order and every figure equal to within float rounding. */
function sameFigures(a: Record<string, unknown>[], b: Record<string, unknown>[]): boolean {
  return (
    a.length === b.length &&
    a.every((row, i) =>
      Object.entries(row).every(([k, v]) => {
        const w = b[i]?.[k];
        return typeof v === 'number' && typeof w === 'number' ? Math.abs(v - w) <= 1e-6 * Math.max(1, Math.abs(v)) : v === w;
      }),
    )
  );
}

interface Measured {
  http: { p50: number; p99: number };
  stored: { p50: number; p99: number };
  recomputed: { p50: number; p99: number };
}

async function measure(sql: pg.Client, executive: Client, by: 'zone' | 'community'): Promise<Measured> {
  const { stored, recomputed } = await statements(by);
  const run = async (s: Statement) => (await sql.query({ name: s.name, text: s.text, values: PARAMS })).rows as Record<string, unknown>[];
  if (!sameFigures(await run(stored), await run(recomputed))) throw new Error(`by ${by}: stored and recomputed shares give different figures`);
  return {
    http: await timed(HTTP_SAMPLES, () => expectBody(executive.api.evaluation.$get({ query: { plan: 'KK-2561-2564', fy: '2561', by } }))),
    stored: await timed(SQL_SAMPLES, () => run(stored)),
    recomputed: await timed(SQL_SAMPLES, () => run(recomputed)),
  };
}

/**
 * 9 copies of every FY2561 project, each moved by up to ±0.0015° (about 160 m) so its shares
 * differ, kept where it was if the move would take it out of the city. Inserted as any writer
 * would: the triggers compute the copies' shares.
 */
const GROW = `
  INSERT INTO projects (code, fiscal_year, strategy_id, division_id, name_th, name_en, stage, budget,
                        approved_amount, contract_amount, disbursed_amount, as_of, status, note, geom)
  SELECT p.code || '-x' || k, p.fiscal_year, p.strategy_id, p.division_id, p.name_th, p.name_en, p.stage, p.budget,
         p.approved_amount, p.contract_amount, p.disbursed_amount, p.as_of, p.status, p.note,
         CASE WHEN ST_Covers(m.geom, moved) THEN moved ELSE p.geom END
  FROM projects p CROSS JOIN generate_series(1, ${TIMES - 1}) AS k CROSS JOIN municipality m
  CROSS JOIN LATERAL ST_Translate(p.geom, 0.003 * (random() - 0.5), 0.003 * (random() - 0.5)) AS moved
  WHERE p.fiscal_year = 2561 AND p.geom IS NOT NULL`;

const detail = (m: { p50: number; p99: number }) => `p50 ${m.p50.toFixed(1)} ms, p99 ${m.p99.toFixed(1)} ms`;

export const evaluationBench: BenchPart = async () => {
  const cluster = startCluster('mueang-bench-evaluation');
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  const sql = new pg.Client({ connectionString: cluster.url, options: '-c jit=off' });
  try {
    // A demo server seeds the city; the product's connections run with JIT off, and so does `sql`.
    // VACUUM ANALYZE after seeding and after growing: autovacuum would otherwise do it (and change
    // plans) in the middle of a measurement.
    server = await startServer({ DATABASE_URL: cluster.url, MUEANG_MODE: 'demo' });
    await sql.connect();
    await sql.query('VACUUM ANALYZE');
    const executive = await Client.signIn(server.url, 'executive');
    const load = loadavg()[0]!;
    const [{ n: projects1 }] = (await sql.query('SELECT count(*)::int AS n FROM projects WHERE fiscal_year = 2561')).rows;
    const zone1 = await measure(sql, executive, 'zone');
    const community1 = await measure(sql, executive, 'community');

    await sql.query('SELECT setseed(0.11)');
    const growStart = performance.now();
    await sql.query(GROW);
    const growMs = performance.now() - growStart;
    await sql.query('VACUUM ANALYZE');
    const [{ n: projects10 }] = (await sql.query('SELECT count(*)::int AS n FROM projects WHERE fiscal_year = 2561')).rows;
    const zone10 = await measure(sql, executive, 'zone');
    const community10 = await measure(sql, executive, 'community');

    // The machine is shared: its load while measuring is part of every timing.
    const at = `${projects10} FY2561 projects; load average ${load.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after`;
    return [
      { what: `evaluation by zone, HTTP p99 (PostGIS, 10×)`, value: zone10.http.p99, unit: 'ms', target: { max: 30 }, detail: `${detail(zone10.http)}; ${at}` },
      {
        what: `evaluation by community, HTTP p99 (PostGIS, 10×)`,
        value: community10.http.p99,
        unit: 'ms',
        target: { max: 30 },
        detail: `${detail(community10.http)}; ${at}`,
      },
      {
        what: 'evaluation by zone, HTTP p50: 10× ÷ 1×',
        value: zone10.http.p50 / zone1.http.p50,
        unit: '×',
        detail: `1× (${projects1} projects) ${detail(zone1.http)}; by community ${(community10.http.p50 / community1.http.p50).toFixed(2)}×; no target: the stored shares are summed, so it grows with the projects of the year, less than 10× while fixed costs weigh`,
      },
      ...(
        [
          ['zone', zone1, zone10],
          ['community', community1, community10],
        ] as const
      ).flatMap(([by, one, ten]) => [
        {
          what: `evaluation by ${by}, SQL p50: recomputed ÷ stored shares (10×)`,
          value: ten.recomputed.p50 / ten.stored.p50,
          unit: '×',
          detail: `stored ${detail(ten.stored)}; recomputed ${detail(ten.recomputed)}; at 1×: stored ${one.stored.p50.toFixed(1)} ms, recomputed ${one.recomputed.p50.toFixed(1)} ms p50`,
        } satisfies Figure,
      ]),
      {
        what: 'shares stored by the triggers for 9 new copies of each FY2561 project',
        value: growMs / (projects10 - projects1),
        unit: 'ms/project',
        detail: `${(projects10 - projects1).toLocaleString('en')} projects in one INSERT: ${(growMs / 1000).toFixed(1)} s`,
      },
    ];
  } finally {
    await sql.end().catch(() => {});
    await server?.stop();
    cluster.stop();
  }
};
