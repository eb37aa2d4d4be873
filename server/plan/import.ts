import type { Geometry } from 'geojson';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { z } from 'zod';
import type { Queryable } from '../db/index.ts';
import { geometry as geometrySchema } from '../http/geometry.ts';
import type { Stage } from './stages.ts';

/** One problem in an imported file: the spreadsheet row (header = row 1) and column. */
export interface ImportError { row: number; column: string; message: string }

/** Column names as e-Plan exports and Thai spreadsheets write them, mapped to ours. */
const COLUMNS: Record<string, string> = {
  code: 'code', 'project code': 'code', 'รหัสโครงการ': 'code', 'รหัส': 'code',
  fiscal_year: 'fiscal_year', 'fiscal year': 'fiscal_year', fy: 'fiscal_year', 'ปีงบประมาณ': 'fiscal_year',
  strategy: 'strategy_id', strategy_id: 'strategy_id', 'ยุทธศาสตร์': 'strategy_id',
  name: 'name_th', name_th: 'name_th', 'ชื่อโครงการ': 'name_th', name_en: 'name_en', 'ชื่อโครงการ (อังกฤษ)': 'name_en',
  division: 'division_id', division_id: 'division_id', 'หน่วยงาน': 'division_id', 'หน่วยงานที่รับผิดชอบ': 'division_id',
  budget: 'budget', 'plan budget': 'budget', 'งบประมาณ': 'budget', 'งบประมาณตามแผน': 'budget',
  approved: 'approved_amount', approved_amount: 'approved_amount', 'อนุมัติงบประมาณ': 'approved_amount',
  contract: 'contract_amount', contract_amount: 'contract_amount', 'ลงนามสัญญา': 'contract_amount',
  disbursed: 'disbursed_amount', disbursed_amount: 'disbursed_amount', 'เบิกจ่าย': 'disbursed_amount',
  as_of: 'as_of', 'as of': 'as_of', 'ข้อมูล ณ วันที่': 'as_of',
  lon: 'lon', longitude: 'lon', 'ลองจิจูด': 'lon', lat: 'lat', latitude: 'lat', 'ละติจูด': 'lat',
  location: 'location', geometry: 'location', wkt: 'location', geojson: 'location', 'ตำแหน่ง': 'location',
};
const REQUIRED = ['code', 'fiscal_year', 'strategy_id', 'name_th', 'division_id', 'budget', 'as_of'] as const;
export const MAX_IMPORT_ROWS = 5000;

/** Reads a CSV (UTF-8, with or without BOM) or the first sheet of an XLSX into rows of text. */
export async function readTable(format: 'csv' | 'xlsx', content: Buffer): Promise<string[][]> {
  if (format === 'csv') {
    return parseCsv(content, { bom: true, skip_empty_lines: true, relax_column_count: true }) as string[][];
  }
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(content as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  if (!sheet) return [];
  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, column) => {
      const value = cell.value;
      cells[column - 1] = value instanceof Date ? value.toISOString().slice(0, 10)
        : value !== null && typeof value === 'object' && 'result' in value ? String(value.result ?? '')
        : value === null || value === undefined ? '' : String(value);
    });
    rows.push(Array.from(cells, (c) => c ?? ''));
  });
  return rows;
}

const number = (text: string) => Number(text.replaceAll(',', '').trim());

/** A Buddhist-era date (2561-09-03) or a common-era one, as an ISO date. */
function isoDate(text: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim()) ?? /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text.trim());
  if (!match) return null;
  const [year, month, day] = text.includes('/') ? [match[3], match[2], match[1]] : [match[1], match[2], match[3]];
  const ce = Number(year) > 2400 ? Number(year) - 543 : Number(year);
  const iso = `${ce}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return z.iso.date().safeParse(iso).success ? iso : null;
}

/** A row with every field read, and its stage: the furthest e-Plan stage its amounts show. */
function completeRow(v: Partial<Omit<ImportedProject, 'stage'>>): ImportedProject | null {
  const { code, fiscal_year, strategy_id, division_id, name_th, name_en, budget, as_of, geometry } = v;
  if (code === undefined || fiscal_year === undefined || strategy_id === undefined || division_id === undefined
    || name_th === undefined || name_en === undefined || budget === undefined || as_of === undefined || geometry === undefined) return null;
  const approved_amount = v.approved_amount ?? null;
  const contract_amount = v.contract_amount ?? null;
  const disbursed_amount = v.disbursed_amount ?? null;
  const stage: Stage = disbursed_amount !== null ? 'disbursed' : contract_amount !== null ? 'contracted' : approved_amount !== null ? 'approved' : 'plan';
  return { code, fiscal_year, strategy_id, division_id, name_th, name_en, budget, approved_amount, contract_amount, disbursed_amount, as_of, geometry, stage };
}

/** A row that passed every check: a whole project. */
export interface ImportedProject {
  code: string; fiscal_year: number; strategy_id: string; division_id: string; name_th: string; name_en: string;
  stage: Stage; budget: number; approved_amount: number | null; contract_amount: number | null; disbursed_amount: number | null;
  as_of: string; geometry: Geometry;
}

/**
 * Checks every row and every cell, and only then says whether the file can be imported: all the
 * problems come back at once, by row and column, so a planner fixes the file in one go.
 */
export async function checkRows(
  db: Queryable, table: string[][], known: { strategies: Set<string>; divisions: Set<string> },
): Promise<{ projects: ImportedProject[]; errors: ImportError[] }> {
  const errors: ImportError[] = [];
  const [header, ...body] = table;
  if (!header) return { projects: [], errors: [{ row: 1, column: '', message: 'the file is empty' }] };
  const columns = header.map((name) => COLUMNS[name.trim().toLowerCase()] ?? COLUMNS[name.trim()] ?? null);
  header.forEach((name, i) => {
    if (name.trim() && !columns[i]) errors.push({ row: 1, column: name, message: 'unknown column' });
  });
  for (const needed of REQUIRED) {
    if (!columns.includes(needed)) errors.push({ row: 1, column: needed, message: 'missing column' });
  }
  const hasPlace = columns.includes('location') || (columns.includes('lon') && columns.includes('lat'));
  if (!hasPlace) errors.push({ row: 1, column: 'location', message: 'needs a location column (WKT or GeoJSON), or lon and lat' });
  if (body.length > MAX_IMPORT_ROWS) errors.push({ row: 1, column: '', message: `more than ${MAX_IMPORT_ROWS} rows` });
  if (errors.length) return { projects: [], errors };

  const projects: ImportedProject[] = [];
  const codes = new Map<string, number>();
  for (const [index, cells] of body.entries()) {
    const row = index + 2;
    const cell = (column: string) => (cells[columns.indexOf(column)] ?? '').trim();
    const fail = (column: string, message: string) => errors.push({ row, column, message });
    const v: Partial<Omit<ImportedProject, 'stage'>> = {};

    const code = cell('code');
    if (!/^[A-Za-z0-9-]{1,32}$/.test(code)) fail('code', 'letters, digits and "-", at most 32');
    else if (codes.has(code)) fail('code', `also on row ${codes.get(code)}`);
    else { codes.set(code, row); v.code = code; }

    const fy = Number(cell('fiscal_year'));
    if (!Number.isInteger(fy) || fy < 2500 || fy > 2700) fail('fiscal_year', 'a Buddhist-era year such as 2561');
    else v.fiscal_year = fy;

    const strategy = cell('strategy_id').toUpperCase();
    if (!known.strategies.has(strategy)) fail('strategy_id', `no strategy "${cell('strategy_id')}"`);
    else v.strategy_id = strategy;

    const division = cell('division_id');
    if (!known.divisions.has(division)) fail('division_id', `no division "${division}"`);
    else v.division_id = division;

    const name = cell('name_th');
    if (!name || name.length > 300) fail('name_th', 'a name of at most 300 characters');
    else { v.name_th = name; v.name_en = cell('name_en') || name; }

    const amounts = ['budget', 'approved_amount', 'contract_amount', 'disbursed_amount'] as const;
    for (const column of amounts) {
      const text = cell(column);
      if (text === '' && column !== 'budget') { v[column] = null; continue; }
      const amount = number(text);
      if (!Number.isFinite(amount) || amount < 0 || amount > 1e12 || text === '') fail(column, 'an amount in baht, 0 or more');
      else v[column] = Math.round(amount * 100) / 100;
    }

    const asOf = isoDate(cell('as_of'));
    if (!asOf) fail('as_of', 'a date such as 2561-09-03 or 2018-09-03');
    else v.as_of = asOf;

    const geometry = await locate(db, cell('location'), cell('lon'), cell('lat'));
    if ('problem' in geometry) fail(geometry.column, geometry.problem);
    else v.geometry = geometry.geometry;

    const complete = completeRow(v);
    if (complete && errors.every((e) => e.row !== row)) projects.push(complete);
  }
  return { projects: errors.length ? [] : projects, errors };
}

/** A row's place: lon/lat, GeoJSON or WKT, converted and checked by PostGIS. */
async function locate(db: Queryable, location: string, lon: string, lat: string): Promise<{ geometry: Geometry } | { problem: string; column: string }> {
  let candidate: unknown;
  let column = 'location';
  if (location.startsWith('{')) {
    try { candidate = JSON.parse(location); } catch { return { problem: 'not valid GeoJSON', column }; }
  } else if (location) {
    try {
      const [row] = await db.query<{ g: string }>('SELECT ST_AsGeoJSON(ST_GeomFromText($1, 4326), 9) AS g', [location]);
      candidate = JSON.parse(row?.g ?? 'null');
    } catch (error) {
      return { problem: `not valid WKT: ${(error as Error).message}`, column };
    }
  } else {
    column = lon ? 'lat' : 'lon';
    if (!lon || !lat) return { problem: 'no location: give lon and lat, or a location', column };
    candidate = { type: 'Point', coordinates: [number(lon), number(lat)] };
    column = 'lon';
  }
  const parsed = geometrySchema.safeParse(candidate);
  if (!parsed.success) return { problem: parsed.error.issues[0]?.message ?? 'not a geometry', column };
  const [check] = await db.query<{ valid: boolean; reason: string }>(
    'SELECT ST_IsValid(g) AS valid, ST_IsValidReason(g) AS reason FROM ST_GeomFromGeoJSON($1) AS g', [JSON.stringify(parsed.data)]);
  if (!check?.valid) return { problem: `invalid geometry: ${check?.reason ?? 'unreadable'}`, column };
  return { geometry: parsed.data };
}
