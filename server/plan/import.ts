import { Readable } from 'node:stream';
import type { Geometry } from 'geojson';
import { parse as parseCsv } from 'csv-parse';
import ExcelJS from 'exceljs';
import { z } from 'zod';
import type { Queryable } from '../db/index.ts';
import { geometry as geometrySchema } from '../http/geometry.ts';
import { geometryProblems, type References } from './queries/projects.ts';
import type { Stage } from './stages.ts';
import { parseWkt } from './wkt.ts';
import { inflateAll, ZipRefusal } from './zip.ts';

/**
 * One problem in an imported file: the spreadsheet row (header = row 1), the column as the file
 * names it, and, for a value that must be one of a list, what would have been accepted.
 */
export interface ImportError {
  row: number;
  column: string;
  message: string;
  accepted?: string[];
}

/** A file refused as a whole, before its rows are read: too big, too long, unreadable. */
export class FileRefusal extends Error {}

export const MAX_IMPORT_ROWS = 5000;
/**
 * What an XLSX may unpack to. A 5,000-row e-Plan sheet unpacks to about 4 MB; a few hundred KB
 * of upload could otherwise unpack to gigabytes (a "ZIP bomb").
 */
const MAX_XLSX_UNPACKED_BYTES = 20 * 1024 * 1024;
/** Cells ExcelJS may build: 5,000 rows of 50 columns. Its memory grows with cells, not bytes. */
const MAX_XLSX_CELLS = MAX_IMPORT_ROWS * 50;

type Field =
  | 'code'
  | 'fiscal_year'
  | 'strategy_id'
  | 'name_th'
  | 'name_en'
  | 'division_id'
  | 'budget'
  | 'approved_amount'
  | 'contract_amount'
  | 'disbursed_amount'
  | 'as_of'
  | 'lon'
  | 'lat'
  | 'location';

/**
 * The columns an e-Plan export or a Thai spreadsheet may carry: the Thai header, the English
 * one, then other spellings met in real files. Problems are reported under the file's own header.
 */
export const IMPORT_COLUMNS: Record<Field, [th: string, en: string, ...others: string[]]> = {
  code: ['รหัสโครงการ', 'code', 'project code', 'รหัส'],
  fiscal_year: ['ปีงบประมาณ', 'fiscal_year', 'fiscal year', 'fy'],
  strategy_id: ['ยุทธศาสตร์', 'strategy', 'strategy_id'],
  name_th: ['ชื่อโครงการ', 'name', 'name_th'],
  name_en: ['ชื่อโครงการ (อังกฤษ)', 'name_en'],
  division_id: ['หน่วยงาน', 'division', 'division_id', 'หน่วยงานที่รับผิดชอบ'],
  budget: ['งบประมาณตามแผน', 'budget', 'plan budget', 'งบประมาณ'],
  approved_amount: ['อนุมัติงบประมาณ', 'approved', 'approved_amount'],
  contract_amount: ['ลงนามสัญญา', 'contract', 'contract_amount'],
  disbursed_amount: ['เบิกจ่าย', 'disbursed', 'disbursed_amount'],
  as_of: ['ข้อมูล ณ วันที่', 'as_of', 'as of'],
  lon: ['ลองจิจูด', 'lon', 'longitude'],
  lat: ['ละติจูด', 'lat', 'latitude'],
  location: ['ตำแหน่ง', 'location', 'geometry', 'wkt', 'geojson'],
};

const REQUIRED: Field[] = ['code', 'fiscal_year', 'strategy_id', 'name_th', 'division_id', 'budget', 'as_of'];

export const isBlank = (cells: string[]) => cells.every((c) => c.trim() === '');
const tooManyRows = () =>
  new FileRefusal(`more than ${MAX_IMPORT_ROWS.toLocaleString('en-US')} rows; import at most ${MAX_IMPORT_ROWS.toLocaleString('en-US')} rows per file`);

/**
 * The file's bytes in slices, with a turn of the event loop between them: streams run on
 * microtasks, which alone would keep every other request (and timer) waiting until the end.
 */
async function* slices(content: Buffer, size = 4 * 1024) {
  for (let at = 0; at < content.length; at += size) {
    yield content.subarray(at, at + size);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * A CSV (UTF-8, with or without BOM), read as a stream and given up as soon as it passes the row
 * limit: a 100,000-row file costs the first 5,001 rows, and other requests run meanwhile.
 * Row k of the result is the file's row k+1, blank rows included, so problems name the real row.
 */
async function readCsv(content: Buffer): Promise<string[][]> {
  const rows: string[][] = [];
  let filled = 0;
  const records = Readable.from(slices(content)).pipe(parseCsv({ bom: true, relax_column_count: true }));
  for await (const record of records as AsyncIterable<string[]>) {
    rows.push(record);
    if (!isBlank(record) && ++filled > MAX_IMPORT_ROWS + 1) {
      records.destroy();
      throw tooManyRows();
    }
  }
  return rows;
}

/** Occurrences of an XML element (with or without a namespace prefix) in a part of the archive. */
const countElements = (xml: Buffer, name: string) => xml.toString('latin1').match(new RegExp(`<(?:\\w+:)?${name}[\\s>/]`, 'g'))?.length ?? 0;

/**
 * The first sheet of an XLSX. The archive is unpacked under a byte cap, and its sheets' rows and
 * cells counted, before ExcelJS builds anything: a bomb is refused at the cost of the cap.
 */
async function readXlsx(content: Buffer): Promise<string[][]> {
  let parts: Map<string, Buffer>;
  try {
    parts = await inflateAll(content, MAX_XLSX_UNPACKED_BYTES);
  } catch (error) {
    if (error instanceof ZipRefusal) throw new FileRefusal(`this XLSX file is refused: ${error.message}`);
    throw error;
  }
  for (const [name, xml] of parts) {
    if (!/^xl\/worksheets\/[^/]+\.xml$/.test(name)) continue;
    if (countElements(xml, 'row') > MAX_IMPORT_ROWS + 1) throw tooManyRows();
    if (countElements(xml, 'c') > MAX_XLSX_CELLS) throw new FileRefusal(`more than ${MAX_XLSX_CELLS.toLocaleString('en-US')} cells in a sheet`);
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
      cells[column - 1] =
        value instanceof Date
          ? value.toISOString().slice(0, 10)
          : value !== null && typeof value === 'object' && 'result' in value
            ? String(value.result ?? '')
            : value !== null && typeof value === 'object' && 'richText' in value
              ? value.richText.map((t) => t.text).join('')
              : value === null || value === undefined
                ? ''
                : String(value);
    });
    rows[row.number - 1] = Array.from(cells, (c) => c ?? '');
  });
  return Array.from(rows, (r) => r ?? []);
}

/** A CSV or the first sheet of an XLSX as rows of text; a file it will not read is a FileRefusal. */
export async function readTable(format: 'csv' | 'xlsx', content: Buffer): Promise<string[][]> {
  try {
    return await (format === 'csv' ? readCsv(content) : readXlsx(content));
  } catch (error) {
    if (error instanceof FileRefusal) throw error;
    throw new FileRefusal(`cannot read this ${format.toUpperCase()} file (${(error as Error).message})`);
  }
}

const number = (text: string) => Number(text.replaceAll(',', '').trim());
/** Thai digits (๐–๙) as Arabic ones, spaces collapsed, lower case: how names and headers are compared. */
export const normal = (text: string) =>
  text
    .replace(/[๐-๙]/g, (d) => String(d.charCodeAt(0) - 0x0e50))
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();

/**
 * A file's header row read against its import's column names (Thai, English, other spellings):
 * each column's field (null: not one of them), each field's name as the file has it (or, for a
 * field it lacks, as the file's language names it), whether that language is Thai, and the header's own problems: unknown and
 * repeated columns, with what would have been accepted.
 */
export function readHeader<F extends string>(
  header: string[],
  names: Record<F, readonly [th: string, en: string, ...others: string[]]>,
): { columns: (F | null)[]; nameOf: (field: F) => string; thai: boolean; errors: ImportError[] } {
  const byName = new Map((Object.entries(names) as [F, readonly string[]][]).flatMap(([field, spellings]) => spellings.map((n) => [normal(n), field])));
  const columns = header.map((name) => byName.get(normal(name)) ?? null);
  // The file's language decides how a column it lacks, and the accepted values, are named.
  const thai = header.some((name, i) => columns[i] && /[\u0E00-\u0E7F]/.test(name));
  const nameOf = (field: F) => header[columns.indexOf(field)]?.trim() ?? names[field][thai ? 0 : 1];
  const errors: ImportError[] = [];
  header.forEach((name, i) => {
    const field = columns[i];
    if (name.trim() && !field) {
      errors.push({ row: 1, column: name, message: 'unknown column', accepted: Object.values<readonly string[]>(names).map((n) => n[thai ? 0 : 1]!) });
    } else if (field && columns.indexOf(field) !== i) errors.push({ row: 1, column: name, message: `the same column as "${nameOf(field)}"` });
  });
  return { columns, nameOf, thai, errors };
}

/** A Buddhist-era date (2561-09-03) or a common-era one, as an ISO date. */
function isoDate(text: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim()) ?? /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text.trim());
  if (!match) return null;
  const [year, month, day] = text.includes('/') ? [match[3], match[2], match[1]] : [match[1], match[2], match[3]];
  const ce = Number(year) > 2400 ? Number(year) - 543 : Number(year);
  const iso = `${ce}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return z.iso.date().safeParse(iso).success ? iso : null;
}

/** A row that passed every check: a whole project; `geometry` null when the row gives no place. */
export interface ImportedProject {
  row: number;
  code: string;
  fiscal_year: number;
  strategy_id: string;
  division_id: string;
  name_th: string;
  name_en: string;
  stage: Stage;
  budget: number;
  approved_amount: number | null;
  contract_amount: number | null;
  disbursed_amount: number | null;
  as_of: string;
  geometry: Geometry | null;
}

/** A row with every field read, and its stage: the furthest e-Plan stage its amounts show. */
function completeRow(row: number, v: Partial<Omit<ImportedProject, 'stage' | 'row'>>): ImportedProject | null {
  const { code, fiscal_year, strategy_id, division_id, name_th, name_en, budget, as_of, geometry } = v;
  if (
    code === undefined ||
    fiscal_year === undefined ||
    strategy_id === undefined ||
    division_id === undefined ||
    name_th === undefined ||
    name_en === undefined ||
    budget === undefined ||
    as_of === undefined ||
    geometry === undefined
  )
    return null;
  const approved_amount = v.approved_amount ?? null;
  const contract_amount = v.contract_amount ?? null;
  const disbursed_amount = v.disbursed_amount ?? null;
  const stage: Stage = disbursed_amount !== null ? 'disbursed' : contract_amount !== null ? 'contracted' : approved_amount !== null ? 'approved' : 'plan';
  return {
    row,
    code,
    fiscal_year,
    strategy_id,
    division_id,
    name_th,
    name_en,
    budget,
    approved_amount,
    contract_amount,
    disbursed_amount,
    as_of,
    geometry,
    stage,
  };
}

/**
 * Strategies as people write them: the id (S1), the number alone (1, ๑), "ยุทธศาสตร์ที่ 1" or
 * "Strategy 1" (with or without its name after it), or its full name. A number means the
 * strategy of that number in the development plan covering the row's fiscal year.
 */
function strategyReader(refs: References, thai: boolean) {
  const byName = new Map<string, string>();
  for (const s of refs.strategies) for (const name of [s.id, s.name_th, s.name_en]) byName.set(normal(name), s.id);
  const numbered = (fy: number | undefined) =>
    refs.strategies.filter((s) => s.kind === 'development' && (fy === undefined || (s.first_fy <= fy && fy <= s.last_fy)));
  return {
    read(text: string, fy: number | undefined): string | undefined {
      const named = byName.get(normal(text));
      if (named) return named;
      const n = /^(?:(?:ยุทธศาสตร์ *(?:ที่)?|strategy|s) *)?(\d{1,3})(?:$|[ .:)\-–])/.exec(normal(text))?.[1];
      const matches = n === undefined ? [] : numbered(fy).filter((s) => s.id.replace(/^\D+/, '') === n);
      return matches.length === 1 ? matches[0]?.id : undefined;
    },
    accepted(fy: number | undefined): { list: string[]; hint: string } {
      const ids = [...new Set(numbered(fy).map((s) => s.id))];
      const example = ids[0]?.replace(/^\D+/, '') ?? '1';
      return {
        list: ids,
        hint: thai ? ` (หรือเขียนเป็นตัวเลข ${example} หรือ ยุทธศาสตร์ที่ ${example})` : ` (or the number alone, ${example}, or "Strategy ${example}")`,
      };
    },
  };
}

/** Divisions by their id, Thai name (as e-Plan exports write them) or English name. */
function divisionReader(refs: References, thai: boolean) {
  const byName = new Map<string, string>();
  for (const d of refs.divisions) for (const name of [d.id, d.name_th, d.name_en]) byName.set(normal(name), d.id);
  return {
    read: (text: string) => byName.get(normal(text)),
    accepted: refs.divisions.map((d) => (thai ? d.name_th : d.name_en)),
  };
}

const has3d = (c: unknown): boolean => Array.isArray(c) && (typeof c[0] === 'number' ? c.length !== 2 : c.some(has3d));

/**
 * A row's place, read in JavaScript: lon/lat, GeoJSON or WKT, checked against the same schema as
 * the API's geometries. Nothing here reaches PostGIS; its validity check follows for all rows at once.
 */
function locate(location: string, lon: string, lat: string): { geometry: Geometry | null } | { problem: string; field: Field } {
  let candidate: unknown;
  let field: Field = 'location';
  if (location.startsWith('{')) {
    try {
      candidate = JSON.parse(location);
    } catch {
      return { problem: 'not valid GeoJSON', field };
    }
    if (has3d((candidate as { coordinates?: unknown })?.coordinates))
      return { problem: '3-D coordinates are not accepted: give longitude and latitude only', field };
  } else if (location) {
    const wkt = parseWkt(location);
    if ('problem' in wkt) return { problem: wkt.problem, field };
    candidate = wkt.geometry;
  } else if (lon || lat) {
    if (!lon || !lat) return { problem: 'give both longitude and latitude, or neither', field: lon ? 'lat' : 'lon' };
    field = 'lon';
    if (!Number.isFinite(number(lon))) return { problem: 'a longitude in degrees, such as 102.8359', field: 'lon' };
    if (!Number.isFinite(number(lat))) return { problem: 'a latitude in degrees, such as 16.4419', field: 'lat' };
    candidate = { type: 'Point', coordinates: [number(lon), number(lat)] };
  } else {
    return { geometry: null }; // no place: the project counts under "no place"
  }
  const parsed = geometrySchema.safeParse(candidate);
  if (!parsed.success) return { problem: parsed.error.issues[0]?.message ?? 'not a geometry', field };
  return { geometry: parsed.data };
}

/**
 * Checks every row and every cell, and only then says whether the file can be imported: all the
 * problems come back at once, by row and by the file's own column name, so a planner fixes the
 * file in one go. Run it outside the import's transaction: it only reads.
 */
export async function checkRows(
  db: Queryable,
  table: string[][],
  refs: References,
): Promise<{
  projects: ImportedProject[];
  errors: ImportError[];
  /** The place column as the file names it, for problems found later (the import's scope check). */
  placeColumn: string;
}> {
  const [header, ...body] = table;
  if (!header || isBlank(header)) return { projects: [], errors: [{ row: 1, column: '', message: 'the file is empty' }], placeColumn: '' };
  const { columns, nameOf, thai, errors } = readHeader(header, IMPORT_COLUMNS);
  for (const needed of REQUIRED) if (!columns.includes(needed)) errors.push({ row: 1, column: nameOf(needed), message: 'missing column' });
  if (columns.includes('lon') !== columns.includes('lat')) {
    const missing = columns.includes('lon') ? 'lat' : 'lon';
    errors.push({ row: 1, column: nameOf(missing), message: `missing column: a place needs both ${nameOf('lon')} and ${nameOf('lat')}` });
  }
  const placeColumn = nameOf(columns.includes('location') || !columns.includes('lon') ? 'location' : 'lon');
  if (errors.length) return { projects: [], errors, placeColumn };

  const strategies = strategyReader(refs, thai);
  const divisions = divisionReader(refs, thai);
  const projects: ImportedProject[] = [];
  const placed: { row: number; field: Field; geometry: Geometry }[] = [];
  const codes = new Map<string, number>();
  for (const [index, cells] of body.entries()) {
    if (isBlank(cells)) continue;
    const row = index + 2;
    const cell = (field: Field) => (columns.includes(field) ? (cells[columns.indexOf(field)] ?? '').trim() : '');
    const fail = (field: Field, message: string, accepted?: string[]) => errors.push({ row, column: nameOf(field), message, ...(accepted && { accepted }) });
    const v: Partial<Omit<ImportedProject, 'stage' | 'row'>> = {};

    // PostgreSQL text cannot hold NUL: a cell with one could never be stored.
    cells.forEach((text, i) => {
      if (text.includes('\u0000')) errors.push({ row, column: header[i]?.trim() ?? '', message: 'contains a NUL character (\\0)' });
    });

    const code = cell('code');
    if (!/^[A-Za-z0-9-]{1,32}$/.test(code)) fail('code', 'letters, digits and "-", at most 32');
    else if (codes.has(code)) fail('code', `also on row ${codes.get(code)}`);
    else {
      codes.set(code, row);
      v.code = code;
    }

    const fy = Number(normal(cell('fiscal_year')));
    if (!Number.isInteger(fy) || fy < 2500 || fy > 2700) fail('fiscal_year', 'a Buddhist-era year such as 2561');
    else v.fiscal_year = fy;

    const strategy = strategies.read(cell('strategy_id'), v.fiscal_year);
    if (strategy) v.strategy_id = strategy;
    else {
      const { list, hint } = strategies.accepted(v.fiscal_year);
      fail('strategy_id', `unknown strategy "${cell('strategy_id')}"; accepted: ${list.join(', ')}${hint}`, list);
    }

    const division = divisions.read(cell('division_id'));
    if (division) v.division_id = division;
    else fail('division_id', `unknown division "${cell('division_id')}"; accepted: ${divisions.accepted.join(', ')}`, divisions.accepted);

    const name = cell('name_th');
    if (!name || name.length > 300) fail('name_th', 'a name of at most 300 characters');
    else {
      v.name_th = name;
      v.name_en = cell('name_en') || name;
    }

    const amounts = ['budget', 'approved_amount', 'contract_amount', 'disbursed_amount'] as const;
    for (const field of amounts) {
      const text = cell(field);
      if (text === '' && field !== 'budget') {
        v[field] = null;
        continue;
      }
      const amount = number(text);
      if (!Number.isFinite(amount) || amount < 0 || amount > 1e12 || text === '') fail(field, 'an amount in baht, 0 or more');
      else v[field] = Math.round(amount * 100) / 100;
    }

    const asOf = isoDate(normal(cell('as_of')));
    if (!asOf) fail('as_of', 'a date such as 2561-09-03 or 2018-09-03');
    else v.as_of = asOf;

    const place = locate(cell('location'), cell('lon'), cell('lat'));
    if ('problem' in place) fail(place.field, place.problem);
    else {
      v.geometry = place.geometry;
      if (place.geometry) placed.push({ row, field: cell('location') ? 'location' : 'lon', geometry: place.geometry });
    }

    const complete = completeRow(row, v);
    if (complete) projects.push(complete);
  }

  // What the schema cannot see (self-intersections, crossing rings), asked of PostGIS for all rows at once.
  const problems = await geometryProblems(
    db,
    placed.map((p) => p.geometry),
  );
  placed.forEach((p, k) => {
    if (problems[k]) errors.push({ row: p.row, column: nameOf(p.field), message: `invalid geometry: ${problems[k]}` });
  });
  errors.sort((a, b) => a.row - b.row);
  return { projects: errors.length ? [] : projects, errors, placeColumn };
}
