import ExcelJS from 'exceljs';
import type { InferRequestType } from 'hono/client';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { nationalId } from '../../server/parcels/owners.ts';
import { Client, expectBody } from '../support/client.ts';
import { PRJ, type ShapeFeature, shapefileZip, square } from '../support/shapefile.ts';

const engines = inject('engines');

type Api = Client['api'];
type RegisterFile = InferRequestType<Api['tax']['import']['register']['$post']>['json'];
type MapFile = InferRequestType<Api['tax']['import']['geometry']['$post']>['json'];
const base64 = (bytes: string | Buffer) => Buffer.from(bytes).toString('base64');

/**
 * Two places in the city, and where they are in UTM. Zone 1: 102.8438 E, 16.4156 N; zone 2:
 * 102.8450 E, 16.4450 N. Their UTM coordinates were computed with PostGIS
 * (ST_Transform(ST_SetSRID(ST_MakePoint(lon, lat), 4326), 32648 / 32647)) and checked by hand
 * with Snyder's transverse Mercator series on WGS 84 (a = 6378137, 1/f = 298.257223563,
 * k0 = 0.9996, false easting 500 km; central meridian 105° E for 48N, 99° E for 47N): e.g. for the
 * zone 1 point in 48N, λ − λ0 = −2.1562°, A = cos φ · Δλ = −0.036096, N = 6,379,041 m, so
 * x ≈ 500,000 + 0.9996 · N · (A + (1 − T + C)A³/6 + …) = 269,741.69 m and y ≈ 1,816,132.46 m.
 * The series and PostGIS agree to 0.2 mm.
 */
const PLACES = {
  zone1: { lon: 102.8438, lat: 16.4156, 32648: [269741.6899, 1816132.455], 32647: [910653.986, 1818804.6219] },
  zone2: { lon: 102.845, lat: 16.445, 32648: [269904.5235, 1819385.2332], 32647: [910720.408, 1822065.4566] },
} as const;
type Place = (typeof PLACES)[keyof typeof PLACES];

/** Ground distance in metres between two nearby WGS 84 points (equirectangular: exact enough for metres). */
const metresBetween = ([lon1, lat1]: number[], [lon2, lat2]: number[]) =>
  Math.hypot(((lon2 as number) - (lon1 as number)) * 111_320 * Math.cos(((lat1 as number) * Math.PI) / 180), ((lat2 as number) - (lat1 as number)) * 110_574);

/** A valid national ID, different for each n. */
const valid = (n: number) => nationalId(String(3_4000_0000_000 + n));

describe.each(engines)('tax register and tax map import on $engine', ({ url }) => {
  let tax: Client;
  let auditor: Client;
  // Test parcels sit in map zone 98, which the demo's tax map does not use.
  let block = 0;
  /** A block of the test zone only the calling test uses: its codes are 98-<letter>-NNN. */
  const newBlock = () => String.fromCharCode(0x0e01 + block++);
  const importMap = (client: Client, json: MapFile) => client.api.tax.import.geometry.$post({ json });
  const importRegister = (client: Client, json: RegisterFile) => client.api.tax.import.register.$post({ json });

  /** The parcel with this code near a place, as the tax officer sees it: its properties and shape. */
  async function parcelAt(place: Place, code: string) {
    const bbox = `${place.lon - 0.002},${place.lat - 0.002},${place.lon + 0.002},${place.lat + 0.002}`;
    const page = await expectBody(tax.api.parcels.$get({ query: { bbox } }));
    return page.features.find((f) => f.properties.map_code === code);
  }
  /** The middle of a parcel's outer ring (the mean of its corners: the test's shapes are squares). */
  const middleOf = (ring: number[][]) => {
    const corners = ring.slice(0, -1);
    return [0, 1].map((i) => corners.reduce((sum, p) => sum + (p[i] as number), 0) / corners.length);
  };
  /** A 20 m square on a place, in the layer's CRS, with its code. */
  const utmSquare = (place: Place, srid: 32647 | 32648, attributes: Record<string, string>): ShapeFeature => {
    const [x, y] = place[srid];
    return { rings: square(x, y, 10), attributes };
  };
  const geoJson = (features: { code: string; rings: number[][][] }[], crs?: string) =>
    base64(
      JSON.stringify({
        type: 'FeatureCollection',
        ...(crs && { crs: { type: 'name', properties: { name: crs } } }),
        features: features.map((f) => ({ type: 'Feature', properties: { code: f.code }, geometry: { type: 'Polygon', coordinates: f.rings } })),
      }),
    );
  const degreeSquare = (place: Place, dx = 0) => square(place.lon + dx, place.lat, 0.0001).map((r) => r.slice().reverse());
  /** Everything an import could change about these parcels, and their audit entries. */
  const digest = async (ids: number[]) =>
    Promise.all(
      ids.map(async (id) => ({
        parcel: await expectBody(tax.api.parcels[':id'].$get({ param: { id: String(id) } })),
        audit: (await expectBody(auditor.api.audit.$get({ query: { entity: 'parcel', entity_id: String(id), action: 'update', limit: '100' } }))).length,
      })),
    );

  beforeAll(async () => {
    tax = await Client.signIn(url, 'tax');
    auditor = await Client.signIn(url, 'auditor');
  });

  it('places a Shapefile drawn in UTM 48N within 1 m of its WGS 84 coordinates, reading Thai TIS-620 attributes', async () => {
    const b = newBlock();
    const layer = shapefileZip('tax_map', [utmSquare(PLACES.zone1, 32648, { PARCEL_COD: `98-${b}-001`, PARCEL_NO: `T48-${b}` })], { prj: PRJ[32648] });
    expect(await expectBody(importMap(tax, { format: 'shapefile', content: base64(layer), filename: 'tax_map.zip' }))).toMatchObject({
      dry_run: false,
      crs: 'EPSG:32648',
      created: 1,
      updated: 0,
      codes: [`98-${b}-001`],
    });
    const parcel = await parcelAt(PLACES.zone1, `98-${b}-001`);
    expect(parcel?.properties).toMatchObject({ parcel_no: `T48-${b}`, land_use: 'vacant', zone_id: 1 });
    expect(metresBetween(middleOf(parcel?.geometry.coordinates[0] ?? []), [PLACES.zone1.lon, PLACES.zone1.lat])).toBeLessThan(1);
    // 20 m × 20 m of UTM grid, which is 0.03 % larger than the ground this far from the central meridian.
    expect(parcel?.properties.area_m2).toBeCloseTo(399.8, 0);
    const [entry] = await expectBody(auditor.api.audit.$get({ query: { entity: 'tax_map', action: 'import', limit: '1' } }));
    expect(entry).toMatchObject({ actor_name: 'tax', after: { filename: 'tax_map.zip', created: 1, crs: 'EPSG:32648' } });
  });

  it('places a Shapefile in UTM 47N with a UTF-8 .cpg and the code in ZONE, BLOCK and LOT, and moves a parcel it already has', async () => {
    const b = newBlock();
    const lot = { ZONE: '98', BLOCK: b, LOT: '7' };
    const at = (place: Place) => shapefileZip('parcels', [utmSquare(place, 32647, lot)], { prj: PRJ[32647], utf8: true });
    expect(await expectBody(importMap(tax, { format: 'shapefile', content: base64(at(PLACES.zone2)) }))).toMatchObject({ crs: 'EPSG:32647', created: 1 });
    const placed = await parcelAt(PLACES.zone2, `98-${b}-007`);
    expect(metresBetween(middleOf(placed?.geometry.coordinates[0] ?? []), [PLACES.zone2.lon, PLACES.zone2.lat])).toBeLessThan(1);
    expect(placed?.properties.zone_id).toBe(2);

    expect(await expectBody(importMap(tax, { format: 'shapefile', content: base64(at(PLACES.zone1)) }))).toMatchObject({ created: 0, updated: 1 });
    const moved = await parcelAt(PLACES.zone1, `98-${b}-007`);
    expect(moved?.properties.id).toBe(placed?.properties.id);
    expect(metresBetween(middleOf(moved?.geometry.coordinates[0] ?? []), [PLACES.zone1.lon, PLACES.zone1.lat])).toBeLessThan(1);
    expect(moved?.properties.zone_id).toBe(1);
    const [entry] = await expectBody(
      auditor.api.audit.$get({ query: { entity: 'parcel', entity_id: String(placed?.properties.id), action: 'update', limit: '1' } }),
    );
    expect(entry?.before).toMatchObject({ geometry: { type: 'Polygon' } });
  });

  it('imports GeoJSON in WGS 84, or in UTM when its crs or the request says so', async () => {
    const b = newBlock();
    const code = `98-${b}-003`;
    expect(await expectBody(importMap(tax, { format: 'geojson', content: geoJson([{ code, rings: degreeSquare(PLACES.zone2) }]) }))).toMatchObject({
      crs: 'EPSG:4326',
      created: 1,
    });
    expect(metresBetween(middleOf((await parcelAt(PLACES.zone2, code))?.geometry.coordinates[0] ?? []), [PLACES.zone2.lon, PLACES.zone2.lat])).toBeLessThan(1);
    const [x, y] = PLACES.zone1[32648];
    const utm = geoJson([{ code, rings: square(x, y, 10) }], 'urn:ogc:def:crs:EPSG::32648');
    expect(await expectBody(importMap(tax, { format: 'geojson', content: utm }))).toMatchObject({ crs: 'EPSG:32648', updated: 1 });
    expect(metresBetween(middleOf((await parcelAt(PLACES.zone1, code))?.geometry.coordinates[0] ?? []), [PLACES.zone1.lon, PLACES.zone1.lat])).toBeLessThan(1);
    // A file that names no CRS, with the request's.
    const plain = geoJson([{ code, rings: square(...PLACES.zone2[32648], 10) }]);
    expect(await expectBody(importMap(tax, { format: 'geojson', content: plain, crs: 'EPSG:32648' }))).toMatchObject({ updated: 1 });
    expect((await parcelAt(PLACES.zone2, code))?.properties.zone_id).toBe(2);
  });

  it('refuses a layer with bad features, each by its number and attribute, and creates nothing', async () => {
    const b = newBlock();
    const [x, y] = PLACES.zone1[32648];
    const features: ShapeFeature[] = [
      utmSquare(PLACES.zone1, 32648, { PARCEL_COD: `98-${b}-001` }),
      // A bow tie: its edges cross.
      {
        rings: [
          [
            [x, y],
            [x, y + 20],
            [x + 20, y],
            [x + 20, y + 20],
            [x, y],
          ],
        ],
        attributes: { PARCEL_COD: `98-${b}-002` },
      },
      // Two pieces of land under one code.
      { rings: [...square(x + 50, y, 5), ...square(x + 80, y, 5)], attributes: { PARCEL_COD: `98-${b}-003` } },
      utmSquare(PLACES.zone2, 32648, { PARCEL_COD: 'not a code' }),
      // Drawn in 47N coordinates in a 48N layer: once transformed, far east of Thailand.
      utmSquare(PLACES.zone1, 32647, { PARCEL_COD: `98-${b}-005` }),
    ];
    const refusal = await expectBody(importMap(tax, { format: 'shapefile', content: base64(shapefileZip('bad', features, { prj: PRJ[32648] })) }), 400);
    if (!('errors' in refusal)) throw new Error(refusal.error);
    expect(refusal.errors.map((e) => `${e.row}:${e.column}`)).toEqual(['3:geometry', '4:PARCEL_COD']);
    expect(refusal.errors[0]?.message).toMatch(/a multipolygon of 2 polygons/);
    // The shapes PostGIS judges come after the file's own problems are fixed.
    const judged = await expectBody(
      importMap(tax, {
        format: 'shapefile',
        content: base64(shapefileZip('bad', [features[0], features[1], features[4]] as ShapeFeature[], { prj: PRJ[32648] })),
      }),
      400,
    );
    if (!('errors' in judged)) throw new Error(judged.error);
    expect(judged.errors.map((e) => `${e.row}:${e.column}`)).toEqual(['2:geometry', '3:geometry']);
    expect(judged.errors[0]?.message).toMatch(/invalid geometry: Self-intersection/i);
    expect(judged.errors[1]?.message).toMatch(/outside Thailand once transformed from EPSG:32648/);
    expect(await parcelAt(PLACES.zone1, `98-${b}-001`)).toBeUndefined();

    const layer = (prj?: string) => base64(shapefileZip('l', [features[0] as ShapeFeature], prj ? { prj } : {}));
    expect(await expectBody(importMap(tax, { format: 'shapefile', content: layer(PRJ.indian1975) }), 400)).toMatchObject({
      field: 'crs',
      error: expect.stringMatching(/Indian 1975/),
    });
    expect(await expectBody(importMap(tax, { format: 'shapefile', content: layer() }), 400)).toMatchObject({
      field: 'crs',
      error: expect.stringMatching(/no \.prj/),
    });
    expect(await expectBody(importMap(tax, { format: 'geojson', content: geoJson([], 'EPSG:3857') }), 400)).toMatchObject({ field: 'crs' });
    expect(await expectBody(importMap(tax, { format: 'shapefile', content: base64('not a zip') }), 400)).toMatchObject({ field: 'content' });
    expect(await parcelAt(PLACES.zone1, `98-${b}-001`)).toBeUndefined();
  });

  describe('the register', () => {
    const HEADER = 'รหัสแปลง,เลขที่โฉนด,ชื่อเจ้าของ,เลขประจำตัวประชาชน,การใช้ประโยชน์,เนื้อที่,ราคาประเมินต่อ ตร.ว.,การยกเว้น,จำนวนปีที่ทิ้งว่าง,สิ่งปลูกสร้าง';
    /** Parcels on the tax map in a block of their own, for the register to describe: their ids by code. */
    async function mapped(count: number, place: Place = PLACES.zone1) {
      const b = newBlock();
      const codes = Array.from({ length: count }, (_, k) => `98-${b}-${String(k + 1).padStart(3, '0')}`);
      await expectBody(importMap(tax, { format: 'geojson', content: geoJson(codes.map((code, k) => ({ code, rings: degreeSquare(place, 0.0003 * k) }))) }));
      const ids = await Promise.all(codes.map(async (code) => (await parcelAt(place, code))?.properties.id as number));
      return { codes, ids };
    }
    const latestUpdate = async (id: number) =>
      (await expectBody(auditor.api.audit.$get({ query: { entity: 'parcel', entity_id: String(id), action: 'update', limit: '1' } })))[0];

    it('describes parcels from a CSV: co-owners, mixed use, area in rai-ngan-wah, price per square wah, buildings', async () => {
      const { codes, ids } = await mapped(2);
      const [a, b] = codes as [string, string];
      const csv = [
        HEADER,
        `${a},D-${a},สมชาย ศรีสุข;สมศรี ศรีสุข,${valid(1)};${valid(2)},"ที่อยู่อาศัย:0.6;พาณิชยกรรม:0.4",1-2-50,"2,000",,,"ตึกแถว:120:2550:ที่อยู่อาศัย:เจ้าของ|shophouse:80:2015:other"`,
        `${b},,วัดทดสอบ,${valid(3)},,400,,ศาสนสถาน,,`,
      ].join('\n');
      expect(await expectBody(importRegister(tax, { format: 'csv', content: base64(`\uFEFF${csv}`), filename: 'ltax.csv' }))).toEqual({
        dry_run: false,
        updated: 2,
        codes,
      });
      const first = await expectBody(tax.api.parcels[':id'].$get({ param: { id: String(ids[0]) } }));
      expect(first.properties).toMatchObject({ parcel_no: `D-${a}`, land_use: 'mixed', area_m2: 2600, owner_name: 'สมชาย ศรีสุข, สมศรี ศรีสุข' });
      expect((await latestUpdate(ids[0] as number))?.after).toMatchObject({
        map_code: a,
        land_price_m2: 500,
        exemption: null,
        owners: [{ national_id: valid(1) }, { national_id: valid(2) }],
        uses: [
          { use: 'other', share: 0.4 },
          { use: 'residential', share: 0.6 },
        ],
        buildings: [
          { building_type: 'shophouse', use: 'residential', floor_area_m2: 120, year_built: 2550, residence: 'owner' },
          { building_type: 'shophouse', use: 'other', floor_area_m2: 80, year_built: 2558, residence: null },
        ],
      });
      const temple = (await latestUpdate(ids[1] as number))?.after;
      expect(temple).toMatchObject({ land_use: 'public', exemption: 'religious', uses: [], buildings: [] });
      const [entry] = await expectBody(auditor.api.audit.$get({ query: { entity: 'tax_register', action: 'import', limit: '1' } }));
      expect(entry).toMatchObject({ after: { filename: 'ltax.csv', updated: 2 } });
    });

    it('reads an XLSX with English headers and the code in three columns, and an update replaces owners, uses and buildings', async () => {
      const { codes, ids } = await mapped(1);
      const [zone, block, lot] = (codes[0] as string).split('-') as [string, string, string];
      const send = async (rows: unknown[][]) => {
        const workbook = new ExcelJS.Workbook();
        const sheet = workbook.addWorksheet('register');
        sheet.addRow(['zone', 'block', 'lot', 'owners', 'national_ids', 'land_use', 'area', 'land_price_m2', 'vacant_years', 'buildings']);
        for (const row of rows) sheet.addRow(row);
        return expectBody(importRegister(tax, { format: 'xlsx', content: base64(Buffer.from(await workbook.xlsx.writeBuffer())) }));
      };
      await send([[zone, block, lot, 'Somchai', valid(4), 'residential', 800, 1500, '', 'house_concrete:150:2560:residential:owner']]);
      expect(await send([[Number(zone), block, Number(lot), 'Malee', valid(5), 'vacant', 800, 1500, 4, '']])).toMatchObject({ updated: 1 });
      const after = (await latestUpdate(ids[0] as number))?.after;
      expect(after).toMatchObject({ land_use: 'vacant', vacant_years: 4, owners: [{ name_th: 'Malee' }], uses: [{ use: 'vacant', share: 1 }], buildings: [] });
      // Revalued for the current tax year: 800 m² × 1,500 = 1,200,000 baht of vacant land, taxed at
      // 0.3 % plus 0.3 % for each full 3 of its 4 vacant years: 1,200,000 × 0.6 % = 7,200 baht.
      const parcel = await expectBody(tax.api.parcels[':id'].$get({ param: { id: String(ids[0]) } }));
      expect(parcel.properties).toMatchObject({ assessed_value: 1_200_000, tax_due: 7200 });
    });

    it('refuses a file with bad rows, each by row and column, and changes nothing', async () => {
      const { codes, ids } = await mapped(2);
      const [a, b] = codes as [string, string];
      const good = `${a},,ทองใบ แก่นจันทร์,${valid(6)},เกษตรกรรม,2-0-0,100,,,`;
      await expectBody(importRegister(tax, { format: 'csv', content: base64([HEADER, good].join('\n')) }));
      const before = await digest(ids);
      const wrongDigit = valid(7).slice(0, 12) + String((Number(valid(7).at(-1)) + 1) % 10);
      const csv = [
        HEADER,
        `${a},,ทองใบ แก่นจันทร์,${wrongDigit},ที่อยู่อาศัย,2-0-0,100,,,`,
        `${b},,บัวผัน ทองดี,${valid(8)},โรงงานนิวเคลียร์,1-0-0,100,,,`,
        `98-X-1,,คำปุน ดวงแก้ว,${valid(9)},เกษตรกรรม,1-0-0,100,,,`,
        `98-ฮ-999,,คำปุน ดวงแก้ว,${valid(9)},เกษตรกรรม,1-0-0,100,,,`,
        `${b},,บัวผัน ทองดี,${valid(8)},"residential:0.5;other:0.4",1-0-0,100,,,ตึกแถว:0:2550:residential`,
      ].join('\n');
      const refusal = await expectBody(importRegister(tax, { format: 'csv', content: base64(csv) }), 400);
      if (!('errors' in refusal)) throw new Error(refusal.error);
      expect(refusal.field).toBe('file');
      expect(refusal.errors.map((e) => `${e.row}:${e.column}`)).toEqual([
        '2:เลขประจำตัวประชาชน',
        '3:การใช้ประโยชน์',
        '4:รหัสแปลง',
        '6:รหัสแปลง',
        '6:การใช้ประโยชน์',
        '6:สิ่งปลูกสร้าง',
      ]);
      expect(refusal.errors[1]?.message).toMatch(/unknown land use "โรงงานนิวเคลียร์"/);
      expect(refusal.errors[3]?.message).toMatch(/also on row 3/);
      expect(refusal.errors[4]?.message).toMatch(/add up to 0.9/);
      expect(await digest(ids)).toEqual(before);
      // With every row fixed but one whose parcel the tax map lacks: still nothing.
      const unmapped = await expectBody(
        importRegister(tax, {
          format: 'csv',
          content: base64([HEADER, `${b},,บัวผัน ทองดี,${valid(8)},ที่อยู่อาศัย,1-0-0,100,,,`, `98-ฮ-999,,คำปุน ดวงแก้ว,${valid(9)},เกษตรกรรม,1-0-0,100,,,`].join('\n')),
        }),
        400,
      );
      if (!('errors' in unmapped)) throw new Error(unmapped.error);
      expect(unmapped.errors).toEqual([
        { row: 3, column: 'รหัสแปลง', message: expect.stringMatching(/no parcel has the code 98-ฮ-999: import its shape first/) },
      ]);
      expect(await digest(ids)).toEqual(before);
    });

    it('on a dry run, says what it would do and writes nothing', async () => {
      const { codes, ids } = await mapped(1);
      const before = await digest(ids);
      const csv = [HEADER, `${codes[0]},,มาลี บุญมี,${valid(10)},ที่อยู่อาศัย,100,100,,,`].join('\n');
      expect(await expectBody(importRegister(tax, { format: 'csv', content: base64(csv), dry_run: true }))).toEqual({ dry_run: true, updated: 1, codes });
      expect(await digest(ids)).toEqual(before);
      const code = `98-${newBlock()}-001`;
      const map = geoJson([{ code, rings: degreeSquare(PLACES.zone2) }]);
      expect(await expectBody(importMap(tax, { format: 'geojson', content: map, dry_run: true }))).toMatchObject({ dry_run: true, created: 1 });
      expect(await parcelAt(PLACES.zone2, code)).toBeUndefined();
    });
  });

  it('is for tax officers and administrators, and a zone-scoped officer imports only in their zones', async () => {
    const csv = base64('รหัสแปลง,เนื้อที่');
    expect((await importRegister(new Client(url), { format: 'csv', content: csv })).status).toBe(401);
    for (const role of ['engineer', 'auditor', 'executive']) {
      const client = await Client.signIn(url, role);
      expect((await importRegister(client, { format: 'csv', content: csv })).status).toBe(403);
      expect((await importMap(client, { format: 'geojson', content: geoJson([]) })).status).toBe(403);
    }
    const admin = await Client.signIn(url, 'admin');
    const password = 'Tax-desk-zone-1-2569';
    const made = await admin.api.users.$post({ json: { username: 'tax-z1', password, display_name: 'Tax desk, zone 1', role: 'tax', zones: [1] } });
    expect([201, 400]).toContain(made.status);
    const zoneOne = await Client.signIn(url, 'tax-z1', password);

    const b = newBlock();
    const [inZone1, inZone2] = [`98-${b}-001`, `98-${b}-002`];
    await expectBody(importMap(tax, { format: 'geojson', content: geoJson([{ code: inZone2, rings: degreeSquare(PLACES.zone2) }]) }));
    const refusal = await expectBody(
      importMap(zoneOne, {
        format: 'geojson',
        content: geoJson([
          { code: inZone1, rings: degreeSquare(PLACES.zone1) },
          { code: inZone2, rings: degreeSquare(PLACES.zone1, 0.0003) },
        ]),
      }),
      400,
    );
    if (!('errors' in refusal)) throw new Error(refusal.error);
    expect(refusal.errors).toEqual([{ row: 2, column: 'code', message: `${inZone2} is outside your zones` }]);
    const into2 = await expectBody(
      importMap(zoneOne, { format: 'geojson', content: geoJson([{ code: inZone1, rings: degreeSquare(PLACES.zone2, 0.0003) }]) }),
      400,
    );
    expect(into2).toMatchObject({ errors: [{ row: 1, column: 'geometry', message: 'the shape lies outside your zones' }] });
    expect(await expectBody(importMap(zoneOne, { format: 'geojson', content: geoJson([{ code: inZone1, rings: degreeSquare(PLACES.zone1) }]) }))).toMatchObject(
      { created: 1 },
    );

    const register = (code: string) =>
      importRegister(zoneOne, { format: 'csv', content: base64(`code,owners,national_ids,land_use,area\n${code},Somsri,${valid(11)},residential,300`) });
    expect(await expectBody(register(inZone1))).toMatchObject({ updated: 1 });
    expect(await expectBody(register(inZone2), 400)).toMatchObject({ errors: [{ row: 2, column: 'code', message: `${inZone2} is outside your zones` }] });
  });
});
