import { Hono } from 'hono';
import { z } from 'zod';
import { recordAudit } from '../audit/queries.ts';
import { actorOf, refuseUnless, requireViewer } from '../auth/middleware.ts';
import { canReadSomeTax, canSeeTaxCollection, inScope, parcelView, zoneScope, type Viewer } from '../auth/policy.ts';
import { bangkokDate } from '../clock.ts';
import type { Env } from '../env.ts';
import { csvTable } from '../http/csv.ts';
import { apiError, badRequest } from '../http/errors.ts';
import { integer, validate } from '../http/validate.ts';
import { parcelTaxes } from './parcelTax.ts';
import { billingYear } from './queries/bills.ts';
import { collection, type CollectionRow } from './queries/collection.ts';
import { loadYearRules } from './queries/rates.ts';
import { ARREARS_AGES, arrears, arrearsHotspots, codeChoices, searchParcels, type ArrearsRow, type ParcelSearch } from './queries/register.ts';
import { taxYearOn } from './taxYear.ts';

const year = integer(2563, 2700).optional();
const format = z.enum(['json', 'csv']).default('json');
const mapZone = z.string().regex(/^\d{2}$/, 'expected two digits, as 03');
const mapBlock = z.string().regex(/^[ก-ฮ]$/, 'expected one Thai letter, as ก');
const mapLot = z.string().regex(/^\d{3}$/, 'expected three digits, as 017');

/** The zones a tax role reads: one asked for (403 outside theirs), or all of theirs. */
function taxZones(viewer: Viewer, zone: number | undefined): number[] | null {
  if (zone === undefined) return zoneScope(viewer);
  if (!inScope(viewer, zone)) throw apiError(403, `zone ${zone} is outside your zones`, 'zone');
  return [zone];
}

const COLLECTION_COLUMNS: [keyof CollectionRow, string][] = [
  ['id', 'รหัส'],
  ['name_th', 'ชื่อ'],
  ['name_en', 'name'],
  ['bills', 'จำนวนแบบประเมิน'],
  ['assessed', 'ภาษีที่ประเมิน (บาท)'],
  ['collected', 'จัดเก็บได้ (บาท)'],
  ['rate', 'อัตราการจัดเก็บ'],
  ['arrears', 'ค้างชำระ (บาท)'],
  ['overdue_bills', 'จำนวนที่ค้างชำระ'],
];

const ARREARS_COLUMNS: [keyof ArrearsRow, string][] = [
  ['parcel_id', 'รหัสแปลง'],
  ['map_code', 'รหัสแผนที่'],
  ['owners', 'เจ้าของ'],
  ['year', 'ปีภาษี'],
  ['owed', 'ค้างชำระ (บาท)'],
  ['owed_since', 'ค้างตั้งแต่'],
  ['days_overdue', 'จำนวนวัน'],
  ['age', 'อายุหนี้'],
  ['community_id', 'ชุมชน'],
  ['zone_id', 'เขต'],
];

const csvHeaders = (filename: string) => ({
  'Content-Type': 'text/csv; charset=utf-8',
  'Content-Disposition': `attachment; filename="${filename}"`,
  'Cache-Control': 'private, no-store',
});

const collectionQuery = z.object({ year, by: z.enum(['zone', 'community']).default('zone'), format });
const arrearsQuery = z.object({ year, zone: integer(1, 32767).optional(), format });
const hotspotsQuery = z.object({ year, zone: integer(1, 32767).optional() });
const codesQuery = z.object({ zone: mapZone.optional(), block: mapBlock.optional() }).refine((q) => q.block === undefined || q.zone !== undefined, {
  message: 'a block is chosen within a zone: give zone too',
  path: ['zone'],
});
const searchQuery = z.object({
  zone: mapZone.optional(),
  block: mapBlock.optional(),
  lot: mapLot.optional(),
  owner: z.string().trim().min(2, 'at least two letters of the name').max(100).optional(),
  national_id: z
    .string()
    .regex(/^\d{13}$/, 'expected 13 digits')
    .optional(),
  community: integer(1, 32767).optional(),
  lon: z.coerce.number().min(-180).max(180).optional(),
  lat: z.coerce.number().min(-90).max(90).optional(),
});

const noticesQuery = z.object({ zone: mapZone, block: mapBlock.optional(), year });
/** The most notices one batch prints: a map zone's parcels (about 2,000 in the demo's). */
const MAX_NOTICES = 3000;

/** The one search a query asks for; more than one kind, or none, is a 400. */
function searchOf(query: z.infer<typeof searchQuery>): ParcelSearch {
  const kinds = [
    query.zone !== undefined || query.block !== undefined || query.lot !== undefined ? 'code' : null,
    query.owner !== undefined ? 'owner' : null,
    query.national_id !== undefined ? 'national_id' : null,
    query.community !== undefined ? 'community' : null,
    query.lon !== undefined || query.lat !== undefined ? 'point' : null,
  ].filter((k) => k !== null);
  if (kinds.length !== 1) throw badRequest('query', 'search by one of: zone (block, lot), owner, national_id, community, or lon and lat');
  if (query.owner !== undefined) return { by: 'owner', owner: query.owner };
  if (query.national_id !== undefined) return { by: 'national_id', national_id: query.national_id };
  if (query.community !== undefined) return { by: 'community', community: query.community };
  if (kinds[0] === 'point') {
    if (query.lon === undefined) throw badRequest('lon', 'lon: give lon with lat');
    if (query.lat === undefined) throw badRequest('lat', 'lat: give lat with lon');
    return { by: 'point', lon: query.lon, lat: query.lat };
  }
  if (query.zone === undefined) throw badRequest('zone', 'zone: a block or lot is searched within a zone');
  if (query.lot !== undefined && query.block === undefined) throw badRequest('block', 'block: a lot is searched within a block');
  return { by: 'code', zone: query.zone, block: query.block, lot: query.lot };
}

export const registerRoutes = new Hono<Env>()
  // Everyone: figures by zone or community, never by parcel (the export too).
  .get('/tax/collection', validate('query', collectionQuery), async (c) => {
    if (!canSeeTaxCollection(c.var.viewer)) throw apiError(403, 'collection figures are not for your role');
    const query = c.req.valid('query');
    const today = bangkokDate(c.var.clock.now());
    const taxYear = query.year ?? (await billingYear(c.var.reads, taxYearOn(today)));
    const rows = await collection(c.var.reads, taxYear, today, query.by);
    if (query.format === 'csv') return c.body(csvTable(COLLECTION_COLUMNS, rows), 200, csvHeaders(`tax-collection-${taxYear}-${query.by}.csv`));
    return c.json({ year: taxYear, by: query.by, rows });
  })
  // Tax roles, in their zones: who owes what since when. The export is recorded in the audit
  // trail: it carries owners' names in bulk.
  .get('/tax/arrears', requireViewer(canReadSomeTax, 'arrears are for the tax office'), validate('query', arrearsQuery), async (c) => {
    const viewer = c.var.viewer;
    const query = c.req.valid('query');
    const rows = await arrears(c.var.reads, bangkokDate(c.var.clock.now()), query.year ?? null, taxZones(viewer, query.zone));
    if (query.format === 'csv') {
      await c.var.db.transaction((tx) =>
        recordAudit(tx, actorOf(c), {
          action: 'export',
          entity: 'tax_arrears',
          entityId: null,
          after: { year: query.year ?? null, zone: query.zone ?? null, rows: rows.length },
        }),
      );
      return c.body(csvTable(ARREARS_COLUMNS, rows), 200, csvHeaders(`tax-arrears${query.year ? `-${query.year}` : ''}.csv`));
    }
    const totals = Object.fromEntries(ARREARS_AGES.map((age) => [age, { bills: 0, owed: 0 }]));
    for (const row of rows) {
      const total = totals[row.age]!;
      total.bills++;
      total.owed = Math.round((total.owed + row.owed) * 100) / 100;
    }
    c.header('Cache-Control', 'private, no-store');
    return c.json({ rows, totals });
  })
  .get('/tax/arrears/hotspots', requireViewer(canReadSomeTax, 'arrears hot spots are for the tax office'), validate('query', hotspotsQuery), async (c) => {
    const viewer = c.var.viewer;
    const query = c.req.valid('query');
    c.header('Cache-Control', 'private, no-store');
    return c.json(await arrearsHotspots(c.var.reads, bangkokDate(c.var.clock.now()), query.year ?? null, taxZones(viewer, query.zone)));
  })
  // The assessment notices of a map zone or block, to print (tax roles, their zones): every
  // parcel's calculation and bill in two queries, its reading recorded once, as one export.
  .get('/tax/notices', requireViewer(canReadSomeTax, 'assessment notices are for the tax office'), validate('query', noticesQuery), async (c) => {
    const { zone, block, year: asked } = c.req.valid('query');
    const viewer = c.var.viewer;
    const today = bangkokDate(c.var.clock.now());
    const view = parcelView(viewer);
    const notices = await c.var.db.transaction(async (tx) => {
      const taxYear = asked ?? (await billingYear(tx, taxYearOn(today)));
      const rules = await loadYearRules(tx, taxYear);
      if (!rules) throw badRequest('year', `year: no rates for the tax year ${taxYear}`);
      const found = await searchParcels(tx, view, { by: 'code', zone, block }, MAX_NOTICES + 1);
      if (found.features.length > MAX_NOTICES)
        throw badRequest('block', `block: zone ${zone} has more than ${MAX_NOTICES} parcels: print it a block at a time`);
      // Parcels without a bill that year have no notice to print.
      const taxes = (await parcelTaxes(tx, found.features, rules, today)).filter((tax) => tax.bill !== null);
      await recordAudit(tx, actorOf(c), {
        action: 'export',
        entity: 'tax_notices',
        entityId: null,
        after: { year: taxYear, zone, block: block ?? null, parcels: taxes.length },
      });
      return { year: taxYear, notices: taxes };
    });
    c.header('Cache-Control', 'private, no-store');
    return c.json(notices);
  })
  // The code is printed on the public tax map: everyone, a scoped user in their zones.
  .get('/tax/codes', validate('query', codesQuery), async (c) => {
    const { zone, block } = c.req.valid('query');
    return c.json(await codeChoices(c.var.reads, zoneScope(c.var.viewer), zone, block));
  })
  // Parcels with the viewer's attributes (the policy's, as GET /parcels): by owner or national
  // ID only for tax roles, and then recorded in the audit trail like reading a parcel.
  .get('/tax/search', validate('query', searchQuery), async (c) => {
    const viewer = c.var.viewer;
    const search = searchOf(c.req.valid('query'));
    const view = parcelView(viewer);
    c.header('Cache-Control', 'private, no-store');
    if (search.by !== 'owner' && search.by !== 'national_id') return c.json(await searchParcels(c.var.reads, view, search));
    refuseUnless(viewer, canReadSomeTax, `searches by ${search.by === 'owner' ? 'owner' : 'national ID'} are for the tax office`);
    return c.json(
      await c.var.db.transaction(async (tx) => {
        const found = await searchParcels(tx, view, search);
        await recordAudit(tx, actorOf(c), { action: 'search', entity: 'parcel', entityId: null, after: { by: search.by, found: found.features.length } });
        return found;
      }),
    );
  });
