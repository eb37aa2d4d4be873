import { parse as parseCsv } from 'csv-parse/sync';
import type { InferRequestType } from 'hono/client';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { BodyOf } from '../../web/api/core.ts';
import { Client, expectBody } from '../support/client.ts';
import { type ProjectGeometry, testProject } from '../support/projects.ts';

const engines = inject('engines');

type Api = Client['api'];
type Query = InferRequestType<Api['evaluation']['$get']>['query'];
type Row = BodyOf<Awaited<ReturnType<Api['evaluation']['$get']>>>['rows'][number];

/** The plan's evaluation as a client may read it, and the checks of its figures. */
const evaluationOf = (client: Client, query: Query) => expectBody(client.api.evaluation.$get({ query }));
const checksOf = async (client: Client, query: InferRequestType<Api['evaluation']['checks']['$get']>['query']) =>
  (await expectBody(client.api.evaluation.checks.$get({ query }))).findings;

// Table T3 of the FY2561 M&E report, as printed: chained count ratios, truncated to 2 decimals.
const T3 = {
  M1: [44.44, 81.25, 92.3],
  M2: [18.96, 54.54, 100],
  M3: [64.38, 87.23, 100],
  M4: [72.38, 64.47, 100],
} as const;

describe.each(engines)('plan evaluation on $engine', ({ url }) => {
  const anyone = new Client(url);
  const evaluation = async (query: Query) => {
    const answer = await evaluationOf(anyone, query);
    // Every grouping has a total: the plan's own figures.
    expect(answer.total).not.toBeNull();
    return { ...answer, total: answer.total! };
  };

  it('reproduces every percentage of table T3 from the project records', async () => {
    const { rows, total, fiscal_year } = await evaluation({ plan: 'KK-2561-2564', fy: '2561', by: 'mission' });
    expect(fiscal_year).toBe(2561);
    for (const [mission, printed] of Object.entries(T3)) {
      const row = rows.find((r) => r.key === mission)!;
      expect([row.approved_pct, row.contracted_pct, row.disbursed_pct], mission).toEqual(printed);
    }
    expect([total.approved_pct, total.contracted_pct]).toEqual([44.31, 73.04]);
    // The printed 93.37 cannot be reproduced: the records give 167 of 168.
    expect([total.disbursed_count, total.contract_count, total.disbursed_pct]).toEqual([167, 168, 99.4]);
    expect([total.plan_count, total.budget, total.disbursed_amount]).toEqual([519, 1_912_200_999, 307_510_881.73]);
  });

  it('adds the amount ratios, strategy by strategy', async () => {
    const { rows } = await evaluation({ plan: 'KK-2561-2564', fy: '2561', by: 'strategy' });
    expect(rows.map((r) => r.key)).toEqual(['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7', 'S8', 'S9', 'S10']);
    const s1 = rows[0]!;
    expect(s1).toMatchObject({ plan_count: 5, approved_amount: 17_120_000, contract_amount: 15_972_912.37, disbursed_amount: 220_000 });
    // 220,000 / 17,920,000 = 1.2276… → 1.22, truncated as the official figures are.
    expect(s1.disbursed_budget_pct).toBe(1.22);
  });

  it('flags what the printed report got wrong', async () => {
    const findings = await checksOf(anyone, { plan: 'KK-2561-2564', fy: '2561' });
    const find = (rule: string, scope: string, measure?: string) =>
      findings.find((f) => f.rule === rule && f.scope === scope && (measure === undefined || f.measure === measure));
    expect(find('printed-figure', 'total', 'disbursed_count')).toMatchObject({ expected: 167, found: 155 });
    expect(find('printed-figure', 'total', 'disbursed_pct')).toMatchObject({ expected: 99.4, found: 93.37 });
    expect(find('printed-arithmetic', 'total', 'disbursed_pct')).toMatchObject({ expected: 92.26, found: 93.37 });
    const s7 = find('amount-order', 'S7', 'disbursed_amount')!;
    expect(s7).toMatchObject({ expected: 130_509_276, found: 130_522_276 });
    expect(s7.message_th).toMatch(/เบิกจ่ายสูงกว่าวงเงินตามสัญญา 13,000/);
    // Every other printed figure agrees with the records.
    expect(
      findings
        .filter((f) => f.rule === 'printed-figure')
        .map((f) => f.measure)
        .sort(),
    ).toEqual(['disbursed_count', 'disbursed_pct']);
    expect(findings.filter((f) => f.rule === 'outside-city')).toEqual([]);
  });

  it("loads the FY2565 integrity rows as they are, with the document's totals", async () => {
    const { total, rows } = await evaluation({ plan: 'KK-INTEGRITY-2561-2565', fy: '2565', by: 'strategy' });
    expect(total).toMatchObject({ plan_count: 76, budget: 24_133_880, disbursed_amount: 12_822_399.5, disbursed_budget_pct: 53.13 });
    expect(total).toMatchObject({ in_progress: 2, completed: 56, not_possible: 18 });
    expect(rows.map((r) => [r.key, r.plan_count, r.budget])).toEqual([
      ['D1', 28, 19_249_080],
      ['D2', 23, 675_400],
      ['D3', 18, 4_134_400],
      ['D4', 7, 75_000],
    ]);
    const findings = await checksOf(anyone, { plan: 'KK-INTEGRITY-2561-2565', fy: '2565' });
    expect(findings.filter((f) => f.rule === 'stage-order').map((f) => f.scope)).toEqual(['2565-INT-047', '2565-INT-061']);
    expect(findings.find((f) => f.measure === 'completed')).toMatchObject({ expected: 56, found: 54 });
    expect(findings.find((f) => f.rule === 'missing-geometry')?.projects).toHaveLength(76);
  });

  it("splits the city by zone and community from the projects' geometry, adding up to the whole", async () => {
    const { rows: zones, total } = await evaluation({ fy: '2561', by: 'zone' });
    expect(zones.map((z) => z.key)).toEqual(['1', '2', '3', '4']);
    const sum = (rows: Row[], key: keyof Row) => rows.reduce((s, r) => s + (r[key] as number), 0);
    expect(sum(zones, 'plan_count')).toBeCloseTo(519, 6);
    expect(sum(zones, 'budget')).toBeCloseTo(total.budget, 0);
    const { rows: communities } = await evaluation({ fy: '2561', by: 'community' });
    expect(sum(communities, 'plan_count')).toBeCloseTo(519, 6);
    expect(communities.length).toBeGreaterThan(80);
  });

  it('evaluates one zone strategy by strategy', async () => {
    const { rows, total } = await evaluation({ fy: '2561', by: 'strategy', zone: '3' });
    const zone3 = (await evaluation({ fy: '2561', by: 'zone' })).rows.find((r) => r.key === '3')!;
    expect(total.plan_count).toBeCloseTo(zone3.plan_count, 6);
    expect(rows.reduce((s, r) => s + r.plan_count, 0)).toBeCloseTo(zone3.plan_count, 6);
    expect((await expectBody(anyone.api.evaluation.$get({ query: { zone: '9' } }), 400)).field).toBe('zone');
  });

  it('covers only the zones of a zone-scoped user', async () => {
    const engineer = await Client.signIn(url, 'engineer-z1');
    const mine = await evaluationOf(engineer, { fy: '2561', by: 'zone' });
    expect(mine.rows.map((r) => r.key)).toEqual(['1']);
    const all = await evaluation({ fy: '2561', by: 'zone' });
    expect(mine.total?.plan_count).toBeCloseTo(all.rows[0]!.plan_count, 6);
    expect((await evaluationOf(engineer, { fy: '2561', by: 'strategy', zone: '2' })).rows).toEqual([]);
  });

  it('exports the evaluation as CSV with Thai headers, and as a printable Form 2', async () => {
    const csv = await anyone.api.evaluation['export.csv'].$get({ query: { plan: 'KK-2561-2564', fy: '2561', by: 'mission' } });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const rows = parseCsv(Buffer.from(await csv.arrayBuffer()), { bom: true }) as string[][];
    expect(rows[0]!.slice(0, 4)).toEqual(['รหัส', 'ชื่อ', 'จำนวนโครงการตามแผน', 'งบประมาณตามแผน (บาท)']);
    const header = rows[0]!;
    const m2 = rows.find((r) => r[0] === 'M2')!;
    expect(m2[header.indexOf('ร้อยละอนุมัติ (ของโครงการตามแผน)')]).toBe('18.96');
    expect(rows.at(-1)![0]).toBe('รวม');
    expect(rows.at(-1)![header.indexOf('จำนวนโครงการตามแผน')]).toBe('519');

    const form = await anyone.api.evaluation.form2.$get({ query: { plan: 'KK-2561-2564', fy: '2561' } });
    expect(form.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await form.text();
    expect(html).toContain('แบบที่ 2 แบบติดตามผลการดำเนินงาน');
    expect(html).toContain('3 กันยายน 2561');
    for (const printed of ['44.31', '73.04', '92.30', '18.96', '54.54']) expect(html).toContain(printed);
    expect(html).toContain('1,912,200,999.00');
  });

  it.each<[string, Query, string]>([
    // `as never`: a grouping the route's schema does not know.
    ['by=everything', { by: 'everything' as never }, 'by'],
    ['plan=NOPE', { plan: 'NOPE' }, 'plan'],
    ['fy=2599', { fy: '2599' }, 'fy'],
    ['fy=soon', { fy: 'soon' }, 'fy'],
  ])('refuses %s, naming %s', async (_name, query, field) => {
    expect(await expectBody(anyone.api.evaluation.$get({ query }), 400)).toMatchObject({ field });
  });
});

// FY2564 holds only what these tests create, so the FY2561 figures stay as the printed report's.
describe.each(engines)('projects without a place, or outside the city, on $engine', ({ engine, url }) => {
  let planner: Client;
  const prefix = `NP-${engine === 'postgis' ? 'P' : 'E'}${Date.now() % 1e6}`;
  const project = (code: string, budget: number, geometry?: ProjectGeometry) =>
    testProject({ prefix, fiscalYear: 2564, asOf: '2021-01-15' }, code, budget, geometry);
  const byZone = async () => {
    const { rows, total } = await evaluationOf(new Client(url), { fy: '2564', by: 'zone' });
    const of = (key: string | null) => rows.find((r) => r.key === key) ?? { plan_count: 0, budget: 0 };
    return { rows, total: total!, of };
  };
  const findings = async (rule: string) => (await checksOf(new Client(url), { fy: '2564' })).find((f) => f.rule === rule)?.projects ?? [];
  const sum = (rows: Row[], key: 'plan_count' | 'budget') => rows.reduce((s, r) => s + r[key], 0);
  beforeAll(async () => {
    planner = await Client.signIn(url, 'planner');
  });

  it('creates a project without a place, counts it under "no place", and lists it in the checks', async () => {
    const before = await byZone();
    const created = await expectBody(planner.api.projects.$post({ json: project('none', 1_000_000) }), 201);
    expect(created).toMatchObject({ geometry: null, properties: { zone_id: null } });
    const param = { id: String(created!.properties.id) };
    const after = await byZone();
    expect(after.of(null).plan_count - before.of(null).plan_count).toBeCloseTo(1, 6);
    expect(after.of(null).budget - before.of(null).budget).toBeCloseTo(1_000_000, 2);
    expect(await findings('missing-geometry')).toContain(`${prefix}-none`);

    // Placed, then unplaced again: `geometry: null` clears the place.
    const placed = await expectBody(planner.api.projects[':id'].$patch({ param, json: { geometry: { type: 'Point', coordinates: [102.845, 16.445] } } }));
    expect(placed?.properties.zone_id).toBe(2);
    expect(await findings('missing-geometry')).not.toContain(`${prefix}-none`);
    const cleared = await expectBody(planner.api.projects[':id'].$patch({ param, json: { geometry: null } }));
    expect(cleared).toMatchObject({ geometry: null, properties: { zone_id: null } });
    expect(await findings('missing-geometry')).toContain(`${prefix}-none`);
  });

  it('counts a project wholly outside the city under "no place", and the part of one outside too', async () => {
    const before = await byZone();
    // Ban Thum, some 20 km west of the city: in Thailand, outside the municipality.
    await expectBody(planner.api.projects.$post({ json: project('out', 2_000_000, { type: 'Point', coordinates: [102.65, 16.45] }) }), 201);
    // A road from zone 2 out of the city to the east: part of it is outside.
    await expectBody(
      planner.api.projects.$post({
        json: project('across', 3_000_000, {
          type: 'LineString',
          coordinates: [
            [102.845, 16.445],
            [102.95, 16.445],
          ],
        }),
      }),
      201,
    );
    const after = await byZone();
    // Zones plus "no place" add up to the city's total, and the point's whole budget is under "no place".
    expect(sum(after.rows, 'plan_count')).toBeCloseTo(after.total.plan_count, 6);
    expect(sum(after.rows, 'budget')).toBeCloseTo(after.total.budget, 0);
    const noPlace = after.of(null).plan_count - before.of(null).plan_count;
    expect(noPlace).toBeGreaterThan(1.5); // the point (1) and most of the line, which runs mostly outside
    expect(noPlace).toBeLessThan(2);
    expect(after.of(null).budget - before.of(null).budget).toBeGreaterThan(2_000_000 + 1_500_000);
    expect(await findings('outside-city')).toEqual(expect.arrayContaining([`${prefix}-out`, `${prefix}-across`]));
  });
});

describe.each(engines)('plan outline on $engine', ({ url }) => {
  let outline: BodyOf<Awaited<ReturnType<Api['plan']['$get']>>>;
  beforeAll(async () => {
    outline = await expectBody(new Client(url).api.plan.$get({ query: {} }));
  });
  it("lists both plans and the development plan's strategies", () => {
    expect(outline.plans.map((p) => [p.id, p.kind])).toEqual([
      ['KK-2561-2564', 'development'],
      ['KK-INTEGRITY-2561-2565', 'integrity'],
    ]);
    expect(outline.strategies).toHaveLength(10);
    expect(outline.fiscal_years).toContain(2561);
  });
  it('lists what an import accepts: divisions by name, the columns, the row limit', () => {
    expect(outline.divisions).toContainEqual({ id: 'engineering', name_th: 'สำนักการช่าง', name_en: 'Engineering Bureau' });
    expect(outline.import.columns.division_id).toEqual(expect.arrayContaining(['หน่วยงาน', 'division']));
    expect(outline.import.max_rows).toBe(5000);
  });
});
