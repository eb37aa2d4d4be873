import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { Client } from '../support/client.ts';

const engines = inject('engines');

interface Row { key: string | null; plan_count: number; budget: number }
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
  const zoneRows = async () => {
    const response = await new Client(url).get<{ rows: Row[] }>('evaluation?fy=2562&by=zone');
    expect(response.status).toBe(200);
    return response.body.rows;
  };
  const count = async () => (await new Client(url).get<{ features: unknown[] }>('projects')).body.features.length;

  beforeAll(async () => {
    planner = await Client.signIn(url, 'planner');
    auditor = await Client.signIn(url, 'auditor');
  });

  it('refuses a file with a bad row, lists every problem by row and column, and changes nothing', async () => {
    const before = { projects: await count(), zones: await zoneRows() };
    const csv = [HEADER, ...good, bad].join('\n');
    const response = await planner.post<{ field: string; errors: { row: number; column: string }[] }>('projects/import', { format: 'csv', content: base64(csv) });
    expect(response.status).toBe(400);
    expect(response.body.field).toBe('file');
    expect(response.body.errors.map((e) => `${e.row}:${e.column}`).sort()).toEqual(
      ['4:ข้อมูล ณ วันที่', '4:งบประมาณตามแผน', '4:หน่วยงาน', '4:ลองจิจูด', '4:ยุทธศาสตร์'].sort());
    expect(await count()).toBe(before.projects);
    expect(await zoneRows()).toEqual(before.zones);
  });

  it('imports the fixed file, and the zone figures follow', async () => {
    const before = await zoneRows();
    const csv = `\uFEFF${[HEADER, ...good].join('\r\n')}`;
    const response = await planner.post<{ created: number; updated: number }>('projects/import', { format: 'csv', content: base64(csv), filename: 'eplan.csv' });
    expect(response.body).toMatchObject({ created: 2, updated: 0 });
    const after = await zoneRows();
    const of = (rows: Row[], zone: string) => rows.find((r) => r.key === zone) ?? { plan_count: 0, budget: 0 };
    expect(of(after, '2').plan_count - of(before, '2').plan_count).toBeCloseTo(1, 6);
    expect(of(after, '2').budget - of(before, '2').budget).toBeCloseTo(1_500_000, 2);
    expect(of(after, '4').plan_count - of(before, '4').plan_count).toBeCloseTo(1, 6);
    const project = (await planner.get<{ features: { properties: { code: string; stage: string; as_of: string } }[] }>('projects?fy=2562&zone=2'))
      .body.features.find((f) => f.properties.code === `${prefix}-1`);
    expect(project?.properties).toMatchObject({ stage: 'contracted', as_of: '2019-03-31' });
    const [entry] = (await auditor.get<{ action: string; after: { created: number; filename: string } }[]>('audit?action=import&limit=1')).body;
    expect(entry).toMatchObject({ action: 'import', after: { created: 2, filename: 'eplan.csv' } });
  });

  it('updates projects it already has, from an XLSX file', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('e-Plan');
    sheet.addRow(HEADER.split(','));
    sheet.addRow([`${prefix}-1`, 2562, 'S4', 'ก่อสร้างถนน คสล. ซอยทดสอบ', 'engineering', 1500000, 1450000, 1400000, 1390000, '2562-06-30', 102.845, 16.445, '']);
    const file = Buffer.from(await workbook.xlsx.writeBuffer());
    const response = await planner.post<{ created: number; updated: number }>('projects/import', { format: 'xlsx', content: base64(file) });
    expect(response.body).toMatchObject({ created: 0, updated: 1 });
    const [entry] = (await auditor.get<{ before: { stage: string }; after: { stage: string } }[]>(`audit?entity=project&action=update&limit=1`)).body;
    expect([entry?.before.stage, entry?.after.stage]).toEqual(['contracted', 'disbursed']);
  });

  it('is for planners and administrators only', async () => {
    const engineer = await Client.signIn(url, 'engineer');
    expect((await engineer.post('projects/import', { format: 'csv', content: base64(HEADER) })).status).toBe(403);
    expect((await new Client(url).post('projects/import', { format: 'csv', content: base64(HEADER) })).status).toBe(401);
  });

  it('says what is wrong with a file it cannot read', async () => {
    const missing = await planner.post<{ errors: { column: string; message: string }[] }>('projects/import', { format: 'csv', content: base64('code,name\nX,Y') });
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e) => e.column)).toEqual(expect.arrayContaining(['fiscal_year', 'strategy', 'budget']));
    const notXlsx = await planner.post<{ field: string }>('projects/import', { format: 'xlsx', content: base64('not a workbook') });
    expect(notXlsx).toMatchObject({ status: 400, body: { field: 'content' } });
  });
});
