import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { appBase as base, browserSuite, chromiumAvailable, settle } from '../support/browser.ts';
import { Client, expectBody } from '../support/client.ts';

/**
 * The flood desk and the public flood page, in Chromium against a shared server. Other suites
 * act on the same server, so this relies only on what the seed's storm guarantees (a red level
 * alert and an orange one open) and on what it does itself.
 */

const DESK = { viewport: { width: 1440, height: 900 } };

/** How many colours the sensors are drawn in, sampled at each sensor in view (not under a panel). */
async function sensorColours(page: Page): Promise<number> {
  await settle(page);
  const png = PNG.sync.read(await page.screenshot());
  const colours = new Set<string>();
  for (const sensor of await sensors(base())) {
    const [x, y] = await at(page, sensor.lon, sensor.lat);
    const onMap = await page.evaluate(([px, py]) => document.elementFromPoint(px!, py!)?.tagName === 'CANVAS', [x, y]);
    if (!onMap) continue;
    const i = (Math.round(y) * png.width + Math.round(x)) * 4;
    colours.add(`${png.data[i]! >> 4},${png.data[i + 1]! >> 4},${png.data[i + 2]! >> 4}`);
  }
  return colours.size;
}

/** The built chunk files that hold deck.gl (named by vite.config.ts). */
function deckChunks(): string[] {
  const manifest = JSON.parse(readFileSync(new URL('../../dist/web/.vite/manifest.json', import.meta.url), 'utf8')) as Record<
    string,
    { file: string; name?: string }
  >;
  return Object.values(manifest)
    .filter((c) => c.name === 'deck')
    .map((c) => `/${c.file}`);
}

async function sensors(base: string) {
  const body = await expectBody(new Client(base).api.sensors.$get());
  return body.features.map((f) => ({ ...f.properties, lon: f.geometry.coordinates[0]!, lat: f.geometry.coordinates[1]! }));
}

const at = (page: Page, lon: number, lat: number) => page.evaluate(([x, y]) => window.__mueang!.project!(x!, y!), [lon, lat]);

describe.runIf(chromiumAvailable)('the flood desk (/flood) and the public flood page (/flood/public) in Chromium', () => {
  const browser = browserSuite();
  const wallCards = (page: Page) => page.getByTestId('alert-list').getByTestId('alert-card');

  it('shows the alert wall live, the red alert first, and loads none of the other pages’ data', async () => {
    const { page, apiPaths } = await browser.open(`${base()}/flood`, DESK);
    await expect.poll(() => page.getByTestId('flood-wall').getAttribute('data-connection'), { timeout: 15_000 }).toBe('live');
    await expect.poll(() => wallCards(page).count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    expect(await wallCards(page).first().getAttribute('data-severity')).toBe('critical');
    const severities = await wallCards(page).evaluateAll((cards) => cards.map((c) => c.getAttribute('data-severity')));
    expect(severities).toContain('warning');
    // Signed out, the wall is the public's: no names, no buttons.
    expect(await page.getByTestId('alert-acknowledge').count()).toBe(0);
    expect(await page.getByTestId('alert-people').count()).toBe(0);
    const paths = apiPaths();
    for (const other of ['/api/projects', '/api/trucks', '/api/communities', '/api/evaluation']) expect(paths, other).not.toContain(other);
    expect(paths.some((p) => p.startsWith('/api/tiles/'))).toBe(false);
  });

  it('colours the sensors by level on the map', async () => {
    const { page } = await browser.open(`${base()}/flood`, DESK);
    // Red, orange and the blue-grey of "normal" at least (yellow too, after the seed's storm).
    expect(await sensorColours(page)).toBeGreaterThanOrEqual(3);
  });

  it('opens a sensor’s hydrograph with its threshold lines on click', async () => {
    const { page, problems } = await browser.open(`${base()}/flood`, DESK);
    const red = (await sensors(base())).find((s) => s.level === 'critical' && !s.offline)!;
    const [x, y] = await at(page, red.lon, red.lat);
    await page.mouse.click(x, y);
    const focus = page.getByTestId('flood-focus');
    await expect.poll(() => focus.getAttribute('data-sensor'), { timeout: 10_000 }).toBe(red.code);
    const level = page.getByTestId('hydrograph-level');
    await level.waitFor({ timeout: 10_000 });
    const points = (await level.getAttribute('points'))!.trim().split(/\s+/);
    expect(points.length).toBeGreaterThan(20);
    for (const line of ['watch', 'warning', 'critical', 'reference']) {
      expect(await page.getByTestId(`threshold-${line}`).locator('line').count()).toBe(1);
    }
    // Its alert comes with it: the area at risk, counted.
    await expect
      .poll(
        () =>
          page
            .getByTestId('affected-population')
            .innerText()
            .catch(() => ''),
        { timeout: 10_000 },
      )
      .toMatch(/\d/);
    await page.getByTestId('range-7d').click();
    await expect.poll(() => page.getByTestId('hydrograph').getAttribute('data-points'), { timeout: 10_000 }).not.toBe(null);
    expect(problems).toEqual([]);
  });

  it('cues a new red alert live and lets disaster staff acknowledge it; a notification’s old link opens it', async () => {
    const { page, problems } = await browser.open(`${base()}/flood`, { ...DESK, as: 'disaster' });
    const name = await page.getByTestId('user-name').innerText({ timeout: 10_000 });
    // Disaster staff's stream: the wall carries staff detail and buttons.
    await expect.poll(() => page.getByTestId('alert-acknowledge').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('flood-wall').getAttribute('data-connection'), { timeout: 15_000 }).toBe('live');

    const quiet = (await sensors(base())).filter((s) => s.level === 'normal' && !s.offline).at(-1);
    if (!quiet) throw new Error('no sensor at normal level left to raise');
    const admin = await Client.signIn(base(), 'admin');
    const device = await expectBody(admin.api.devices.$post({ json: { kind: 'sensor', code: quiet.code, label: 'flood desk browser test' } }), 201);
    const cuesBefore = await page.evaluate(() => window.__mueang!.floodCues);
    const reading = { sensor: quiet.code, time: new Date(Date.now() - 1000).toISOString(), level_m: quiet.critical_m + 0.2 };
    await expectBody(Client.device(base(), device.key).api.readings.$post({ json: { readings: [reading] } }));

    const banner = page.getByTestId('red-alert-banner');
    await banner.waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => window.__mueang!.floodCues)).toBeGreaterThan(cuesBefore);
    const card = page.locator(`[data-testid="alert-card"][data-sensor="${quiet.code}"][data-severity="critical"]`);
    await card.waitFor({ timeout: 10_000 });
    expect(await card.getAttribute('class')).toMatch(/pulsing/);
    expect(await banner.innerText()).toContain(quiet.code);
    await page.getByTestId('red-alert-dismiss').click();
    expect(await banner.count()).toBe(0);

    await card.getByTestId('alert-acknowledge').click();
    await expect.poll(() => card.getAttribute('data-status'), { timeout: 10_000 }).toBe('acknowledged');
    expect(await card.getByTestId('alert-acknowledged-by').innerText()).toContain(name);
    expect(await card.getAttribute('class')).not.toMatch(/pulsing/);
    // Nothing left to acknowledge; resolving is still offered.
    expect(await card.getByTestId('alert-resolve').count()).toBe(1);
    expect(await card.getByTestId('alert-acknowledge').count()).toBe(0);

    // The link notifications already sent carry (/?view=flood&alert=…) opens the desk on that alert.
    const alertId = await card.getAttribute('data-alert-id');
    expect(alertId).toMatch(/^\d+$/);
    await page.goto(`${base()}/?view=flood&alert=${alertId}`, { waitUntil: 'load' });
    expect(new URL(page.url()).pathname).toBe('/flood');
    await expect
      .poll(
        () =>
          page
            .getByTestId('alert-detail')
            .getAttribute('data-alert-id')
            .catch(() => null),
        { timeout: 20_000 },
      )
      .toBe(alertId);
    expect(await page.getByTestId('flood-focus').getAttribute('data-sensor')).toBe(quiet.code);
    expect(problems).toEqual([]);
  }, 90_000);

  it('keeps the public page public, even in a browser where staff are signed in, and without deck.gl or staff requests', async () => {
    const me = await expectBody((await Client.signIn(base(), 'disaster')).api.auth.me.$get());
    const staff = me.user!.display_name;
    // The browser carries a disaster officer's session cookie.
    const { page, requests, problems } = await browser.open(`${base()}/flood/public`, { ...DESK, as: 'disaster' });
    const warnings = page.getByTestId('public-warning');
    await expect.poll(() => warnings.count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    const severities = await warnings.evaluateAll((items) => items.map((i) => i.getAttribute('data-severity')));
    expect(severities.every((s) => s === 'critical' || s === 'warning')).toBe(true);
    expect(await page.getByTestId('cap-link').getAttribute('href')).toBe('/api/flood/cap');
    expect(await page.getByTestId('latest-reading').innerText()).toMatch(/\d/);

    const text = await page.locator('body').innerText();
    expect(text).not.toContain(staff);
    for (const testId of ['sign-in', 'user-name', 'alert-acknowledge', 'alert-people', 'view-switch']) {
      expect(await page.getByTestId(testId).count()).toBe(0);
    }
    // Nothing to press but the language and the map's own zoom buttons (a sheet's bar is there
    // only on a phone: hidden, it has no offsetParent).
    const buttons = await page
      .locator('main button')
      .evaluateAll((all) => all.filter((b) => !b.closest('.maplibregl-ctrl') && (b as HTMLElement).offsetParent !== null).length);
    expect(buttons).toBe(0);

    // What this page loaded: no deck.gl chunk, no session and nothing of the staff pages.
    const loaded = requests.map((url) => new URL(url).pathname);
    const deck = deckChunks();
    expect(deck.length).toBe(1);
    expect(loaded.filter((p) => deck.includes(p))).toEqual([]);
    expect(loaded.some((p) => p.endsWith('.js'))).toBe(true);
    const api = loaded.filter((p) => p.startsWith('/api/'));
    for (const staffPath of ['/api/auth/me', '/api/projects', '/api/trucks', '/api/flood/contacts', '/api/audit', '/api/alerts']) {
      expect(api, staffPath).not.toContain(staffPath);
    }
    expect(api).toContain('/api/live');
    expect(problems).toEqual([]);
  }, 90_000);

  it('draws the public map’s sensors and warnings with MapLibre alone', async () => {
    const { page } = await browser.open(`${base()}/flood/public`, DESK);
    expect(await sensorColours(page)).toBeGreaterThanOrEqual(3);
  });
});
