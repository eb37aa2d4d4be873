import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appBase as base, browserSuite, chromiumAvailable, settle, waitForStatus } from '../support/browser.ts';
import { Client, expectBody } from '../support/client.ts';

const CITY_VIEW = { viewport: { width: 1100, height: 760 } };

/** The map's pixels, decoded. */
async function mapPixels(page: Page): Promise<PNG> {
  return PNG.sync.read(await page.getByTestId('map').screenshot());
}

/** Share of pixels whose colour changed by more than a little between two pictures. */
function changedShare(a: PNG, b: PNG): number {
  let changed = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    const d = Math.abs(a.data[i]! - b.data[i]!) + Math.abs(a.data[i + 1]! - b.data[i + 1]!) + Math.abs(a.data[i + 2]! - b.data[i + 2]!);
    if (d > 24) changed++;
  }
  return changed / (a.width * a.height);
}

/** How many distinct colours (to 4 bits a channel) the picture has: a blank map has one or two. */
function colourCount(png: PNG): number {
  const colours = new Set<number>();
  for (let i = 0; i < png.data.length; i += 4) colours.add(((png.data[i]! >> 4) << 8) | ((png.data[i + 1]! >> 4) << 4) | (png.data[i + 2]! >> 4));
  return colours.size;
}

const waitForParcels = (page: Page) => waitForStatus(page, 'parcel tiles', (status) => status.layers.parcels > 0);

describe.runIf(chromiumAvailable)('the city map (/) in Chromium', () => {
  const browser = browserSuite();

  it('loads every layer of the city, and nothing of the other pages; speaks Thai first and switches to English', async () => {
    const { page, apiPaths, problems } = await browser.open(base(), CITY_VIEW);
    await waitForParcels(page);
    const layers = await page.evaluate(() => window.__mueang!.layers);
    // Other suites may have added projects to the shared server: compare with what it holds now.
    const projects = (await expectBody(new Client(base()).api.projects.$get({ query: {} }))).features.length;
    expect(projects).toBeGreaterThanOrEqual(519);
    expect(layers).toMatchObject({ zones: 4, communities: 95, projects, trucks: 24, sensors: 24 });
    expect(layers.parcels).toBeGreaterThan(100);
    const paths = apiPaths();
    expect(paths.some((p) => p.startsWith('/api/tiles/parcels/'))).toBe(true);
    for (const other of ['/api/evaluation', '/api/evaluation/checks', '/api/live', '/api/alerts', '/api/flood/contacts']) {
      expect(paths, other).not.toContain(other);
    }
    // Construction sites are staff work: the public's map neither asks for them nor offers the layer.
    expect(paths.filter((p) => p.startsWith('/api/sites'))).toEqual([]);
    expect(await page.getByTestId('layer-toggle-sites').count()).toBe(0);

    const switcher = page.getByTestId('layer-switcher');
    expect(await switcher.innerText()).toMatch(/เขต/);
    await page.getByTestId('lang-toggle').click();
    await expect.poll(() => switcher.innerText()).toMatch(/Zones/);
    await page.getByTestId('lang-toggle').click();
    await expect.poll(() => switcher.innerText()).toMatch(/เขต/);
    expect(problems).toEqual([]);
  });

  it('draws every layer: a map, not a blank canvas, and switching each layer off changes the picture', async () => {
    const { page } = await browser.open(base(), CITY_VIEW);
    await waitForParcels(page);
    await settle(page);
    const full = await mapPixels(page);
    expect(colourCount(full)).toBeGreaterThan(40);
    // Every frame with the whole city's 32,000 parcels costs seconds in software rendering: the
    // parcels are switched off first and on again last, and the other layers are tried between.
    const parcels = page.getByTestId('layer-toggle-parcels');
    await parcels.uncheck();
    await settle(page);
    let before = await mapPixels(page);
    expect.soft(changedShare(full, before), 'parcels off').toBeGreaterThan(0.05);
    const layers: [string, number][] = [
      ['zones', 0.15],
      ['projects', 0.002],
      ['sensors', 0.0005],
      ['trucks', 0.0005],
    ];
    for (const [layer, minimumShare] of layers) {
      const toggle = page.getByTestId(`layer-toggle-${layer}`);
      await toggle.uncheck();
      await settle(page);
      const without = await mapPixels(page);
      await toggle.check();
      await settle(page);
      const after = await mapPixels(page);
      expect.soft(changedShare(before, without), `${layer} off`).toBeGreaterThan(minimumShare);
      expect.soft(changedShare(before, after), `${layer} on again`).toBeLessThan(minimumShare / 2);
      before = after;
    }
    await parcels.check();
    await waitForParcels(page);
    await settle(page);
    expect.soft(changedShare(full, await mapPixels(page)), 'parcels on again').toBeLessThan(0.05 / 2);
  }, 120_000);

  it('shows staff the late construction sites, each with its delay and a link to its page', async () => {
    const { page, apiPaths, problems } = await browser.open(base(), { ...CITY_VIEW, as: 'executive' });
    const executive = await Client.signIn(base(), 'executive');
    const body = await expectBody(executive.api.sites.$get({ query: { format: 'json' } }));
    if (!('sites' in body)) throw new Error('GET /api/sites answered no list');
    const { sites } = body;
    const late = sites.filter((s) => s.late);
    expect(late.length).toBeGreaterThan(0);
    // The predicate runs in the page: it can close over nothing of the test's.
    await waitForStatus(page, 'the sites', (status) => status.layers.sites > 0);
    expect((await page.evaluate(() => window.__mueang!.layers)).sites).toBe(sites.length);
    expect(apiPaths()).toContain('/api/sites');
    expect(await page.getByTestId('layer-toggle-sites').isChecked()).toBe(true);
    expect(await page.getByTestId('legend-sites').count()).toBe(1);

    // The furthest behind (the list's first): its details say by how much, and lead to its page.
    const [worst] = late;
    expect(await page.evaluate((id) => window.__mueang!.select!('site', id), worst!.project_id)).toBe(true);
    const details = page.getByTestId('details-panel');
    await expect.poll(() => details.getAttribute('data-kind'), { timeout: 10_000 }).toBe('site');
    expect(await details.locator('[data-field=site-state]').innerText()).toContain(
      worst!.late_reason === 'behind' ? String(Math.round(worst!.delay_pts ?? 0)) : 'เกินกำหนด',
    );
    const link = page.getByTestId('site-link');
    expect(await link.getAttribute('href')).toBe(`/sites/${worst!.project_id}`);
    await link.click();
    await page.waitForFunction((id) => window.location.pathname === `/sites/${id}`, worst!.project_id, { timeout: 10_000 });
    expect(problems).toEqual([]);
  });

  it('shows the details of a clicked feature', async () => {
    // Any feature: a smaller window draws the city below the parcels' zoom, far fewer pixels and
    // no parcel tiles to draw in software (the parcel details are access.test.ts's).
    const { page } = await browser.open(base(), { viewport: { width: 800, height: 560 } });
    const box = (await page.getByTestId('map').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const details = page.getByTestId('details-panel');
    await expect.poll(async () => (await details.isVisible()) && (await details.innerText()).trim().length > 0, { timeout: 10_000 }).toBe(true);

    // A truck is an HTML marker of its own over the map: a click on it opens that truck. With the
    // details closed, a truck is brought to the middle of the map (where the first click showed
    // no panel lies), wherever the trucks are at the hour the demo started; the marker on top
    // there (at the depot, several stand together) is the one clicked.
    await details.locator('button.close').click();
    const trucks = (await (await fetch(new URL('/api/trucks', base()))).json()) as { features: { geometry: { coordinates: [number, number] } }[] };
    const at = trucks.features[0]!.geometry.coordinates;
    await page.evaluate(([lon, lat]) => window.__mueang!.view!(lon!, lat!, 13), at);
    const [x, y] = await page.evaluate(([lon, lat]) => window.__mueang!.project!(lon!, lat!), at);
    const topmost = () =>
      page.evaluate(([px, py]) => document.elementFromPoint(px!, py!)?.closest('.truck-marker')?.getAttribute('data-truck') ?? null, [x, y]);
    await expect.poll(topmost, { timeout: 10_000 }).not.toBeNull();
    const code = (await topmost())!;
    await page.mouse.click(x!, y!);
    await expect.poll(async () => details.innerText(), { timeout: 10_000 }).toContain(code);
  });

  it('moves between pages by the header links without reloading, and old ?view= links land on the new paths', async () => {
    const { page, problems } = await browser.open(`${base()}/?view=executive`);
    expect(new URL(page.url()).pathname).toBe('/plan');
    expect(await page.getByTestId('exec-controls').count()).toBe(1);
    expect(await page.getByTestId('view-executive').getAttribute('aria-current')).toBe('page');

    // A marker on the window survives client-side navigation, not a reload.
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));
    await page.getByTestId('view-city').click();
    await page.waitForFunction(() => window.location.pathname === '/' && window.__mueang?.ready === true, undefined, { timeout: 60_000 });
    await page.getByTestId('layer-switcher').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('exec-controls').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    // The header's tabs are links a person can open in a new tab.
    expect(await page.getByTestId('view-flood').getAttribute('href')).toBe('/flood');
    await page.goBack();
    await page.waitForFunction(() => window.location.pathname === '/plan' && window.__mueang?.ready === true, undefined, { timeout: 60_000 });
    expect(await page.getByTestId('exec-controls').count()).toBe(1);

    await page.goto(`${base()}/?view=flood-public&lang=en`, { waitUntil: 'load' });
    expect(new URL(page.url()).pathname).toBe('/flood/public');
    expect(new URL(page.url()).searchParams.get('lang')).toBe('en');
    expect(problems).toEqual([]);
  });
});
