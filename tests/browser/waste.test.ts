import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appBase, browserSuite, chromiumAvailable } from '../support/browser.ts';
import { Client } from '../support/client.ts';

/**
 * The waste collection workspace (/waste) and a truck's replay (/waste/trucks/{code}), in
 * Chromium against the real server and its demo trucks, rounds and pickup points (issue 13).
 * Nothing here writes: the demo day is read as the API describes it, and the page must agree.
 */

const DESK = { viewport: { width: 1280, height: 800 } };
const STAFF = 'engineer';
const TRUCK_STATES = ['moving', 'stopped', 'depot', 'offline'];

interface Track {
  truck: { code: string };
  track: { t: number[]; lon: number[]; lat: number[] };
  summary: Record<string, number>;
}

async function getJson<T>(client: Client, path: string): Promise<T> {
  const response = await client.raw('GET', path.replace(/^\/api\//, ''));
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

/** Yesterday on the Bangkok calendar: a whole day of the demo's positions. */
const yesterday = () => new Date(Date.now() + 7 * 3600_000 - 86_400_000).toISOString().slice(0, 10);

/** A truck with a day to replay, and that day as the API gives it. */
async function truckDay(client: Client): Promise<Track> {
  const trucks = await getJson<{ features: { properties: { code: string } }[] }>(client, '/api/trucks');
  for (const { properties } of trucks.features) {
    const day = await getJson<Track>(client, `/api/trucks/${properties.code}/track?date=${yesterday()}`);
    if (day.track.t.length > 100) return day;
  }
  throw new Error('no demo truck drove yesterday');
}

const panelFix = (page: Page) =>
  page.getByTestId('replay-panel').evaluate((panel) => ({
    time: Number(panel.getAttribute('data-time')),
    lon: Number(panel.getAttribute('data-lon')),
    lat: Number(panel.getAttribute('data-lat')),
    fix: Number(panel.getAttribute('data-fix')),
  }));

/** Moves the slider as a drag would: React hears the input event. */
const setSlider = (page: Page, value: number) =>
  page.getByTestId('replay-slider').evaluate((input, v) => {
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
    setter.call(input, String(v));
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);

describe.runIf(chromiumAvailable)('waste collection in Chromium', () => {
  const browser = browserSuite();

  it('replays a truck-day: the slider moves the truck, play advances time, the summary is the API’s', async () => {
    const staff = await Client.signIn(appBase(), STAFF);
    const day = await truckDay(staff);
    const { page, problems } = await browser.open(`${appBase()}/waste/trucks/${day.truck.code}?date=${yesterday()}`, { ...DESK, as: STAFF });
    await page.getByTestId('replay-slider').waitFor();

    const start = await panelFix(page);
    expect(start.time).toBe(day.track.t[0]);
    expect(start.lon).toBeCloseTo(day.track.lon[0]!, 6);

    // Two thirds into the day, exactly on a fix: the truck is where the API says it was then.
    const i = Math.floor((day.track.t.length * 2) / 3);
    await setSlider(page, day.track.t[i]!);
    await expect.poll(() => panelFix(page).then((f) => f.fix)).toBe(i);
    const moved = await panelFix(page);
    expect(moved.lon).toBeCloseTo(day.track.lon[i]!, 6);
    expect(moved.lat).toBeCloseTo(day.track.lat[i]!, 6);
    // The truck's marker on the map follows.
    const marker = page.locator(`.truck-marker[data-truck="${day.truck.code}"]`);
    await marker.waitFor();
    // The chart's cursor follows the slider too.
    expect(Number(await page.locator('[data-testid="speed-chart"] svg').getAttribute('data-cursor-t'))).toBe(day.track.t[i]);

    // Play at 60×: time moves forward on its own; pause stops it.
    await setSlider(page, day.track.t[0]!);
    await page.getByTestId('replay-speed-60').click();
    await page.getByTestId('replay-play').click();
    await expect.poll(() => panelFix(page).then((f) => f.time), { timeout: 10_000 }).toBeGreaterThan(day.track.t[0]! + 30);
    await page.getByTestId('replay-play').click();

    // Clicking the chart seeks: its middle is the middle of the day.
    const svg = page.locator('[data-testid="speed-chart"] svg');
    const box = (await svg.boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const middle = (day.track.t[0]! + day.track.t.at(-1)!) / 2;
    await expect.poll(() => panelFix(page).then((f) => Math.abs(f.time - middle))).toBeLessThan((day.track.t.at(-1)! - day.track.t[0]!) / 50);

    const shown = await page
      .getByTestId('replay-summary')
      .locator('[data-figure]')
      .evaluateAll((figures) => Object.fromEntries(figures.map((f) => [f.getAttribute('data-figure'), Number(f.getAttribute('data-value'))])));
    expect(shown).toEqual(day.summary);
    expect(problems).toEqual([]);
  });

  it('lists the trucks with their states, colours the pickup points and lists the missed ones', async () => {
    const staff = await Client.signIn(appBase(), STAFF);
    const pickups = await getJson<{ features: { properties: { id: number; status: string } }[] }>(staff, `/api/waste/pickups?date=${yesterday()}`);
    // Yesterday, a whole day: its windows are all over, whatever the hour the test runs at.
    const { page, problems } = await browser.open(`${appBase()}/waste?date=${yesterday()}`, { ...DESK, as: STAFF });

    const rows = await page
      .getByTestId('truck-row')
      .evaluateAll((els) => els.map((el) => ({ code: el.getAttribute('data-truck'), state: el.getAttribute('data-state') })));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(TRUCK_STATES).toContain(row.state);
    // Every truck of the list is on the map, in its state's colour (the marker says which).
    const markers = await page
      .locator('.truck-marker')
      .evaluateAll((els) => els.map((el) => `${el.getAttribute('data-truck')}:${el.getAttribute('data-state')}`));
    expect(markers.sort()).toEqual(rows.map((r) => `${r.code}:${r.state}`).sort());
    // Each marker stands where its truck is, not in a row after the one before: its centre is
    // the truck's position on the map. The reserves, parked within metres of each other at the
    // depot, share one spot. (Whatever the trucks' states: an hour after the demo's last fix
    // they are all offline, where they were.)
    const trucks = await getJson<{ features: { properties: { code: string }; geometry: { coordinates: [number, number] } }[] }>(staff, '/api/trucks');
    const offsets = await page.locator('.truck-marker').evaluateAll(
      (els, positions) =>
        els.map((el) => {
          const box = el.getBoundingClientRect();
          const [x, y] = window.__mueang!.project!(...positions[el.getAttribute('data-truck')!]!);
          return Math.hypot(box.x + box.width / 2 - x, box.y + box.height / 2 - y);
        }),
      Object.fromEntries(trucks.features.map((f) => [f.properties.code, f.geometry.coordinates])),
    );
    expect(offsets.length).toBe(trucks.features.length);
    expect(Math.max(...offsets), 'a truck marker away from its truck (px)').toBeLessThan(3);

    // The legend counts each status as the API does; the missed list is the API's missed points.
    for (const status of ['served', 'late', 'missed', 'pending']) {
      const count = pickups.features.filter((f) => f.properties.status === status).length;
      await expect.poll(() => page.getByTestId('waste-pickup-legend').innerText()).toContain(` · ${count}`);
    }
    const missed = pickups.features.filter((f) => f.properties.status === 'missed').map((f) => f.properties.id);
    expect(missed.length).toBeGreaterThan(0);
    await expect
      .poll(() => page.getByTestId('missed-row').evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-pickup'))).sort((a, b) => a - b)))
      .toEqual(missed.sort((a, b) => a - b));
    expect(problems).toEqual([]);
  });

  it('asks the public to sign in', async () => {
    const { page } = await browser.open(`${appBase()}/waste`, { ...DESK, ready: false });
    await page.getByTestId('waste-sign-in').waitFor();
    expect(await page.getByTestId('truck-list').count()).toBe(0);
  });

  it('fits a 390 px phone: no sideways scroll, the map above its sheets', async () => {
    const { page } = await browser.open(`${appBase()}/waste`, { viewport: { width: 390, height: 844 }, phone: true, as: STAFF });
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(0);
    const sheets = await page.locator('.app-main > .panel').count();
    expect(sheets).toBe(2);
  });
});
