import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appBase, browserSuite, chromiumAvailable } from '../support/browser.ts';

/**
 * Every page on a phone, in Chromium with a touch screen: nothing scrolls sideways, the header
 * folds into a menu, panels are bottom sheets that collapse to a bar and give the map back,
 * controls are finger-sized, and the map pans under a finger. Each test opens its own page.
 */

const PAGES = ['/', '/plan', '/flood', '/flood/public'];
const PHONES = [
  { width: 390, height: 844 },
  { width: 360, height: 640 },
];
const FINGER = 44;

describe.runIf(chromiumAvailable)('every page on a phone', () => {
  const browser = browserSuite();

  async function openPhone(path: string, viewport: { width: number; height: number }): Promise<Page> {
    return (await browser.open(`${appBase()}${path}`, { viewport, phone: true })).page;
  }

  /** Visible interactive elements under `root` smaller than a finger, as "text w×h". */
  const tooSmall = (page: Page, root: string) =>
    page.evaluate(
      ([selector, min]) => {
        const out: string[] = [];
        for (const scope of document.querySelectorAll(selector as string)) {
          for (const el of scope.querySelectorAll<HTMLElement>('button, [role=tab], label, select, .app-header a')) {
            const r = el.getBoundingClientRect();
            if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
            if (r.width < (min as number) - 0.5 || r.height < (min as number) - 0.5) {
              out.push(`${el.tagName} "${(el.textContent ?? '').trim().slice(0, 20)}" ${Math.round(r.width)}×${Math.round(r.height)}`);
            }
          }
        }
        return out;
      },
      [root, FINGER] as const,
    );

  /** The share of the map's area that no sheet covers (sheets stack, so their areas add up). */
  const uncovered = (page: Page) =>
    page.evaluate(() => {
      const map = document.querySelector('.app-main')!.getBoundingClientRect();
      let covered = 0;
      for (const panel of document.querySelectorAll('.app-main > .panel')) {
        const r = panel.getBoundingClientRect();
        const w = Math.max(0, Math.min(r.right, map.right) - Math.max(r.left, map.left));
        const h = Math.max(0, Math.min(r.bottom, map.bottom) - Math.max(r.top, map.top));
        covered += w * h;
      }
      return 1 - covered / (map.width * map.height);
    });

  const sidewaysOverflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

  describe.each(PHONES)('at $width×$height', (viewport) => {
    // One page per path and size for both checks (loading it is most of the time); each
    // assertion names what it checks, so a failure says which part of the layout broke.
    it.each(PAGES)(
      '%s: no sideways scroll, the header folds into a menu, targets are finger-sized; the sheets leave two fifths of the map clear, collapse to bars and open again',
      async (path) => {
        const page = await openPhone(path, viewport);
        expect(await sidewaysOverflow(page), 'sideways overflow on load').toBeLessThanOrEqual(0);

        const header = (await page.getByTestId('app-header').boundingBox())!;
        expect(header.height, 'header height').toBeLessThanOrEqual(60);
        expect(header.x + header.width, 'header right edge').toBeLessThanOrEqual(viewport.width);
        // Folded: the language switch waits behind the menu button.
        expect(await page.getByTestId('lang-toggle').isVisible(), 'language switch visible while the menu is folded').toBe(false);

        await page.getByTestId('menu-button').tap();
        await page.getByTestId('lang-toggle').waitFor({ state: 'visible', timeout: 5_000 });
        for (const el of await page.locator('.app-header button, .app-header a').all()) {
          if (!(await el.isVisible())) continue;
          const box = (await el.boundingBox())!;
          const name = `header control "${(await el.innerText()).trim().slice(0, 20)}"`;
          expect(box.x, `${name} left edge`).toBeGreaterThanOrEqual(0);
          expect(box.x + box.width, `${name} right edge`).toBeLessThanOrEqual(viewport.width);
        }
        expect(await tooSmall(page, '.app-header'), 'header controls smaller than a finger').toEqual([]);
        expect(await tooSmall(page, '.app-main > .panel'), 'panel controls smaller than a finger').toEqual([]);
        expect(await sidewaysOverflow(page), 'sideways overflow with the menu open').toBeLessThanOrEqual(0);

        // Closing the menu folds it again.
        await page.getByTestId('menu-button').tap();
        await page.getByTestId('lang-toggle').waitFor({ state: 'hidden', timeout: 5_000 });

        const bars = page.locator('.app-main > .panel > .sheet-bar');
        const count = await bars.count();
        expect(count, 'sheet bars').toBeGreaterThan(0);
        expect(await uncovered(page), 'share of the map clear of the open sheets').toBeGreaterThanOrEqual(0.39);
        for (const bar of await bars.all()) {
          const box = (await bar.boundingBox())!;
          expect(box.y + box.height, 'sheet bar bottom edge').toBeLessThanOrEqual(viewport.height);
        }

        // The page's main sheet starts open; a secondary one may start as its bar.
        const open = async () => (await Promise.all((await bars.all()).map((bar) => bar.getAttribute('aria-expanded')))).map((v) => v === 'true');
        expect((await open()).some(Boolean), 'a sheet open at first').toBe(true);
        for (const [i, isOpen] of (await open()).entries()) if (isOpen) await bars.nth(i).tap();
        for (let i = 0; i < count; i++) await expect.poll(() => bars.nth(i).getAttribute('aria-expanded'), { message: `sheet ${i} collapsed` }).toBe('false');
        // Collapsed, only the bars remain: each 44 px high.
        const clear = await uncovered(page);
        expect(clear, 'share of the map clear of the collapsed sheets').toBeGreaterThanOrEqual(1 - (count * (FINGER + 4)) / (viewport.height - 48));

        await bars.first().tap();
        await expect.poll(() => bars.first().getAttribute('aria-expanded'), { message: 'first sheet open again' }).toBe('true');
        const sheet = page.locator('.app-main > .panel').first();
        expect((await sheet.boundingBox())!.height, 'height of the sheet opened again').toBeGreaterThan(FINGER + 10);
      },
      120_000,
    );
  });

  it('a secondary sheet starts as its bar, so the main one has the room', async () => {
    const page = await openPhone('/flood', PHONES[0]!);
    await expect.poll(() => page.getByTestId('flood-focus-empty').locator('.sheet-bar').getAttribute('aria-expanded')).toBe('false');
    expect(await page.getByTestId('flood-wall').locator('.sheet-bar').getAttribute('aria-expanded')).toBe('true');
    // The map's zoom buttons stay in the clear part of the map, finger-sized.
    const zoomIn = (await page.locator('.maplibregl-ctrl-zoom-in').boundingBox())!;
    const firstSheet = (await page.locator('.app-main > .panel').first().boundingBox())!;
    expect(zoomIn.y + zoomIn.height).toBeLessThanOrEqual(firstSheet.y);
    expect(Math.min(zoomIn.width, zoomIn.height)).toBeGreaterThanOrEqual(FINGER - 0.5);
  }, 120_000);

  it('the map pans under a finger on a phone', async () => {
    // MapLibre's gestures, on the lightest page with a map: what the public opens on a phone.
    const page = await openPhone('/flood/public', PHONES[0]!);
    const KK: [number, number] = [102.835, 16.43];
    const before = await page.evaluate(([lon, lat]) => window.__mueang!.project!(lon!, lat!), KK);
    const cdp = await page.context().newCDPSession(page);
    const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', x: number, y: number) =>
      cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x, y }] });
    // A slow drag from the middle of the clear map, 80 px down, as a finger does.
    await touch('touchStart', 195, 200);
    for (let step = 1; step <= 8; step++) await touch('touchMove', 195, 200 + step * 10);
    await touch('touchEnd', 195, 280);
    await expect
      .poll(async () => (await page.evaluate(([lon, lat]) => window.__mueang!.project!(lon!, lat!), KK))[1] - before[1], { timeout: 10_000 })
      .toBeGreaterThan(40);
  }, 120_000);

  it('the map zooms in when two fingers spread apart', async () => {
    // MapLibre's gestures, on the lightest page with a map: what the public opens on a phone.
    const page = await openPhone('/flood/public', PHONES[0]!);
    // Two points of the city a kilometre apart: their distance on screen grows as the map zooms in.
    const spread = () =>
      page.evaluate(() => {
        const [a, b] = [window.__mueang!.project!(102.83, 16.43), window.__mueang!.project!(102.84, 16.43)];
        return Math.hypot(a[0] - b[0], a[1] - b[1]);
      });
    const before = await spread();
    const cdp = await page.context().newCDPSession(page);
    const pinch = (type: 'touchStart' | 'touchMove' | 'touchEnd', gap: number) =>
      cdp.send('Input.dispatchTouchEvent', {
        type,
        touchPoints:
          type === 'touchEnd'
            ? []
            : [
                { x: 195 - gap, y: 200, id: 1 },
                { x: 195 + gap, y: 200, id: 2 },
              ],
      });
    await pinch('touchStart', 30);
    for (let step = 1; step <= 8; step++) await pinch('touchMove', 30 + step * 10);
    await pinch('touchEnd', 110);
    await expect.poll(async () => (await spread()) / before, { timeout: 10_000 }).toBeGreaterThan(1.5);
  }, 120_000);
});
