import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appBase as base, browserSuite, chromiumAvailable, waitForStatus } from '../support/browser.ts';

/**
 * What each page fetches before its first complete frame, from the page's own Resource Timing
 * (the order the browser sent requests in, on the same clock as the readiness event): only what
 * that frame draws. Data for other zooms, other pages' code and other pages' data come after it,
 * or never. An eager fetch added anywhere shows up here.
 */
async function fetchedBeforeFirstFrame(page: Page): Promise<{ api: string[]; scripts: string[] }> {
  // A request enters Resource Timing when it completes: one sent before the frame may still be
  // on its way (the city map's plan outline, for the layer panel, which the frame does not wait for).
  await page.waitForLoadState('networkidle');
  const before = await page.evaluate(() => {
    const readyAt = window.__mueang?.readyAt ?? 0;
    return performance
      .getEntriesByType('resource')
      .filter((entry) => entry.startTime < readyAt)
      .map((entry) => {
        const url = new URL(entry.name);
        return url.pathname + url.search;
      });
  });
  expect(before.length).toBeGreaterThan(0);
  return {
    api: before.filter((path) => path.startsWith('/api/')),
    scripts: before.filter((path) => /^\/assets\/.*\.m?js$/.test(path)).map((path) => path.replace(/^\/assets\/(.+)-[\w-]{8}\.m?js$/, '$1')),
  };
}

/** The API paths without their query, for "only these endpoints" checks. */
const endpoints = (paths: string[]) => [...new Set(paths.map((path) => path.split('?')[0]!.replace(/\/\d+(\/|$)/g, '/:id$1')))];

const STAFF_PAGE_CHUNKS = ['CityPage', 'PlanPage', 'FloodDeskPage', 'AuditPanel'];

describe.runIf(chromiumAvailable)('what the first frame does not need is not fetched before it', () => {
  const browser = browserSuite();

  it('city map (/): its layers only; no parcel tiles, no other page’s code or data', async () => {
    const { page } = await browser.open(base(), { as: 'planner' });
    const { api, scripts } = await fetchedBeforeFirstFrame(page);
    // Parcels are never waited for: their tiles (hundreds of KB at the city view) come after.
    expect(api.filter((path) => path.startsWith('/api/tiles/'))).toEqual([]);
    expect(endpoints(api).sort()).toEqual(
      // Staff also see the late construction sites.
      [
        '/api/auth/me',
        '/api/basemap',
        '/api/boundary',
        '/api/communities',
        '/api/plan',
        '/api/projects',
        '/api/sensors',
        '/api/sites',
        '/api/trucks',
        '/api/zones',
      ].sort(),
    );
    expect(scripts.filter((chunk) => STAFF_PAGE_CHUNKS.includes(chunk))).toEqual(['CityPage']);
    // Every layer is MapLibre's own: deck.gl's shaders would cost seconds to compile in software.
    expect(scripts).not.toContain('deck');
  });

  it('plan view (/plan): the zones’ figures; the communities’ choropleth (a closer zoom) only after the frame', async () => {
    const { page } = await browser.open(`${base()}/plan`, { as: 'executive' });
    const { api, scripts } = await fetchedBeforeFirstFrame(page);
    expect(api.filter((path) => path.startsWith('/api/communities') || /[?&]by=community/.test(path))).toEqual([]);
    for (const other of ['/api/projects', '/api/trucks', '/api/sensors', '/api/tiles/', '/api/live', '/api/alerts']) {
      expect(api.filter((path) => path.startsWith(other))).toEqual([]);
    }
    expect(api.some((path) => path.startsWith('/api/evaluation?') && path.includes('by=zone'))).toBe(true);
    expect(scripts.filter((chunk) => STAFF_PAGE_CHUNKS.includes(chunk))).toEqual(['PlanPage']);
    expect(scripts).not.toContain('deck');
    // Then the communities come, so zooming in finds them loaded.
    await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.includes('by=community')), undefined, { timeout: 30_000 });
  });

  it('public flood map (/flood/public): no sign-in, no plan, parcels, deck.gl or staff code', async () => {
    const { page } = await browser.open(`${base()}/flood/public`);
    const { api, scripts } = await fetchedBeforeFirstFrame(page);
    expect(
      endpoints(api).every((path) => ['/api/boundary', '/api/basemap', '/api/zones', '/api/live', '/api/alerts/:id/affected'].includes(path)),
      api.join(' '),
    ).toBe(true);
    expect(scripts.filter((chunk) => chunk === 'deck' || STAFF_PAGE_CHUNKS.includes(chunk))).toEqual([]);
  });
});

/** The map's canvas as the page shows it: MapView hides it until the first complete frame. */
const canvasVisibility = (page: Page) => page.evaluate(() => getComputedStyle(document.querySelector('.maplibregl-canvas') as Element).visibility);

describe.runIf(chromiumAvailable)('the map is shown complete, not drawn layer by layer', () => {
  const browser = browserSuite();

  it('keeps the canvas hidden while a layer is still coming, and shows it with the first complete frame', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { page } = await browser.open(base(), {
      ready: false,
      before: (context) =>
        context.route('**/api/trucks', async (route) => {
          await held;
          await route.continue();
        }),
    });
    await waitForStatus(page, 'every layer but the trucks', (s) => s.layers.projects > 0 && s.layers.sensors > 0 && s.layers.zones > 0);
    expect(await canvasVisibility(page)).toBe('hidden');
    release();
    await waitForStatus(page, 'the first complete frame', (s) => s.ready);
    expect(await canvasVisibility(page)).toBe('visible');
  });

  it('shows what it has at once when a layer fails, rather than nothing', async () => {
    const { page } = await browser.open(base(), {
      ready: false,
      before: (context) => context.route('**/api/trucks', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":"down"}' })),
    });
    await waitForStatus(page, 'the failure', (s) => s.errors.some((e) => e.startsWith('trucks')));
    await page.waitForFunction(() => getComputedStyle(document.querySelector('.maplibregl-canvas') as Element).visibility === 'visible', undefined, {
      timeout: 5000,
    });
    expect(await page.evaluate(() => window.__mueang?.ready)).toBe(false);
  });
});
