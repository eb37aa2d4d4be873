import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bangkokDate } from '../../server/clock.ts';
import { taxYearOn } from '../../server/tax/taxYear.ts';
import { openSeededApp, type AppUnderTest } from '../support/app.ts';
import { expectBody, type Client } from '../support/client.ts';
import { decodeTile, tileAt, tileParam } from '../support/tiles.ts';

const engines = inject('engines');

const CITY_CENTRE = [102.834, 16.432] as const;
/** A box around the centre that holds parcels of zones 1 and 2. */
const CENTRE_BOX = '102.830,16.428,102.845,16.440';
const MAP_CODE = /^\d{2}-[ก-ฮ]-\d{3}$/;
const STATUSES = ['paid', 'part_paid', 'unpaid', 'overdue', 'exempt'];

/** A JSON answer of a route that also exports CSV (`format=csv`). */
function json<T>(body: T): Exclude<T, string> {
  if (typeof body === 'string') throw new Error(`expected JSON, got text: ${body.slice(0, 80)}`);
  return body as Exclude<T, string>;
}

describe.each(engines)('the tax register on $engine', (target) => {
  let app: AppUnderTest;
  const as = {} as Record<'public' | 'executive' | 'planner' | 'tax' | 'auditor' | 'taxZone1', Client>;
  let year: number;
  let today: string;

  beforeAll(async () => {
    app = await openSeededApp(target, 'mueang_tax_register_test', { FLOOD_SWEEP_SECONDS: '0' });
    as.public = app.client();
    for (const who of ['executive', 'planner', 'tax', 'auditor'] as const) as[who] = await app.signIn(who);
    const admin = await app.signIn('admin');
    const password = 'a tax officer of zone one';
    await expectBody(admin.api.users.$post({ json: { username: 'tax-z1', password, display_name: 'Zone 1 revenue', role: 'tax', zones: [1] } }), 201);
    as.taxZone1 = await app.signIn('tax-z1', password);
    today = bangkokDate(app.clock.now());
    // The demo's bills are of fixed years: its last is the billing year (billing_year) until a
    // later year's bills are issued, and the status the tiles carry is that year's.
    [{ year }] = (await app.db.query<{ year: number }>('SELECT billing_year($1) AS year', [taxYearOn(today)])) as [{ year: number }];
  }, 240_000);

  afterAll(async () => {
    await app?.close();
  });

  /** The parcels layer's features of a tile around the centre, for a viewer. */
  async function tileFeatures(client: Client, z = 15) {
    const response = await client.api.tiles.parcels[':z'][':x'][':y'].$get({ param: tileParam(tileAt(...CITY_CENTRE, z)) });
    expect(response.status).toBe(200);
    const layer = decodeTile(await response.arrayBuffer()).layers.parcels!;
    return Array.from({ length: layer.length }, (_, i) => layer.feature(i));
  }

  /** A parcel by its code parts, as the chained choices lead to it. */
  async function firstCoded(client: Client) {
    const zones = await expectBody(client.api.tax.codes.$get({ query: {} }));
    const zone = zones.choices[0]!;
    const blocks = await expectBody(client.api.tax.codes.$get({ query: { zone } }));
    const block = blocks.choices[0]!;
    const lots = await expectBody(client.api.tax.codes.$get({ query: { zone, block } }));
    return { zones, blocks, lots, zone, block, lot: lots.choices[0]! };
  }

  it('gives the demo parcels codes, uses, buildings and this year’s bills, and the tax roles their status', async () => {
    const [register] = await app.db.query<{ uncoded: number; unpriced: number; bills: number; parcels: number; statuses: number; unknown: number }>(
      `SELECT count(*) FILTER (WHERE map_zone IS NULL)::int AS uncoded, count(*) FILTER (WHERE land_price_m2 IS NULL)::int AS unpriced,
              (SELECT count(*) FROM tax_bills WHERE year = $1)::int AS bills, count(*)::int AS parcels,
              count(DISTINCT tax_status)::int AS statuses, count(*) FILTER (WHERE tax_status IS NULL)::int AS unknown
       FROM parcels`,
      [year],
    );
    expect(register).toMatchObject({ uncoded: 0, unpriced: 0, unknown: 0 });
    expect(register!.bills).toBe(register!.parcels);
    expect(register!.statuses).toBeGreaterThanOrEqual(3);
    // Shares of a parcel's land sum to 1; exempt land has none.
    const [shares] = await app.db.query<{ wrong: number }>(
      `SELECT count(*)::int AS wrong FROM parcels p
       WHERE (SELECT coalesce(sum(share), 0) FROM parcel_uses u WHERE u.parcel_id = p.id) <> CASE WHEN p.exemption IS NULL THEN 1 ELSE 0 END`,
    );
    expect(shares!.wrong).toBe(0);
  });

  it('never shows a parcel’s tax status to the public or executives: lists, one parcel, search, tiles', async () => {
    for (const who of ['public', 'executive', 'planner'] as const) {
      const client = as[who];
      const page = await expectBody(client.api.parcels.$get({ query: { bbox: CENTRE_BOX, limit: '50' } }));
      expect(page.features.length).toBeGreaterThan(0);
      for (const f of page.features) {
        expect(f.properties, who).not.toHaveProperty('tax_status');
        expect(f.properties.map_code).toMatch(MAP_CODE);
      }
      const one = await expectBody(client.api.parcels[':id'].$get({ param: { id: String(page.features[0]!.properties.id) } }));
      expect(one.properties).not.toHaveProperty('tax_status');
      const { zone, block } = await firstCoded(client);
      const found = await expectBody(client.api.tax.search.$get({ query: { zone, block } }));
      expect(found.features.length).toBeGreaterThan(0);
      for (const f of found.features) expect(f.properties, who).not.toHaveProperty('tax_status');
      const community = await expectBody(client.api.tax.search.$get({ query: { community: '1' } }));
      for (const f of community.features) expect(f.properties).not.toHaveProperty('tax_status');
      for (const f of await tileFeatures(client)) expect(f.properties, `${who} tile`).not.toHaveProperty('tax_status');
    }
    // The tax roles see it, in tiles too.
    const theirs = await tileFeatures(as.tax);
    expect(theirs.filter((f) => STATUSES.includes(String(f.properties.tax_status))).length).toBe(theirs.length);
    const page = await expectBody(as.auditor.api.parcels.$get({ query: { bbox: CENTRE_BOX, limit: '50' } }));
    for (const f of page.features) expect(STATUSES).toContain(f.properties.tax_status);
  });

  it('keeps arrears, hot spots and searches by owner to the tax roles', async () => {
    const [owner] = await app.db.query<{ name_th: string; national_id: string }>(
      'SELECT o.name_th, o.national_id FROM owners o JOIN parcel_owners po ON po.owner_id = o.id ORDER BY o.id LIMIT 1',
    );
    for (const [who, status] of [
      ['public', 401],
      ['executive', 403],
      ['planner', 403],
    ] as const) {
      const client = as[who];
      expect((await client.api.tax.arrears.$get({ query: {} })).status, who).toBe(status);
      expect((await client.api.tax.arrears.$get({ query: { format: 'csv' } })).status, who).toBe(status);
      expect((await client.api.tax.arrears.hotspots.$get({ query: {} })).status, who).toBe(status);
      expect((await client.api.tax.search.$get({ query: { owner: owner!.name_th } })).status, who).toBe(status);
      expect((await client.api.tax.search.$get({ query: { national_id: owner!.national_id } })).status, who).toBe(status);
    }
    const byOwner = await expectBody(as.tax.api.tax.search.$get({ query: { national_id: owner!.national_id } }));
    expect(byOwner.features.length).toBeGreaterThan(0);
    for (const f of byOwner.features) expect(f.properties.national_id).toContain(owner!.national_id);
    const byName = await expectBody(as.tax.api.tax.search.$get({ query: { owner: owner!.name_th } }));
    expect(byName.features.map((f) => f.properties.id)).toEqual(expect.arrayContaining(byOwner.features.map((f) => f.properties.id)));
  });

  it('sums the collection by zone and by community to the bills’ totals, and exports no parcel', async () => {
    const [bills] = await app.db.query<{ assessed: number; collected: number; bills: number }>(
      `SELECT sum(b.tax)::float8 AS assessed, count(*)::int AS bills,
              (SELECT coalesce(sum(p.tax_part), 0) FROM tax_payments p JOIN tax_bills pb ON pb.id = p.bill_id
               WHERE pb.year = $1 AND p.paid_on <= $2::date)::float8 AS collected
       FROM tax_bills b WHERE b.year = $1`,
      [year, today],
    );
    const sum = (rows: { assessed: number; collected: number; bills: number }[], key: 'assessed' | 'collected' | 'bills') =>
      Math.round(rows.reduce((total, row) => total + row[key], 0) * 100) / 100;
    for (const by of ['zone', 'community'] as const) {
      const figures = json(await expectBody(as.public.api.tax.collection.$get({ query: { by } })));
      expect(figures).toMatchObject({ year, by });
      // Every bill falls in one zone or community: parcels outside them would be left out.
      const [outside] = await app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM parcels WHERE ${by}_id IS NULL`);
      if (outside!.n === 0) {
        expect(sum(figures.rows, 'bills')).toBe(bills!.bills);
        expect(sum(figures.rows, 'assessed')).toBeCloseTo(bills!.assessed, 2);
        expect(sum(figures.rows, 'collected')).toBeCloseTo(bills!.collected, 2);
      }
      for (const row of figures.rows) if (row.assessed > 0) expect(row.rate).toBeCloseTo(row.collected / row.assessed, 6);
    }
    const zones = json(await expectBody(as.executive.api.tax.collection.$get({ query: { by: 'zone' } })));
    const rates = zones.rows.map((r) => r.rate ?? 0);
    // The demo's collection differs by zone.
    expect(Math.max(...rates) - Math.min(...rates)).toBeGreaterThan(0.1);

    const csv = await as.public.api.tax.collection.$get({ query: { by: 'zone', format: 'csv' } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines).toHaveLength(1 + zones.rows.length);
    expect(lines.some((line) => /\d{2}-[ก-ฮ]-\d{3}/.test(line))).toBe(false);
  });

  it('shows a tax officer scoped to a zone only that zone’s parcels: arrears, search, tiles, codes', async () => {
    const all = json(await expectBody(as.tax.api.tax.arrears.$get({ query: { year: String(year) } })));
    expect(new Set(all.rows.map((r) => r.zone_id)).size).toBeGreaterThan(1);
    const theirs = json(await expectBody(as.taxZone1.api.tax.arrears.$get({ query: { year: String(year) } })));
    expect(theirs.rows.length).toBeGreaterThan(0);
    expect(theirs.rows.length).toBeLessThan(all.rows.length);
    for (const row of theirs.rows) expect(row.zone_id).toBe(1);
    expect(theirs.rows).toEqual(all.rows.filter((r) => r.zone_id === 1));
    for (const row of all.rows) {
      expect(row.days_overdue).toBeGreaterThan(0);
      expect(row.age).toBe(row.days_overdue <= 30 ? '0-30' : row.days_overdue <= 90 ? '31-90' : row.days_overdue <= 365 ? '91-365' : '>365');
    }
    expect((await expectBody(as.taxZone1.api.tax.arrears.$get({ query: { year: String(year), zone: '2' } }), 403)).field).toBe('zone');

    const csv = await as.taxZone1.api.tax.arrears.$get({ query: { year: String(year), format: 'csv' } });
    expect((await csv.text()).trim().split('\r\n')).toHaveLength(1 + theirs.rows.length);

    const hot = await expectBody(as.taxZone1.api.tax.arrears.hotspots.$get({ query: { year: String(year) } }));
    for (const f of hot.features) expect(f.properties.parcels).toBeGreaterThanOrEqual(3);

    const [community2] = await app.db.query<{ id: number }>('SELECT id FROM communities WHERE zone_id = 2 ORDER BY id LIMIT 1');
    expect((await expectBody(as.tax.api.tax.search.$get({ query: { community: String(community2!.id) } }))).features.length).toBeGreaterThan(0);
    expect((await expectBody(as.taxZone1.api.tax.search.$get({ query: { community: String(community2!.id) } }))).features).toEqual([]);
    const page = await expectBody(as.taxZone1.api.parcels.$get({ query: { bbox: CENTRE_BOX, limit: '500' } }));
    for (const f of page.features) expect(f.properties.zone_id).toBe(1);
    const tile = await tileFeatures(as.taxZone1);
    expect(tile.length).toBeGreaterThan(0);
    for (const f of tile) {
      expect(f.properties.zone_id).toBe(1);
      expect(STATUSES).toContain(f.properties.tax_status);
    }
    const zones = (await expectBody(as.taxZone1.api.tax.codes.$get({ query: {} }))).choices;
    const [inZone1] = await app.db.query<{ zones: string[] }>('SELECT array_agg(DISTINCT map_zone ORDER BY map_zone) AS zones FROM parcels WHERE zone_id = 1');
    expect(zones).toEqual(inZone1!.zones);
    // A dozen requests over 30,000 bills: a minute on the embedded engine of a loaded machine.
  }, 180_000);

  it('chains the code choices down to one parcel, and finds the parcel under a point', async () => {
    const { zones, blocks, lots, zone, block, lot } = await firstCoded(as.public);
    expect(zones.level).toBe('zone');
    expect(zones.choices.length).toBeGreaterThanOrEqual(12);
    expect(blocks).toMatchObject({ level: 'block' });
    expect(lots).toMatchObject({ level: 'lot' });
    expect(lots.choices[0]).toBe('001');
    const found = await expectBody(as.public.api.tax.search.$get({ query: { zone, block, lot } }));
    expect(found.features).toHaveLength(1);
    const parcel = found.features[0]!;
    expect(parcel.properties.map_code).toBe(`${zone}-${block}-${lot}`);

    const [inside] = await app.db.query<{ lon: number; lat: number }>(
      'SELECT ST_X(pt) AS lon, ST_Y(pt) AS lat FROM parcels, ST_PointOnSurface(geom) AS pt WHERE id = $1',
      [parcel.properties.id],
    );
    const under = await expectBody(as.public.api.tax.search.$get({ query: { lon: String(inside!.lon), lat: String(inside!.lat) } }));
    expect(under.features.map((f) => f.properties.id)).toEqual([parcel.properties.id]);

    expect((await expectBody(as.public.api.tax.search.$get({ query: { block } }), 400)).field).toBe('zone');
    expect((await expectBody(as.public.api.tax.search.$get({ query: { zone, lon: '102.8' } }), 400)).field).toBe('query');
    expect((await expectBody(as.public.api.tax.codes.$get({ query: { zone: '3' } }), 400)).field).toBe('zone');
  });

  it("gives a block's notices in one read, recorded once, to the tax roles of its zones", async () => {
    const { zone, block } = await firstCoded(as.tax);
    expect((await as.public.api.tax.notices.$get({ query: { zone, block } })).status).toBe(401);
    for (const who of ['executive', 'planner'] as const) expect((await as[who].api.tax.notices.$get({ query: { zone, block } })).status, who).toBe(403);
    expect((await expectBody(as.tax.api.tax.notices.$get({ query: { zone: '3' } }), 400)).field).toBe('zone');

    const audited = async () => Number((await app.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE entity = 'tax_notices'"))[0]!.n);
    const before = await audited();
    const batch = await expectBody(as.tax.api.tax.notices.$get({ query: { zone, block } }));
    expect(await audited()).toBe(before + 1);
    expect(batch.year).toBe(year);
    // Every parcel of the block with a bill that year, each as its own parcel's tax says.
    const [billed] = await app.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM tax_bills b JOIN parcels p ON p.id = b.parcel_id WHERE b.year = $1 AND p.map_zone = $2 AND p.map_block = $3',
      [year, zone, block],
    );
    expect(batch.notices).toHaveLength(billed!.n);
    const [first] = batch.notices;
    const single = await expectBody(as.tax.api.parcels[':id'].tax.$get({ param: { id: String(first!.parcel.id) }, query: {} }));
    expect(first).toEqual(single);

    // A tax officer of zone 1 gets only the notices of zone 1's parcels.
    const theirs = await expectBody(as.taxZone1.api.tax.notices.$get({ query: { zone, block } }));
    for (const notice of theirs.notices) expect(notice.parcel.zone_id).toBe(1);
    expect(theirs.notices).toHaveLength(batch.notices.filter((n) => n.parcel.zone_id === 1).length);
  });
});
