import { PNG } from 'pngjs';
import type { Page, Response } from 'playwright-core';
import { pointOnFeature } from '@turf/turf';
import type { Feature, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { TAX_STATUS_COLORS, BASE_COLORS } from '../../web/map/palette.ts';
import { appBase, browserSuite, chromiumAvailable } from '../support/browser.ts';
import { Client } from '../support/client.ts';

/**
 * The tax page (/tax) and its notices, in Chromium against the real server and the demo tax
 * register (issue 14). Tax officers get the status map, the search and a parcel's calculation,
 * as the API computes them; executives and the public get the collection figures and never a
 * parcel's status, in any answer the page receives. One test writes: a payment, on a bill the
 * others do not read.
 */

const DESK = { viewport: { width: 1280, height: 800 } };
const PHONE = { viewport: { width: 390, height: 844 }, phone: true };
const STATUSES = ['paid', 'part_paid', 'unpaid', 'overdue', 'exempt'] as const;

interface TaxLine {
  kind: string;
  base: number;
  rate_pct: number;
  amount: number;
}
interface Charges {
  penalty: number;
  surcharge: number;
}
interface ParcelTax {
  parcel: { id: number; map_code: string };
  year: number;
  tax: number;
  lines: TaxLine[];
  bill: {
    notice_no: string;
    status: string;
    due_date: string;
    owed: number;
    owed_today: Charges & { tax: number; total: number };
    payments: (Charges & { receipt_no: string; tax_part: number })[];
  } | null;
}
type Hotspots = { features: Feature<Polygon, { parcels: number; owed: number }>[] };
type Found = { features: (Feature<Polygon, { id: number; map_code: string; tax_status: string | null }> & { id?: number })[] };

async function getJson<T>(client: Client, path: string): Promise<T> {
  const response = await client.raw('GET', path.replace(/^\/api\//, ''));
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

/** A block of the demo register with parcels of at least two statuses, and its parcels as the API finds them. */
async function mixedBlock(client: Client): Promise<{ zone: string; block: string; found: Found }> {
  const zones = await getJson<{ choices: string[] }>(client, '/api/tax/codes');
  for (const zone of zones.choices) {
    const blocks = await getJson<{ choices: string[] }>(client, `/api/tax/codes?zone=${zone}`);
    for (const block of blocks.choices) {
      const found = await getJson<Found>(client, `/api/tax/search?zone=${zone}&block=${encodeURIComponent(block)}`);
      if (new Set(found.features.map((f) => f.properties.tax_status)).size >= 2) return { zone, block, found };
    }
  }
  throw new Error('no block of the demo register has parcels of two statuses');
}

/** Every JSON body the page receives from the API, as text, to look for what must not be in any. */
function collectApiBodies(page: Page): { bodies: Promise<string>[] } {
  const seen = { bodies: [] as Promise<string>[] };
  page.on('response', (response: Response) => {
    if (!new URL(response.url()).pathname.startsWith('/api/')) return;
    seen.bodies.push(
      response.body().then(
        (b) => b.toString('latin1'),
        () => '',
      ),
    );
  });
  return seen;
}

/** A colour of the palette as the map draws it: its fill's opacity over the city's paper. */
function blended(hex: string, opacity: number): [number, number, number] {
  const rgb = (h: string) => [0, 2, 4].map((i) => Number.parseInt(h.slice(1 + i, 3 + i), 16));
  const [fg, bg] = [rgb(hex), rgb(BASE_COLORS.cityFill)];
  return [0, 1, 2].map((i) => Math.round(fg[i]! * opacity + bg[i]! * (1 - opacity))) as [number, number, number];
}

/** The map's colour at a place, as the page shows it. */
async function pixelAt(page: Page, lon: number, lat: number): Promise<[number, number, number]> {
  const [x, y] = await page.evaluate(([a, b]) => window.__mueang!.project!(a!, b!), [lon, lat]);
  const box = (await page.getByTestId('map').boundingBox())!;
  const png = PNG.sync.read(await page.getByTestId('map').screenshot());
  const i = (Math.round(y - box.y) * png.width + Math.round(x - box.x)) * 4;
  return [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
}

const distance = (a: readonly number[], b: readonly number[]) => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]!), 0);

/** Chooses a parcel by its code in the chained zone, block and lot choices. */
async function chooseCode(page: Page, mapCode: string) {
  const [zone, block, lot] = mapCode.split('-') as [string, string, string];
  await page.getByTestId('tax-code-zone').selectOption(zone);
  await page.getByTestId('tax-code-block').selectOption(block);
  await page.getByTestId('tax-code-lot').selectOption(lot);
}

const sidewaysOverflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

describe.runIf(chromiumAvailable)('the tax page in Chromium', () => {
  const browser = browserSuite();

  it('shows a tax officer the status map and legend as the API counts it, finds a parcel by its code and shows its calculation', async () => {
    const tax = await Client.signIn(appBase(), 'tax');
    const { zone, block, found } = await mixedBlock(tax);
    const { page, problems } = await browser.open(`${appBase()}/tax`, { ...DESK, as: 'tax' });

    // The chained choices: a zone's blocks come once the zone is chosen, a block's lots after.
    await page.getByTestId('tax-code-zone').selectOption(zone);
    await page.getByTestId('tax-code-block').selectOption(block);
    await expect.poll(() => page.getByTestId('tax-found-row').count()).toBe(found.features.length);
    // The legend counts the found parcels by status, as the server answered the same search.
    const legend = page.getByTestId('tax-status-legend');
    for (const status of STATUSES) {
      const count = found.features.filter((f) => f.properties.tax_status === status).length;
      await expect.poll(() => legend.locator('li').nth(STATUSES.indexOf(status)).innerText()).toMatch(new RegExp(` · ${count}$`));
    }

    // The one lot: its parcel opens, with the calculation the API gives for it.
    const parcel = found.features.find((f) => f.properties.tax_status && f.properties.tax_status !== 'exempt') ?? found.features[0]!;
    const [, , lot] = parcel.properties.map_code.split('-');
    await page.getByTestId('tax-code-lot').selectOption(lot!);
    const panel = page.getByTestId('tax-parcel');
    await expect.poll(() => panel.getAttribute('data-parcel')).toBe(String(parcel.properties.id));
    const expected = await getJson<ParcelTax>(tax, `/api/parcels/${parcel.properties.id}/tax`);
    const lines = page.getByTestId('tax-calculation').getByTestId('tax-line');
    await expect.poll(() => lines.count()).toBe(expected.lines.length);
    const shown = await lines.evaluateAll((rows) =>
      rows.map((row) => ({
        kind: row.getAttribute('data-kind'),
        base: Number(row.getAttribute('data-base')),
        rate_pct: Number(row.getAttribute('data-rate')),
        amount: Number(row.getAttribute('data-amount')),
      })),
    );
    expect(shown).toEqual(expected.lines.map(({ kind, base, rate_pct, amount }) => ({ kind, base, rate_pct, amount })));
    if (expected.bill) expect(await page.getByTestId('tax-bill').getAttribute('data-status')).toBe(expected.bill.status);

    // The map shows the parcel in its status's colour: the search brought the map to it.
    const status = parcel.properties.tax_status as keyof typeof TAX_STATUS_COLORS;
    const [lon, lat] = pointOnFeature(parcel).geometry.coordinates as [number, number];
    const want = blended(TAX_STATUS_COLORS[status], 0.78);
    await expect.poll(async () => distance(await pixelAt(page, lon, lat), want), { timeout: 20_000 }).toBeLessThan(30);
    expect(problems).toEqual([]);
  });

  for (const viewer of ['executive', null] as const) {
    it(`shows ${viewer ?? 'the public'} the collection by zone and community and no parcel's status in any answer`, async () => {
      const client = viewer ? await Client.signIn(appBase(), viewer) : new Client(appBase());
      const byZone = await getJson<{ rows: { id: number; rate: number | null }[] }>(client, '/api/tax/collection?by=zone');
      let bodies: ReturnType<typeof collectApiBodies> | null = null;
      const { page, apiPaths, problems } = await browser.open(`${appBase()}/tax`, {
        ...DESK,
        ...(viewer ? { as: viewer } : {}),
        before: async (context) => {
          context.on('page', (p) => {
            bodies = collectApiBodies(p);
          });
        },
      });
      const rows = page.getByTestId('tax-collection-row');
      await expect.poll(() => rows.count()).toBe(byZone.rows.length);
      const rates = await rows.evaluateAll((els) => els.map((el) => [Number(el.getAttribute('data-id')), el.getAttribute('data-rate')] as const));
      expect(new Map(rates)).toEqual(new Map(byZone.rows.map((r) => [r.id, r.rate === null ? '' : String(r.rate)])));

      await page.getByTestId('tax-by-community').click();
      const byCommunity = await getJson<{ rows: unknown[] }>(client, '/api/tax/collection?by=community');
      await expect.poll(() => rows.count()).toBe(byCommunity.rows.length);

      // No parcel tile, no search, no parcel's tax: and no answer the page had names a status.
      expect(apiPaths().filter((p) => p.startsWith('/api/tiles/') || p.startsWith('/api/parcels') || p.startsWith('/api/tax/search'))).toEqual([]);
      const texts = await Promise.all(bodies!.bodies);
      expect(texts.length).toBeGreaterThan(0);
      for (const text of texts) expect(text).not.toContain('tax_status');
      expect(await page.getByTestId('tax-status-legend').count()).toBe(0);
      expect(problems).toEqual([]);
    });
  }

  it('records a payment at the desk: the charges it quoted are those recorded, and the bill is paid', async () => {
    const tax = await Client.signIn(appBase(), 'tax');
    // Of the year the page opens on (the server's billing year), the bill overdue longest (arrears
    // come longest first), so it carries a penalty and a surcharge.
    const { year } = await getJson<{ year: number }>(tax, '/api/tax/collection?by=zone');
    const arrears = await getJson<{ rows: { parcel_id: number; map_code: string | null; year: number }[] }>(tax, `/api/tax/arrears?year=${year}`);
    const row = arrears.rows.find((r) => r.map_code !== null)!;
    const before = await getJson<ParcelTax>(tax, `/api/parcels/${row.parcel_id}/tax?year=${row.year}`);
    const owed = before.bill!.owed_today;
    expect(owed.penalty + owed.surcharge).toBeGreaterThan(0);

    const { page, problems } = await browser.open(`${appBase()}/tax`, { ...DESK, as: 'tax' });
    await chooseCode(page, row.map_code!);
    const bill = page.getByTestId('tax-bill');
    await expect.poll(() => bill.getAttribute('data-status')).toBe('overdue');
    expect(Number(await page.getByTestId('tax-owed-today').getAttribute('data-total'))).toBe(owed.total);
    // The form offers what is owed of the tax; the server adds the day's charges to it.
    expect(Number(await page.getByTestId('tax-pay-amount').inputValue())).toBe(before.bill!.owed);
    const receipt = `BT-${row.parcel_id}-${Date.now()}`;
    await page.getByTestId('tax-pay-receipt').fill(receipt);
    await page.getByTestId('tax-pay-submit').click();

    const recorded = page.getByTestId('tax-pay-recorded');
    await recorded.waitFor();
    expect(Number(await recorded.getAttribute('data-penalty'))).toBe(owed.penalty);
    expect(Number(await recorded.getAttribute('data-surcharge'))).toBe(owed.surcharge);
    await expect.poll(() => bill.getAttribute('data-status')).toBe('paid');
    expect(
      await page
        .getByTestId('tax-payment')
        .and(page.locator(`[data-receipt="${receipt}"]`))
        .count(),
    ).toBe(1);
    expect(await page.getByTestId('tax-payment-form').count()).toBe(0);

    const after = await getJson<ParcelTax>(tax, `/api/parcels/${row.parcel_id}/tax?year=${row.year}`);
    expect(after.bill).toMatchObject({ status: 'paid', owed: 0 });
    expect(after.bill!.payments.find((p) => p.receipt_no === receipt)).toMatchObject({
      tax_part: before.bill!.owed,
      penalty: owed.penalty,
      surcharge: owed.surcharge,
    });
    expect(problems).toEqual([]);
  });

  it('shows where the arrears gather only when asked: the hot spots the API gives, with their legend', async () => {
    const tax = await Client.signIn(appBase(), 'tax');
    const hot = await getJson<Hotspots>(tax, '/api/tax/arrears/hotspots');
    expect(hot.features.length).toBeGreaterThan(0);
    const { page, apiPaths, problems } = await browser.open(`${appBase()}/tax`, { ...DESK, as: 'tax' });
    const asked = () => apiPaths().filter((p) => p.startsWith('/api/tax/arrears/hotspots')).length;
    expect(asked()).toBe(0);
    expect(await page.getByTestId('tax-hotspots-legend').count()).toBe(0);

    // The cell owing most (the answer's first), in the middle of the map.
    const [lon, lat] = pointOnFeature(hot.features[0]!).geometry.coordinates as [number, number];
    await page.evaluate(([a, b]) => window.__mueang!.view!(a!, b!, 15), [lon, lat]);
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    const without = await pixelAt(page, lon, lat);

    await page.getByTestId('tax-hotspots-toggle').check();
    await page.getByTestId('tax-hotspots-legend').waitFor();
    // Drawn in the darkest red of the ramp: the picture there turns redder.
    const redness = ([r, g, b]: readonly number[]) => r! - Math.max(g!, b!);
    await expect.poll(async () => redness(await pixelAt(page, lon, lat)) - redness(without), { timeout: 20_000 }).toBeGreaterThan(40);
    expect(asked()).toBe(1);

    await page.getByTestId('tax-hotspots-toggle').uncheck();
    expect(await page.getByTestId('tax-hotspots-legend').count()).toBe(0);
    await expect.poll(async () => distance(await pixelAt(page, lon, lat), without), { timeout: 20_000 }).toBeLessThan(12);
    expect(problems).toEqual([]);
  });

  it("prints a parcel's notice with its bill's figures", async () => {
    const tax = await Client.signIn(appBase(), 'tax');
    const { found } = await mixedBlock(tax);
    let billed: ParcelTax | null = null;
    for (const f of found.features) {
      const answer = await getJson<ParcelTax>(tax, `/api/parcels/${f.properties.id}/tax`);
      if (answer.bill && answer.tax > 0) {
        billed = answer;
        break;
      }
    }
    expect(billed, 'a billed parcel in the block').not.toBeNull();
    const { page, problems } = await browser.open(`${appBase()}/tax/notices/${billed!.parcel.id}`, { ...DESK, as: 'tax', ready: false });
    const notice = page.getByTestId('notice');
    await notice.waitFor();
    expect(await page.getByTestId('notice-no').innerText()).toBe(billed!.bill!.notice_no);
    expect(await page.getByTestId('notice-code').innerText()).toBe(billed!.parcel.map_code);
    expect(Number(await notice.getAttribute('data-tax'))).toBe(billed!.tax);
    expect(await page.getByTestId('notice-line').count()).toBe(billed!.lines.length);
    // B.E. dates, in full: the due date's year is the tax year.
    expect(await page.getByTestId('notice-due').innerText()).toContain(String(billed!.year));
    // On paper: the toolbar is not printed.
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByTestId('notice-toolbar').isVisible()).toBe(false);
    expect(problems).toEqual([]);
  });

  it('fits a 390 px phone: the workspace and a notice scroll only downwards', async () => {
    const { page, problems } = await browser.open(`${appBase()}/tax`, { ...PHONE, as: 'tax' });
    await page.getByTestId('tax-code-zone').waitFor({ state: 'attached' });
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    const notices = await browser.open(
      `${appBase()}/tax/notices/${(await mixedBlock(await Client.signIn(appBase(), 'tax'))).found.features[0]!.properties.id}`,
      {
        ...PHONE,
        as: 'tax',
        ready: false,
      },
    );
    await notices.page.getByTestId('notice').waitFor();
    expect(await sidewaysOverflow(notices.page)).toBeLessThanOrEqual(0);
    expect([...problems, ...notices.problems]).toEqual([]);
  });
});
