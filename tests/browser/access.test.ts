import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appBase as base, browserSuite, chromiumAvailable, signInThroughDialog } from '../support/browser.ts';
import { answer, Client, expectBody } from '../support/client.ts';

/**
 * Who may see and change what, through the city map (/) as people use it: every change of
 * person in an open page is a sign-in or sign-out through the header and the sign-in dialog.
 * Each test opens its own page (its own cookies), as the public or, where the person is not
 * what it is about, already signed in as someone (through the API, as the dialog would).
 */

/** The public project list, read directly: which projects lie in which zone. */
async function publicProjects(base: string) {
  const body = await expectBody(new Client(base).api.projects.$get({ query: {} }));
  return body.features.map((f) => f.properties);
}

/**
 * A window small enough that the city fits below the parcels' zoom: no parcel tiles load or
 * get drawn (in software) unless a test zooms in, as the tax officer's does on one street.
 */
const SMALL = { viewport: { width: 800, height: 560 } };

const details = (page: Page) => page.getByTestId('details-panel');
const layerCount = (page: Page, layer: 'projects' | 'parcels') => page.evaluate((l) => window.__mueang!.layers[l], layer);

async function signOut(page: Page): Promise<void> {
  await page.getByTestId('sign-out').click();
  await page.getByTestId('sign-in').waitFor({ timeout: 10_000 });
}

async function setLayers(page: Page, on: boolean, layers: string[]): Promise<void> {
  for (const layer of layers) await page.getByTestId(`layer-toggle-${layer}`).setChecked(on);
}

describe.runIf(chromiumAvailable)('access control in Chromium', () => {
  const browser = browserSuite();

  it('works for the public, with a way to sign in and no staff tools', async () => {
    const projects = await publicProjects(base());
    const { page } = await browser.open(base(), SMALL);
    await expect.poll(() => page.getByTestId('sign-in').innerText()).toBe('เข้าสู่ระบบ');
    expect(await page.getByTestId('audit-toggle').count()).toBe(0);
    expect(await layerCount(page, 'projects')).toBe(projects.length);
  });

  it('says so when the password is wrong', async () => {
    // Any staff page has the sign-in; the plan page is the quickest to open.
    const { page } = await browser.open(`${base()}/plan`);
    await signInThroughDialog(page, 'auditor', 'not-the-password', false);
    const error = page.getByTestId('sign-in-error');
    await expect.poll(() => error.innerText(), { timeout: 10_000 }).toBe('ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง');
    expect(await error.getAttribute('data-status')).toBe('401');
    expect(await page.getByTestId('sign-in-password').inputValue()).toBe('');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('sign-in-dialog').isVisible()).toBe(false);
    expect(await page.getByTestId('user-badge').count()).toBe(0);
  });

  it('shows the tax officer who owns a parcel, and takes the owner away once they sign out', async () => {
    const { page } = await browser.open(base(), { ...SMALL, as: 'tax' });
    expect(await page.getByTestId('user-role').innerText()).toBe('เจ้าหน้าที่ภาษี');
    const boundary = await expectBody(new Client(base()).api.boundary.$get());
    const [w, s, e, n] = boundary.bbox as [number, number, number, number];
    const [cx, cy] = [(w + e) / 2, (s + n) / 2];
    // Only the parcels above the (unpickable) zone edges: nothing else can take the click.
    await setLayers(page, false, ['projects', 'sensors', 'trucks']);
    await page.evaluate(({ lon, lat }) => window.__mueang!.view!(lon, lat, 17), { lon: cx, lat: cy });

    // The parcel with an owner nearest the centre of the view, as this session sees parcels.
    const parcel = await page.evaluate(
      async ({ cx, cy }) => {
        const d = 0.0008; // about 90 m: on screen at zoom 17
        const url = `/api/parcels?bbox=${cx - d},${cy - d},${cx + d},${cy + d}&limit=500`;
        const body = (await (await fetch(url)).json()) as {
          features: { geometry: { coordinates: number[][][] }; properties: { owner_name?: string | null } }[];
        };
        const candidates = body.features
          .filter((f) => f.properties.owner_name)
          .map((f) => {
            // Parcels are rectangles: the mean of the corners lies inside.
            const corners = f.geometry.coordinates[0]!.slice(0, -1);
            const lon = corners.reduce((sum, c) => sum + c[0]!, 0) / corners.length;
            const lat = corners.reduce((sum, c) => sum + c[1]!, 0) / corners.length;
            return { lon, lat, owner: f.properties.owner_name!, distance: Math.hypot(lon - cx, lat - cy) };
          });
        candidates.sort((a, b) => a.distance - b.distance);
        const best = candidates[0];
        if (!best) throw new Error('no parcel with an owner near the centre');
        return { lon: best.lon, lat: best.lat, owner: best.owner };
      },
      { cx, cy },
    );

    // A click while the parcel tiles reload for a new viewer lands on whatever lies beneath
    // (a zone): then click the parcel again once its tiles are back.
    const clickParcel = async () => {
      if ((await layerCount(page, 'parcels')) === 0) return;
      const [x, y] = await page.evaluate(({ lon, lat }) => window.__mueang!.project!(lon, lat), parcel);
      await page.mouse.click(x, y);
    };

    const selectParcel = () =>
      expect
        .poll(
          async () => {
            await clickParcel();
            return (await details(page).isVisible()) ? details(page).getAttribute('data-kind') : 'no panel';
          },
          { timeout: 20_000, interval: 500 },
        )
        .toBe('parcel');
    // The owner and tax rows come from the parcel's own request (tiles carry none): held back
    // here until the panel has said it is loading them.
    const oneParcel = (url: URL) => /^\/api\/parcels\/\d+$/.test(url.pathname);
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route(oneParcel, async (route) => {
      await released;
      await route.continue();
    });
    await selectParcel();
    await expect.poll(() => page.getByTestId('parcel-personal-loading').isVisible()).toBe(true);
    release();
    await expect.poll(() => details(page).locator('[data-field=owner_name]').innerText(), { timeout: 10_000 }).toContain(parcel.owner);
    await page.unroute(oneParcel);
    const text = await details(page).innerText();
    expect(text).toContain('เลขประจำตัวประชาชน');
    expect(text).toContain('ราคาประเมิน');
    expect(text).toContain('ภาษีที่ต้องชำระ');
    expect(await page.getByTestId('parcel-personal-loading').count()).toBe(0);

    // A request that fails says so, in place of the rows.
    await details(page).locator('button.close').click();
    await page.route(oneParcel, (route) => route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":"database unavailable"}' }));
    await selectParcel();
    await expect.poll(() => page.getByTestId('parcel-personal-error').isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await details(page).locator('[data-field=owner_name]').count()).toBe(0);
    await page.unroute(oneParcel);

    await signOut(page);
    // The open panel is fetched again for the public (or closed); click the parcel if it is.
    await expect
      .poll(
        async () => {
          if (!(await details(page).isVisible())) {
            await clickParcel();
            return 'clicked';
          }
          if ((await details(page).getAttribute('data-kind')) !== 'parcel') {
            await clickParcel();
            return 'not a parcel';
          }
          return (await details(page).innerText()).includes(parcel.owner) ? 'owner shown' : 'no owner';
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe('no owner');
    expect(await details(page).locator('[data-field=owner_name]').count()).toBe(0);
    expect(await details(page).innerText()).not.toContain('ราคาประเมิน');
  }, 90_000);

  it('offers the zone-1 engineer Edit for zone-1 projects only, with only stage and date', async () => {
    const projects = await publicProjects(base());
    const { page } = await browser.open(base(), SMALL);
    const zone1 = projects.filter((p) => p.zone_id === 1);
    const zone2 = projects.find((p) => p.zone_id === 2)!;
    expect(zone1.length).toBeGreaterThan(0);
    expect(zone2).toBeDefined();

    // Looking at a zone-2 project as the public: details, no Edit.
    await expect.poll(() => layerCount(page, 'projects')).toBe(projects.length);
    expect(await page.evaluate((id) => window.__mueang!.select!('project', id), zone2.id)).toBe(true);
    await expect.poll(() => details(page).getAttribute('data-kind')).toBe('project');
    expect(await page.getByTestId('edit-project').count()).toBe(0);

    await signInThroughDialog(page, 'engineer-z1');
    expect(await page.getByTestId('user-role').innerText()).toBe('วิศวกร · เขต 1');
    // Every layer loaded again for the new viewer: only zone-1 projects now.
    await expect.poll(() => layerCount(page, 'projects'), { timeout: 15_000 }).toBe(zone1.length);
    // The zone-2 project is neither shown nor editable for them.
    await expect.poll(() => page.getByTestId('edit-project').count()).toBe(0);
    expect(await details(page).isVisible()).toBe(false);
    expect(await page.evaluate((id) => window.__mueang!.select!('project', id), zone2.id)).toBe(false);

    expect(await page.evaluate((id) => window.__mueang!.select!('project', id), zone1[0]!.id)).toBe(true);
    const edit = page.getByTestId('edit-project');
    // The details open on the next render; with the API suites beside it, a software-GL frame can
    // hold the page's thread past the poll's default second (CI once).
    await expect.poll(() => edit.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await edit.innerText()).toBe('แก้ไข');
    await edit.click();
    const form = page.getByTestId('project-edit-form');
    await expect.poll(() => form.isVisible(), { timeout: 10_000 }).toBe(true);
    const fields = await form.locator('[data-field]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-field')));
    expect(fields).toEqual(['stage', 'as_of']);
    await form.getByRole('button', { name: 'ยกเลิก' }).click();
  });

  it('shows the auditor the audit trail, newest first, filtered by action on the server', async () => {
    // This test's own trail: a refused sign-in, then an engineer in and out, over HTTP.
    const refused = await answer(new Client(base()).api.auth.login.$post({ json: { username: 'tax', password: 'not-the-password' } }));
    expect(refused.status).toBe(401);
    const engineer = await Client.signIn(base(), 'engineer-z1');
    await expectBody(engineer.api.auth.logout.$post());

    // Every staff page has the audit trail in its header.
    const { page, problems } = await browser.open(`${base()}/plan`, { as: 'auditor' });
    expect(await page.getByTestId('user-role').innerText()).toBe('ผู้ตรวจสอบ');
    await page.getByTestId('audit-toggle').click();
    const panel = page.getByTestId('audit-panel');
    await expect.poll(() => panel.locator('[data-testid=audit-row]').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const wanted = ['login:auditor', 'logout:engineer-z1', 'login:engineer-z1', 'login_failed:tax'];
    const rows = () =>
      panel.locator('[data-testid=audit-row]').evaluateAll((list) => list.map((r) => `${r.getAttribute('data-action')}:${r.getAttribute('data-actor')}`));
    // Other suites share this server: page back with "older" until this test's entries are all in.
    let seen = await rows();
    for (let more = 0; more < 10 && !wanted.every((w) => seen.includes(w)); more++) {
      const older = panel.getByTestId('audit-older');
      if (!(await older.isVisible())) break;
      const before = seen.length;
      await older.click();
      await expect.poll(async () => (await rows()).length, { timeout: 10_000 }).toBeGreaterThan(before);
      seen = await rows();
    }
    expect(seen).toEqual(expect.arrayContaining(wanted));
    // Newest first.
    expect(seen.indexOf('login:auditor')).toBeLessThan(seen.indexOf('logout:engineer-z1'));
    expect(seen.indexOf('logout:engineer-z1')).toBeLessThan(seen.indexOf('login:engineer-z1'));
    expect(seen.indexOf('login:engineer-z1')).toBeLessThan(seen.indexOf('login_failed:tax'));

    // Filtering by action asks the server again.
    await panel.getByTestId('audit-filter-action').selectOption('login_failed');
    await expect
      .poll(
        async () => {
          const actions = await panel.locator('[data-testid=audit-row]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
          return actions.length > 0 && actions.every((a) => a === 'login_failed');
        },
        { timeout: 10_000 },
      )
      .toBe(true);
    expect(problems).toEqual([]);
  });
});
