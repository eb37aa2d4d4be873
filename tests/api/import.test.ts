import ExcelJS from 'exceljs';
import type { InferRequestType } from 'hono/client';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { BodyOf } from '../../web/api/core.ts';
import { Client, expectBody } from '../support/client.ts';

const engines = inject('engines');

type Api = Client['api'];
type Row = BodyOf<Awaited<ReturnType<Api['evaluation']['$get']>>>['rows'][number];
/** `POST /api/projects/import` as `client` sends it. */
const importFile = (client: Client, json: InferRequestType<Api['projects']['import']['$post']>['json']) => client.api.projects.import.$post({ json });
/** A file refused for its rows: the 400 that lists every problem (not one refusing the request itself). */
async function refusedRows(request: ReturnType<typeof importFile>) {
  const body = await expectBody(request, 400);
  if (!('errors' in body)) throw new Error(`expected the file's problems, got: ${body.error}`);
  return body;
}
const HEADER = 'รหัสโครงการ,ปีงบประมาณ,ยุทธศาสตร์,ชื่อโครงการ,หน่วยงาน,งบประมาณตามแผน,อนุมัติงบประมาณ,ลงนามสัญญา,เบิกจ่าย,ข้อมูล ณ วันที่,ลองจิจูด,ละติจูด,ตำแหน่ง';
const base64 = (text: string | Buffer) => Buffer.from(text).toString('base64');

describe.each(engines)('project import on $engine', ({ engine, url }) => {
  let planner: Client;
  let auditor: Client;
  const prefix = `IMP-${engine === 'postgis' ? 'P' : 'E'}${Date.now() % 1e6}`;
  // Zone 2 (north-east) and zone 4 (south-west), FY2562 so the FY2561 figures stay as the report's.
  const good = [
    `${prefix}-1,2562,S4,ก่อสร้างถนน คสล. ซอยทดสอบ,engineering,"1,500,000.00",1450000,1400000,,2562-03-31,102.8450,16.4450,`,
    `${prefix}-2,2562,S5,ปรับปรุงสวนหย่อม,health,250000,,,,2019-03-31,,,"POLYGON((102.8100 16.4150,102.8110 16.4150,102.8110 16.4160,102.8100 16.4160,102.8100 16.4150))"`,
  ];
  const bad = `${prefix}-3,2562,S99,โครงการผิด,nobody,-5,,,,31/02/2562,16.44,102.84,`;
  const zoneRows = async (fy = '2562') => (await expectBody(new Client(url).api.evaluation.$get({ query: { fy, by: 'zone' } }))).rows;
  const count = async () => (await expectBody(new Client(url).api.projects.$get({ query: {} }))).features.length;

  beforeAll(async () => {
    planner = await Client.signIn(url, 'planner');
    auditor = await Client.signIn(url, 'auditor');
  });

  it('refuses a file with a bad row, lists every problem by row and column, and changes nothing', async () => {
    const before = { projects: await count(), zones: await zoneRows() };
    const csv = [HEADER, ...good, bad].join('\n');
    const refusal = await refusedRows(importFile(planner, { format: 'csv', content: base64(csv) }));
    expect(refusal.field).toBe('file');
    expect(refusal.errors.map((e) => `${e.row}:${e.column}`).sort()).toEqual(
      ['4:ข้อมูล ณ วันที่', '4:งบประมาณตามแผน', '4:หน่วยงาน', '4:ลองจิจูด', '4:ยุทธศาสตร์'].sort(),
    );
    expect(await count()).toBe(before.projects);
    expect(await zoneRows()).toEqual(before.zones);
  });

  it('imports the fixed file, and the zone figures follow', async () => {
    const before = await zoneRows();
    const csv = `\uFEFF${[HEADER, ...good].join('\r\n')}`;
    expect(await expectBody(importFile(planner, { format: 'csv', content: base64(csv), filename: 'eplan.csv' }))).toMatchObject({ created: 2, updated: 0 });
    const after = await zoneRows();
    const of = (rows: Row[], zone: string) => rows.find((r) => r.key === zone) ?? { plan_count: 0, budget: 0 };
    expect(of(after, '2').plan_count - of(before, '2').plan_count).toBeCloseTo(1, 6);
    expect(of(after, '2').budget - of(before, '2').budget).toBeCloseTo(1_500_000, 2);
    expect(of(after, '4').plan_count - of(before, '4').plan_count).toBeCloseTo(1, 6);
    const project = (await expectBody(planner.api.projects.$get({ query: { fy: '2562', zone: '2' } }))).features.find(
      (f) => f.properties.code === `${prefix}-1`,
    );
    expect(project?.properties).toMatchObject({ stage: 'contracted', as_of: '2019-03-31' });
    const [entry] = await expectBody(auditor.api.audit.$get({ query: { action: 'import', limit: '1' } }));
    expect(entry).toMatchObject({ action: 'import', after: { created: 2, filename: 'eplan.csv' } });
  });

  it('updates projects it already has, from an XLSX file', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('e-Plan');
    sheet.addRow(HEADER.split(','));
    sheet.addRow([`${prefix}-1`, 2562, 'S4', 'ก่อสร้างถนน คสล. ซอยทดสอบ', 'engineering', 1500000, 1450000, 1400000, 1390000, '2562-06-30', 102.845, 16.445, '']);
    const file = Buffer.from(await workbook.xlsx.writeBuffer());
    expect(await expectBody(importFile(planner, { format: 'xlsx', content: base64(file) }))).toMatchObject({ created: 0, updated: 1 });
    const [entry] = await expectBody(auditor.api.audit.$get({ query: { entity: 'project', action: 'update', limit: '1' } }));
    expect(entry).toMatchObject({ before: { stage: 'contracted' }, after: { stage: 'disbursed' } });
  });

  it('is for planners and administrators only', async () => {
    const engineer = await Client.signIn(url, 'engineer');
    expect((await importFile(engineer, { format: 'csv', content: base64(HEADER) })).status).toBe(403);
    expect((await importFile(new Client(url), { format: 'csv', content: base64(HEADER) })).status).toBe(401);
  });

  it('says what is wrong with a file it cannot read', async () => {
    const missing = await refusedRows(importFile(planner, { format: 'csv', content: base64('code,name\nX,Y') }));
    expect(missing.errors.map((e) => e.column)).toEqual(expect.arrayContaining(['fiscal_year', 'strategy', 'budget']));
    expect(await expectBody(importFile(planner, { format: 'xlsx', content: base64('not a workbook') }), 400)).toMatchObject({ field: 'content' });
  });

  it('reports malformed, 3-D, out-of-Thailand and invalid places by row and column, with the other problems, never a 500', async () => {
    const before = await count();
    const place = (n: number, location: string) =>
      `${prefix}-W${n},2562,S4,ถนนทดสอบ ${n},engineering,100000,,,,2562-03-31,,,"${location.replaceAll('"', '""')}"`;
    const csv = [
      HEADER,
      place(1, 'POINT(102.83 16.43'),
      place(2, 'HELLO'),
      place(3, 'POINT Z (102.83 16.43 1)'),
      place(4, '{"type":"Point","coordinates":[102.84,16.40,1]}'),
      place(5, 'POINT(16.43 102.83)'),
      place(6, 'POLYGON((102.81 16.41,102.82 16.42,102.82 16.41,102.81 16.42,102.81 16.41))'),
      place(7, 'LINESTRING(102.83 16.43, 102.84)'),
      `${prefix}-W8,2562,S4,ถนนทดสอบ 8,nobody,100000,,,,2562-03-31,102.84,16.44,`,
      `${prefix}-W9,2562,S4,ถนน\u0000ทดสอบ,engineering,100000,,,,2562-03-31,102.84,16.44,`,
    ].join('\n');
    const refusal = await refusedRows(importFile(planner, { format: 'csv', content: base64(csv) }));
    expect(refusal.field).toBe('file');
    const problems = refusal.errors.map((e) => `${e.row}:${e.column}`);
    expect(problems).toEqual(['2:ตำแหน่ง', '3:ตำแหน่ง', '4:ตำแหน่ง', '5:ตำแหน่ง', '6:ตำแหน่ง', '7:ตำแหน่ง', '8:ตำแหน่ง', '9:หน่วยงาน', '10:ชื่อโครงการ']);
    const message = (row: number) => refusal.errors.find((e) => e.row === row)?.message;
    expect(message(2)).toMatch(/not valid WKT/);
    expect(message(3)).toMatch(/not valid WKT.*POINT/);
    expect(message(4)).toMatch(/3-D/);
    expect(message(5)).toMatch(/3-D/);
    expect(message(6)).toMatch(/outside Thailand/);
    expect(message(7)).toMatch(/invalid geometry: Self-intersection/i);
    expect(message(10)).toMatch(/NUL/);
    expect(await count()).toBe(before);
  });

  it("speaks the file's language: divisions by name, strategies by number, problems under the file's headers with what is accepted", async () => {
    const row = (n: number, strategy: string, division: string) =>
      `${prefix}-L${n},2563,${strategy},ภาษาไฟล์ ${n},${division},100000,,,,2563-01-15,102.845,16.445,`;
    const wrong = await refusedRows(importFile(planner, { format: 'csv', content: base64([HEADER, row(1, 'ยุทธศาสตร์ที่ 99', 'กองช่าง')].join('\n')) }));
    const [strategy, division] = wrong.errors;
    expect(strategy).toMatchObject({ row: 2, column: 'ยุทธศาสตร์' });
    expect(strategy?.message).toMatch(/unknown strategy "ยุทธศาสตร์ที่ 99"; accepted: S1, S2, .*S10/);
    expect(strategy?.accepted).toHaveLength(10);
    expect(division).toMatchObject({ row: 2, column: 'หน่วยงาน' });
    expect(division?.message).toMatch(/unknown division "กองช่าง"; accepted: .*สำนักการช่าง/);
    expect(division?.accepted).toContain('สำนักการช่าง');
    expect(wrong.error).toMatch(/row 2, ยุทธศาสตร์: unknown strategy/);

    const csv = [
      HEADER,
      row(1, '1', 'สำนักการช่าง'),
      row(2, 'ยุทธศาสตร์ที่ ๔', 'Engineering Bureau'),
      row(3, 's5', ' สำนักการคลัง '),
      row(4, 'ยุทธศาสตร์ที่ 10 พัฒนาโครงสร้างและศักยภาพองค์กร', 'engineering'),
      row(5, 'S6', 'สำนักการศึกษา'),
    ].join('\n');
    await expectBody(importFile(planner, { format: 'csv', content: base64(csv) }));
    const stored = (await expectBody(planner.api.projects.$get({ query: { fy: '2563' } }))).features
      .filter((f) => f.properties.code.startsWith(`${prefix}-L`))
      .map((f) => [f.properties.code.slice(-2), f.properties.strategy_id, f.properties.division_id]);
    expect(stored).toEqual([
      ['L1', 'S1', 'engineering'],
      ['L2', 'S4', 'engineering'],
      ['L3', 'S5', 'finance'],
      ['L4', 'S10', 'engineering'],
      ['L5', 'S6', 'education'],
    ]);

    // An English file: problems under its English headers, names accepted in English.
    const english =
      'code,fiscal_year,strategy,name,division,budget,as_of,longitude,latitude\n' +
      `${prefix}-L9,2563,Strategy 4,road,Works Department,100,2020-01-15,102.845,abc`;
    const refusal = await refusedRows(importFile(planner, { format: 'csv', content: base64(english) }));
    expect(refusal.errors.map((e) => e.column)).toEqual(['division', 'latitude']);
    expect(refusal.errors[0]?.accepted).toContain('Engineering Bureau');
  });

  it('imports rows without a place (counted under "no place", listed by the checks), and keeps a place a row leaves out', async () => {
    const zonesBefore = await zoneRows('2563');
    // An e-Plan export as it comes: no place columns at all.
    const eplan = [
      'รหัสโครงการ,ปีงบประมาณ,ยุทธศาสตร์,ชื่อโครงการ,หน่วยงาน,งบประมาณตามแผน,ข้อมูล ณ วันที่',
      `${prefix}-N1,2563,4,ไม่มีตำแหน่ง,สำนักการช่าง,"250,000",2563-01-15`,
    ].join('\n');
    expect(await expectBody(importFile(planner, { format: 'csv', content: base64(eplan) }))).toMatchObject({ created: 1 });
    // A file with place columns, one row empty there; and a placed project (L1, above) re-imported without one.
    const mixed = [
      HEADER,
      `${prefix}-N2,2563,S4,ไม่มีตำแหน่งเช่นกัน,engineering,50000,,,,2563-01-15,,,`,
      `${prefix}-L1,2563,S1,ภาษาไฟล์ 1,engineering,120000,,,,2563-01-15,,,`,
    ].join('\n');
    expect(await expectBody(importFile(planner, { format: 'csv', content: base64(mixed) }))).toMatchObject({ created: 1, updated: 1 });
    const zonesAfter = await zoneRows('2563');
    const of = (rows: Row[], key: string | null) => rows.find((r) => r.key === key) ?? { plan_count: 0, budget: 0 };
    expect(of(zonesAfter, null).plan_count - of(zonesBefore, null).plan_count).toBeCloseTo(2, 6);
    expect(of(zonesAfter, null).budget - of(zonesBefore, null).budget).toBeCloseTo(300_000, 2);
    expect(of(zonesAfter, '2').budget - of(zonesBefore, '2').budget).toBeCloseTo(20_000, 2); // L1 kept its place in zone 2
    const { findings } = await expectBody(new Client(url).api.evaluation.checks.$get({ query: { fy: '2563' } }));
    const unplaced = findings.find((f) => f.rule === 'missing-geometry')?.projects ?? [];
    expect(unplaced).toEqual(expect.arrayContaining([`${prefix}-N1`, `${prefix}-N2`]));
    expect(unplaced).not.toContain(`${prefix}-L1`);
  });
});
