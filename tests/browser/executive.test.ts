import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chromiumAvailable, openApp, type OpenApp } from '../support/browser.ts';

const embedded = inject('engines').find((e) => e.engine === 'embedded');

async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 300)))));
}

interface ZoneLabel { id: number; lon: number; lat: number }

describe.runIf(chromiumAvailable)('the executive view in Chromium', () => {
  let app: OpenApp;
  let page: Page;
  let zones: ZoneLabel[];

  beforeAll(async () => {
    if (!embedded) throw new Error('no embedded server to load the app from');
    const collection = (await (await fetch(`${embedded.url}/api/zones`)).json()) as {
      features: { properties: { id: number; label_lon: number; label_lat: number } }[];
    };
    zones = collection.features.map((f) => ({ id: f.properties.id, lon: f.properties.label_lon, lat: f.properties.label_lat }));
    app = await openApp(embedded.url, { width: 1280, height: 800 });
    page = app.page;
  }, 180_000);

  afterAll(async () => app?.close());

  it('switches to the executive view and shows the plan total', async () => {
    await page.getByTestId('view-executive').click();
    await expect.poll(() => page.getByTestId('kpi-projects').innerText(), { timeout: 15_000 }).toMatch(/519/);
    expect(await page.getByTestId('kpi-approved').innerText()).toMatch(/44\.31\s*%/);
    expect(await page.getByTestId('view-switch').innerText()).toMatch(/ผลการดำเนินงานตามแผน/);
    // The city's layer switcher and details give way to the executive panels.
    expect(await page.getByTestId('layer-switcher').count()).toBe(0);
  });

  it('has a legend with class breaks and draws the four zones in different colours', async () => {
    const legend = page.getByTestId('exec-legend');
    await expect.poll(() => legend.locator('li').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    expect(await legend.innerText()).toMatch(/\d+\.\d{2}\s*–\s*\d+\.\d{2}%/);
    await settle(page);

    // Sample the fill a little below each zone's label (the label itself is an HTML marker).
    const png = PNG.sync.read(await page.screenshot());
    const colours = new Set<string>();
    for (const zone of zones) {
      const [x, y] = await page.evaluate(([lon, lat]) => window.__mueang!.project!(lon!, lat!), [zone.lon, zone.lat]);
      const i = (Math.round(y + 30) * png.width + Math.round(x)) * 4;
      colours.add(`${png.data[i]! >> 3},${png.data[i + 1]! >> 3},${png.data[i + 2]! >> 3}`);
    }
    expect(colours.size).toBe(4);
  });

  it('opens a zone’s panel with its late projects on click', async () => {
    const zone = zones.find((z) => z.id === 1)!;
    const [x, y] = await page.evaluate(([lon, lat]) => window.__mueang!.project!(lon!, lat!), [zone.lon, zone.lat]);
    await page.mouse.click(x, y + 40);
    const panel = page.getByTestId('exec-zone-panel');
    await expect.poll(() => panel.getAttribute('data-zone'), { timeout: 10_000 }).toBe('1');
    await expect.poll(() => panel.getByTestId('exec-late-projects').locator('li').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const late = ((await (await fetch(`${embedded!.url}/api/projects?fy=2561&zone=1`)).json()) as { features: { properties: { late: boolean } }[] })
      .features.filter((f) => f.properties.late).length;
    expect(await panel.getByTestId('exec-late-projects').locator('li').count()).toBe(late);
  });

  it('lists the validation findings, errors first, and switches to English', async () => {
    const findings = page.getByTestId('exec-findings');
    await expect.poll(() => findings.locator('li').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await findings.locator('li').first().getAttribute('data-severity')).toBe('error');
    expect(await findings.innerText()).toMatch(/155/);
    await page.getByTestId('lang-toggle').click();
    await expect.poll(() => page.getByTestId('exec-controls').innerText()).toMatch(/Projects in plan/);
    await page.getByTestId('lang-toggle').click();
    expect(app.problems).toEqual([]);
  });

  it('goes back to the city map with its layers', async () => {
    await page.getByTestId('view-city').click();
    await expect.poll(() => page.getByTestId('layer-switcher').isVisible()).toBe(true);
    expect(await page.getByTestId('exec-controls').count()).toBe(0);
  });
});
