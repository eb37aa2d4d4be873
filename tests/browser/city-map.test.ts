import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chromiumAvailable, openApp, type OpenApp } from '../support/browser.ts';

const embedded = inject('engines').find((e) => e.engine === 'embedded');

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

async function settle(page: Page): Promise<void> {
  // Two animation frames: deck.gl redraws on the frame after a prop change.
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 300)))));
}

describe.runIf(chromiumAvailable)('the city map in Chromium', () => {
  let app: OpenApp;
  let page: Page;

  beforeAll(async () => {
    if (!embedded) throw new Error('no embedded server to load the app from');
    app = await openApp(embedded.url);
    page = app.page;
    await page.waitForFunction(() => (window.__mueang?.layers.parcels ?? 0) > 0, undefined, { timeout: 60_000 });
    await settle(page);
  }, 180_000);

  afterAll(async () => app?.close());

  it('loads every layer of the city', async () => {
    const layers = await page.evaluate(() => window.__mueang!.layers);
    // Other suites may have added projects to the shared server: compare with what it holds now.
    const projects = ((await (await fetch(`${embedded!.url}/api/projects`)).json()) as { features: unknown[] }).features.length;
    expect(projects).toBeGreaterThanOrEqual(519);
    expect(layers).toMatchObject({ zones: 4, communities: 95, projects, trucks: 24, sensors: 24 });
    expect(layers.parcels).toBeGreaterThan(100);
  });

  it('draws a map, not a blank canvas', async () => {
    const picture = await mapPixels(page);
    expect(colourCount(picture)).toBeGreaterThan(40);
  });

  it.each([
    ['zones', 0.15],
    ['parcels', 0.05],
    ['projects', 0.002],
    ['sensors', 0.0005],
    ['trucks', 0.0005],
  ])('draws the %s layer: switching it off changes the picture', async (layer, minimumShare) => {
    const toggle = page.getByTestId(`layer-toggle-${layer}`);
    const before = await mapPixels(page);
    await toggle.uncheck();
    await settle(page);
    const without = await mapPixels(page);
    await toggle.check();
    await settle(page);
    const after = await mapPixels(page);
    expect(changedShare(before, without)).toBeGreaterThan(minimumShare);
    expect(changedShare(before, after)).toBeLessThan(minimumShare / 2);
  });

  it('shows the details of a clicked feature', async () => {
    const box = (await page.getByTestId('map').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const details = page.getByTestId('details-panel');
    await expect.poll(async () => (await details.isVisible()) && (await details.innerText()).trim().length > 0, { timeout: 10_000 }).toBe(true);
  });

  it('speaks Thai first and switches to English', async () => {
    const switcher = page.getByTestId('layer-switcher');
    expect(await switcher.innerText()).toMatch(/เขต/);
    await page.getByTestId('lang-toggle').click();
    await expect.poll(() => switcher.innerText()).toMatch(/Zones/);
    await page.getByTestId('lang-toggle').click();
    await expect.poll(() => switcher.innerText()).toMatch(/เขต/);
  });
});
