import { isValidNationalId } from '../../parcels/owners.ts';
import { type ImportError, isBlank, normal, readHeader } from '../../plan/import.ts';

/**
 * The register as the tax-map programme (LTAX3000) exports it, one row per parcel. Each field
 * is found by its Thai header, its English one, or another spelling met in real files; problems
 * are reported under the file's own header.
 */
const REGISTER_COLUMNS = {
  code: ['รหัสแปลง', 'code', 'map_code', 'parcel_code', 'รหัสแปลงที่ดิน'],
  zone: ['โซน', 'zone', 'map_zone'],
  block: ['บล็อก', 'block', 'map_block', 'บล็อค'],
  lot: ['ล็อต', 'lot', 'map_lot', 'ลำดับแปลง'],
  parcel_no: ['เลขที่โฉนด', 'parcel_no', 'deed_no', 'เลขโฉนด'],
  owners: ['ชื่อเจ้าของ', 'owners', 'owner', 'owner_name', 'เจ้าของ', 'ผู้ถือกรรมสิทธิ์'],
  national_ids: ['เลขประจำตัวประชาชน', 'national_ids', 'national_id', 'เลขบัตรประชาชน'],
  uses: ['การใช้ประโยชน์', 'land_use', 'use', 'uses', 'ประเภทการใช้ประโยชน์'],
  area: ['เนื้อที่', 'area', 'area_m2', 'เนื้อที่ (ไร่-งาน-ตร.ว.)'],
  land_price_m2: ['ราคาประเมินต่อ ตร.ม.', 'land_price_m2', 'price_m2'],
  land_price_wah: ['ราคาประเมินต่อ ตร.ว.', 'land_price_wah', 'price_wah'],
  land_value: ['ราคาประเมินที่ดิน', 'land_value'],
  exemption: ['การยกเว้น', 'exemption', 'ยกเว้น'],
  vacant_years: ['จำนวนปีที่ทิ้งว่าง', 'vacant_years', 'ปีที่ทิ้งว่าง'],
  buildings: ['สิ่งปลูกสร้าง', 'buildings'],
} as const satisfies Record<string, readonly [th: string, en: string, ...others: string[]]>;

type Field = keyof typeof REGISTER_COLUMNS;
type Use = 'agriculture' | 'residential' | 'other' | 'vacant';

/** A building type as the register may name it: its code, Thai or English name, or a part of a Thai name such as ตึกแถว. */
export interface BuildingTypeName {
  code: string;
  name_th: string;
  name_en: string;
}

interface RegisterBuilding {
  use: Exclude<Use, 'vacant'>;
  building_type: string;
  floor_area_m2: number;
  year_built: number;
  residence: 'owner' | 'building_only' | null;
}

/** A row that passed every check: one parcel as the register describes it. */
export interface RegisterRow {
  row: number;
  map_zone: string;
  map_block: string;
  map_lot: string;
  parcel_no: string | null;
  owners: { name_th: string; national_id: string }[];
  /** Empty for an exempt parcel: public and religious land has no taxed use. */
  uses: { use: Use; share: number }[];
  area_m2: number;
  land_price_m2: number | null;
  exemption: 'public' | 'religious' | null;
  vacant_years: number;
  buildings: RegisterBuilding[];
}

const number = (text: string) => (text.trim() === '' ? Number.NaN : Number(normal(text).replaceAll(',', '')));

/** The uses the Act taxes apart, as the programme and people write them. */
const USES = new Map<string, Use>(
  Object.entries({
    ที่อยู่อาศัย: 'residential',
    residential: 'residential',
    residence: 'residential',
    เกษตรกรรม: 'agriculture',
    agriculture: 'agriculture',
    agricultural: 'agriculture',
    พาณิชยกรรม: 'other',
    อุตสาหกรรม: 'other',
    อื่นๆ: 'other',
    อื่น: 'other',
    other: 'other',
    commercial: 'other',
    industrial: 'other',
    ว่างเปล่า: 'vacant',
    ที่รกร้างว่างเปล่า: 'vacant',
    vacant: 'vacant',
  } satisfies Record<string, Use>),
);
const USE_NAMES = 'ที่อยู่อาศัย, เกษตรกรรม, พาณิชยกรรม, อื่นๆ, ว่างเปล่า (residential, agriculture, commercial, other, vacant)';
/** The programme's word for mixed use, before the shares: "ใช้ประโยชน์หลายประเภท ที่อยู่อาศัย:0.6;อื่นๆ:0.4". */
const MIXED = /^(ใช้ประโยชน์หลายประเภท|mixed)\s*[:(]?\s*|\)$/g;

const EXEMPTIONS = new Map<string, 'public' | 'religious'>(
  Object.entries({
    public: 'public',
    ที่สาธารณะ: 'public',
    สาธารณประโยชน์: 'public',
    ทรัพย์สินของรัฐ: 'public',
    religious: 'religious',
    ศาสนสถาน: 'religious',
    ศาสนา: 'religious',
  } satisfies Record<string, 'public' | 'religious'>),
);
const RESIDENCES = new Map<string, 'owner' | 'building_only'>(
  Object.entries({
    owner: 'owner',
    เจ้าของ: 'owner',
    building_only: 'building_only',
    เฉพาะสิ่งปลูกสร้าง: 'building_only',
  } satisfies Record<string, 'owner' | 'building_only'>),
);

/** The tax-map code: zone (two digits), block (a Thai letter), lot (three digits); "3-ก-17" is 03-ก-017. */
export function readMapCode(text: string): { zone: string; block: string; lot: string } | null {
  const match = /^(\d{1,2})\s*[-/ ]\s*([ก-ฮ])\s*[-/ ]\s*(\d{1,3})$/.exec(normal(text));
  if (!match) return null;
  return { zone: (match[1] as string).padStart(2, '0'), block: match[2] as string, lot: (match[3] as string).padStart(3, '0') };
}

/** An area as ไร่-งาน-ตารางวา ("1-2-50": 1 × 1,600 + 2 × 400 + 50 × 4 = 2,600 m²) or in m² ("2,600"). */
function readArea(text: string): number | null {
  const rai = /^(\d+)\s*-\s*([0-3])\s*-\s*(\d+(?:\.\d+)?)$/.exec(normal(text));
  if (rai) {
    const wah = Number(rai[3]);
    return wah < 100 ? Number(rai[1]) * 1600 + Number(rai[2]) * 400 + wah * 4 : null;
  }
  const m2 = number(text);
  return Number.isFinite(m2) && m2 > 0 && m2 < 1e9 ? m2 : null;
}

/** One use ("ที่อยู่อาศัย") or shares ("residential:0.6;other:0.4", shares summing to 1). */
function readUses(text: string): { use: Use; share: number }[] | string {
  const body = normal(text).replace(MIXED, '');
  const parts = body.split(/[;,]/).map((p) => p.trim());
  if (parts.length === 1 && !parts[0]?.includes(':')) {
    const use = USES.get(parts[0] ?? '');
    return use ? [{ use, share: 1 }] : `unknown land use "${text}"; accepted: ${USE_NAMES}, or shares such as residential:0.6;other:0.4`;
  }
  const uses = new Map<Use, number>();
  for (const part of parts) {
    const [name = '', shareText = ''] = part.split(':').map((s) => s.trim());
    const use = USES.get(name);
    const share = number(shareText);
    if (!use) return `unknown land use "${name}"; accepted: ${USE_NAMES}`;
    if (!(share > 0 && share <= 1)) return `the share of "${name}" must be above 0 and at most 1`;
    if (uses.has(use)) return `"${name}" is the same use as another part`;
    uses.set(use, share);
  }
  const total = [...uses.values()].reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) > 0.0005) return `the shares add up to ${Math.round(total * 10000) / 10000}, not 1`;
  return [...uses].map(([use, share]) => ({ use, share: Math.round(share * 10000) / 10000 }));
}

/**
 * Buildings in one cell, one per "|": type:floor area m²:year built (B.E.):use[:residence], e.g.
 * "ตึกแถว:120:2550:ที่อยู่อาศัย:เจ้าของ|shophouse:80:2560:other". The residence (owner or
 * building_only) is only for a residential building.
 */
function buildingReader(types: BuildingTypeName[]) {
  const byName = new Map<string, string>();
  for (const t of types) for (const name of [t.code, t.name_en, t.name_th, ...t.name_th.split('/')]) byName.set(normal(name), t.code);
  return (text: string): RegisterBuilding[] | string => {
    const buildings: RegisterBuilding[] = [];
    for (const [k, part] of text.split('|').entries()) {
      const which = `building ${k + 1}`;
      const [typeName = '', areaText = '', yearText = '', useText = '', residenceText = '', ...rest] = part.split(':').map((s) => s.trim());
      if (rest.length) return `${which}: write type:floor area:year built:use[:residence]`;
      const building_type = byName.get(normal(typeName));
      if (!building_type)
        return `${which}: unknown building type "${typeName}"; accepted: ${types.map((t) => `${t.name_th} (${t.code})`).join(', ') || 'none (no building types are registered)'}`;
      const floor_area_m2 = number(areaText);
      if (!(floor_area_m2 > 0 && floor_area_m2 < 1e7)) return `${which}: a floor area in m², above 0`;
      const year = number(yearText);
      // A common-era year (1990) is read as the Buddhist-era one (2533).
      const year_built = year > 1800 && year < 2200 ? year + 543 : year;
      if (!Number.isInteger(year_built) || year_built < 2400 || year_built > 2700) return `${which}: a year built such as 2550`;
      const use = USES.get(normal(useText));
      if (!use || use === 'vacant') return `${which}: unknown use "${useText}"; accepted: ที่อยู่อาศัย, เกษตรกรรม, พาณิชยกรรม, อื่นๆ`;
      const residence = residenceText === '' ? null : (RESIDENCES.get(normal(residenceText)) ?? undefined);
      if (residence === undefined) return `${which}: residence "${residenceText}" is not accepted; accepted: เจ้าของ (owner), เฉพาะสิ่งปลูกสร้าง (building_only)`;
      if (residence && use !== 'residential') return `${which}: only a residential building is a residence`;
      buildings.push({ use, building_type, floor_area_m2: Math.round(floor_area_m2 * 100) / 100, year_built, residence });
    }
    return buildings;
  };
}

/**
 * Checks every row and every cell of a register file and returns all the problems at once, by row
 * and by the file's own column name. Only the file is read here: whether each code has a parcel,
 * and in whose zone, is the import's next step.
 */
export function checkRegisterRows(
  table: string[][],
  types: BuildingTypeName[],
): { rows: RegisterRow[]; errors: ImportError[]; columns: { code: string; parcel_no: string } } {
  const [header, ...body] = table;
  if (!header || isBlank(header)) return { rows: [], errors: [{ row: 1, column: '', message: 'the file is empty' }], columns: { code: '', parcel_no: '' } };
  const { columns, nameOf, errors } = readHeader(header, REGISTER_COLUMNS);
  const byParts = columns.includes('zone') || columns.includes('block') || columns.includes('lot');
  if (byParts) {
    for (const part of ['zone', 'block', 'lot'] as const)
      if (!columns.includes(part)) errors.push({ row: 1, column: nameOf(part), message: 'missing column: the code is zone, block and lot' });
  } else if (!columns.includes('code')) errors.push({ row: 1, column: nameOf('code'), message: 'missing column' });
  for (const needed of ['area'] as const) if (!columns.includes(needed)) errors.push({ row: 1, column: nameOf(needed), message: 'missing column' });
  // Where the import's later checks (the parcel, its zone, its deed number) report their problems.
  const named = { code: nameOf(byParts ? 'zone' : 'code'), parcel_no: nameOf('parcel_no') };
  if (errors.length) return { rows: [], errors, columns: named };

  const readBuildings = buildingReader(types);
  const rows: RegisterRow[] = [];
  const codes = new Map<string, number>();
  for (const [index, cells] of body.entries()) {
    if (isBlank(cells)) continue;
    const row = index + 2;
    const cell = (field: Field) => (columns.includes(field) ? (cells[columns.indexOf(field)] ?? '').trim() : '');
    const fail = (field: Field, message: string) => errors.push({ row, column: nameOf(field), message });
    const before = errors.length;
    cells.forEach((text, i) => {
      if (text.includes('\u0000')) errors.push({ row, column: header[i]?.trim() ?? '', message: 'contains a NUL character (\\0)' });
    });

    const code = readMapCode(byParts ? `${cell('zone')}-${cell('block')}-${cell('lot')}` : cell('code'));
    const codeText = code && `${code.zone}-${code.block}-${code.lot}`;
    if (!code || !codeText) fail(byParts ? 'zone' : 'code', 'a tax-map code: zone-block-lot, such as 03-ก-017');
    else if (codes.has(codeText)) fail(byParts ? 'zone' : 'code', `${codeText} is also on row ${codes.get(codeText)}`);
    else codes.set(codeText, row);

    const parcelNo = cell('parcel_no');
    if (parcelNo.length > 64) fail('parcel_no', 'at most 64 characters');

    const exemptionText = cell('exemption');
    const exemption = exemptionText === '' ? null : (EXEMPTIONS.get(normal(exemptionText)) ?? undefined);
    if (exemption === undefined) fail('exemption', `"${exemptionText}" is not accepted; accepted: ที่สาธารณะ (public), ศาสนสถาน (religious), or blank`);

    const names =
      cell('owners') === ''
        ? []
        : cell('owners')
            .split(';')
            .map((s) => s.trim());
    const ids =
      cell('national_ids') === ''
        ? []
        : cell('national_ids')
            .split(';')
            .map((s) => normal(s).replace(/[- ]/g, ''));
    const badId = ids.find((id) => !isValidNationalId(id));
    if (badId !== undefined) fail('national_ids', `"${badId}" is not a valid national ID (13 digits with the check digit)`);
    else if (new Set(ids).size !== ids.length) fail('national_ids', 'the same national ID twice');
    if (names.some((n) => n === '' || n.length > 200)) fail('owners', 'names separated by ";", each at most 200 characters');
    else if (names.length !== ids.length)
      fail(names.length > ids.length ? 'national_ids' : 'owners', `${names.length} owner name(s) but ${ids.length} national ID(s)`);
    else if (names.length === 0 && !exemption) fail('owners', 'a parcel that is not exempt has an owner');

    // Public and religious land is exempt as a whole: the Act taxes no use of it.
    const uses = exemption ? [] : readUses(cell('uses'));
    if (typeof uses === 'string') fail('uses', uses);

    const area = readArea(cell('area'));
    if (area === null) fail('area', 'an area as ไร่-งาน-ตารางวา (1-2-50) or in m² (2600)');

    const prices = (['land_price_m2', 'land_price_wah', 'land_value'] as const).filter((f) => cell(f) !== '');
    let land_price_m2: number | null = null;
    if (prices.length > 1) fail(prices[1] as Field, `give one of ${prices.map(nameOf).join(', ')}`);
    else if (prices[0]) {
      const amount = number(cell(prices[0]));
      if (!(amount >= 0 && amount < 1e10)) fail(prices[0], 'an amount in baht, 0 or more');
      // The Treasury's appraisal is per ตารางวา (4 m²); a whole value is spread over the area.
      else if (prices[0] === 'land_price_m2') land_price_m2 = amount;
      else if (prices[0] === 'land_price_wah') land_price_m2 = amount / 4;
      else if (area !== null) land_price_m2 = amount / area;
      if (land_price_m2 !== null) land_price_m2 = Math.round(land_price_m2 * 100) / 100;
    }

    const vacantText = cell('vacant_years');
    const vacant_years = vacantText === '' ? 0 : number(vacantText);
    if (!Number.isInteger(vacant_years) || vacant_years < 0 || vacant_years > 100) fail('vacant_years', 'a whole number of years, 0 or more');

    const buildings = cell('buildings') === '' ? [] : readBuildings(cell('buildings'));
    if (typeof buildings === 'string') fail('buildings', buildings);

    if (errors.length > before || !code || area === null || typeof uses === 'string' || typeof buildings === 'string' || exemption === undefined) continue;
    rows.push({
      row,
      map_zone: code.zone,
      map_block: code.block,
      map_lot: code.lot,
      parcel_no: parcelNo || null,
      owners: names.map((name_th, k) => ({ name_th, national_id: ids[k] as string })),
      uses,
      area_m2: Math.round(area * 100) / 100,
      land_price_m2,
      exemption,
      vacant_years,
      buildings,
    });
  }
  errors.sort((a, b) => a.row - b.row);
  return { rows: errors.length ? [] : rows, errors, columns: named };
}
