import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appBase, browserSuite, chromiumAvailable } from '../support/browser.ts';
import { Client } from '../support/client.ts';

/**
 * The site workspace's list and a site's page on a phone (issue 12), against the real server and
 * its demo sites: the list in the order of attention and its filters; a site's curve, photos and
 * map markers as the API describes them; sign-off by the chief engineer; before and after.
 *
 * Tests that change a site write their own inspection first (as the engineer, through the API)
 * and act on that one: the demo's own stay as they are for every other test.
 */

const PHONE = { width: 390, height: 844 };
const opts = (as: string) => ({ viewport: PHONE, phone: true, as });

async function signedIn(username: string) {
  return Client.signIn(appBase(), username);
}

async function siteList(client: Client) {
  const response = await client.api.sites.$get({ query: { format: 'json' } });
  const body = await response.json();
  if (!('sites' in body)) throw new Error('no site list');
  return body.sites;
}

async function siteDetail(client: Client, id: number) {
  const body = await (await client.api.sites[':id'].$get({ param: { id: String(id) } })).json();
  if ('error' in body) throw new Error(`site ${id}: ${body.error}`);
  return body;
}

/** A new inspection by the engineer at `siteId`, visited now: awaiting the chief engineer. */
async function newInspection(siteId: number, progress: number, notes: string): Promise<string> {
  const engineer = await signedIn('engineer');
  const id = crypto.randomUUID();
  const response = await engineer.api.sites[':id'].inspections[':client_id'].$put({
    param: { id: String(siteId), client_id: id },
    json: { visited_at: new Date(Date.now() - 60_000).toISOString(), progress_pct: progress, notes },
  });
  expect(response.status).toBe(201);
  return id;
}

const rowsOf = (page: Page) =>
  page
    .getByTestId('site-row')
    .evaluateAll((rows) => rows.map((row) => ({ id: Number(row.getAttribute('data-site-id')), late: row.getAttribute('data-late') })));

const item = (page: Page, id: string) => page.locator(`[data-testid="inspection-item"][data-inspection-id="${id}"]`);

describe.runIf(chromiumAvailable)('the site workspace on a phone', () => {
  const browser = browserSuite();

  it('lists the sites in the order of attention, late ones first, and filters and searches them', async () => {
    const { page, problems } = await browser.open(`${appBase()}/sites`, opts('engineer'));
    const sites = await siteList(await signedIn('engineer'));
    const rows = await rowsOf(page);

    expect(rows.map((r) => r.id)).toEqual(sites.map((s) => s.project_id));
    expect(rows.map((r) => r.late)).toEqual(sites.map((s) => String(s.late)));
    const late = rows.filter((r) => r.late === 'true').length;
    expect(late, 'the demo has late sites').toBeGreaterThanOrEqual(3);
    expect(
      rows.slice(0, late).every((r) => r.late === 'true'),
      'late sites come first',
    ).toBe(true);
    expect(rows.slice(late).every((r) => r.late === 'false')).toBe(true);
    // The late row says why.
    expect(await page.getByTestId('site-row').first().getByTestId('delay-badge').innerText()).toMatch(/ล่าช้า/);

    await page.getByTestId('sites-filter-late').click();
    expect((await rowsOf(page)).map((r) => r.id)).toEqual(sites.filter((s) => s.late).map((s) => s.project_id));

    await page.getByTestId('sites-filter-review').click();
    const awaiting = sites.filter((s) => s.awaiting_review > 0).map((s) => s.project_id);
    expect(awaiting.length).toBeGreaterThan(0);
    expect((await rowsOf(page)).map((r) => r.id)).toEqual(awaiting);

    await page.getByTestId('sites-filter-all').click();
    const target = sites[sites.length - 1]!;
    await page.getByTestId('sites-search').fill(target.code);
    expect((await rowsOf(page)).map((r) => r.id)).toEqual([target.project_id]);
    expect(problems).toEqual([]);
  });

  it('opens offline with the last list the phone had, saying when it was made', async () => {
    const { page, problems } = await browser.open(`${appBase()}/sites`, opts('engineer'));
    const online = await rowsOf(page);
    expect(await page.getByTestId('sites-served-at').count(), 'a fresh list says nothing of its age').toBe(0);
    // The service worker (web/sites/sw.ts) keeps the answers of the pages it controls.
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload();
    await page.evaluate('window.__mueang.until((s) => s.ready)');
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

    await page.context().setOffline(true);
    await page.reload();
    await page.evaluate('window.__mueang.until((s) => s.ready)');
    expect(await rowsOf(page)).toEqual(online);
    await page.getByTestId('sites-offline').waitFor();
    expect(await page.getByTestId('sites-served-at').innerText()).toMatch(/^ข้อมูลเมื่อ \d{1,2} \S+ 25\d\d \d\d:\d\d น\.$/);
    expect(problems).toEqual([]);
  });

  it("draws a site's planned curve and approved points, and each photo where it was taken", async () => {
    const engineer = await signedIn('engineer');
    const sites = await siteList(engineer);
    // A site with the demo's far photo: a late one has its latest photos taken far and near.
    const chosen = sites.find((s) => s.late_reason === 'behind')!;
    const site = await siteDetail(engineer, chosen.project_id);
    const photos = site.inspections.flatMap((i) => i.photos);
    expect(photos.length).toBeGreaterThan(1);

    const { page, problems } = await browser.open(`${appBase()}/sites/${site.project_id}`, opts('engineer'));
    expect(await page.getByTestId('site-page').getAttribute('data-site-id')).toBe(String(site.project_id));

    const curve = page.getByTestId('site-curve');
    expect(await curve.getByTestId('curve-planned').getAttribute('data-points')).toBe(String(site.plan.length));
    const approved = site.inspections.filter((i) => i.status === 'approved').map((i) => i.id);
    expect(approved.length).toBeGreaterThan(0);
    const drawn = await curve.getByTestId('curve-approved').evaluateAll((points) => points.map((p) => p.getAttribute('data-inspection-id')));
    expect(drawn.sort()).toEqual([...approved].sort());
    expect(await curve.getByTestId('curve-delay').innerText()).toContain(String(site.delay_pts));

    expect(await page.getByTestId('inspection-item').count()).toBe(site.inspections.length);
    expect(await page.getByTestId('site-photo').count()).toBe(photos.length);

    const markers = await page
      .getByTestId('site-map')
      .getByTestId('photo-marker')
      .evaluateAll((els) =>
        els.map((el) => ({
          id: el.getAttribute('data-photo-id'),
          lon: Number(el.getAttribute('data-lon')),
          lat: Number(el.getAttribute('data-lat')),
          far: el.getAttribute('data-far'),
        })),
      );
    const expected = photos.filter((p) => p.lon !== null && p.lat !== null).map((p) => ({ id: p.id, lon: p.lon, lat: p.lat, far: String(p.far) }));
    const byId = (a: { id: string | null }, b: { id: string | null }) => String(a.id).localeCompare(String(b.id));
    expect(markers.sort(byId)).toEqual(expected.sort(byId));
    expect(
      markers.some((m) => m.far === 'true'),
      'the demo photo taken far from the works',
    ).toBe(true);
    expect(problems).toEqual([]);
  });

  it("lets the chief engineer approve an inspection awaiting sign-off, which becomes the site's progress", async () => {
    const engineer = await signedIn('engineer');
    // A site that stays late whatever its progress (past its contract's end): approving here changes no other test's late sites.
    const chosen = (await siteList(engineer)).find((s) => s.late_reason === 'overdue')!;
    const progress = Math.min(99.5, (chosen.actual_pct ?? 0) + 1.5);
    expect(progress).not.toBe(chosen.actual_pct);
    const id = await newInspection(chosen.project_id, progress, 'ตรวจงานเก็บรายละเอียดก่อนส่งมอบ');

    const { page, problems } = await browser.open(`${appBase()}/sites/${chosen.project_id}`, opts('chief_engineer'));
    await expect.poll(() => item(page, id).getAttribute('data-status')).toBe('submitted');
    expect(await page.getByTestId('review-actions').count(), 'only what awaits this reviewer').toBe(
      (await siteDetail(engineer, chosen.project_id)).inspections.filter((i) => i.next_reviewer_role === 'chief_engineer').length,
    );
    await item(page, id).getByTestId('review-approve').click();
    await expect.poll(() => item(page, id).getAttribute('data-status')).toBe('approved');
    expect(await item(page, id).getByTestId('review-actions').count()).toBe(0);
    await expect.poll(() => page.getByTestId('site-curve').locator(`[data-testid="curve-approved"][data-inspection-id="${id}"]`).count()).toBe(1);

    const after = await siteDetail(engineer, chosen.project_id);
    expect(after.actual_pct).toBe(progress);
    expect(await page.getByTestId('site-page').getByTestId('actual-pct').first().innerText()).toBe(`${progress.toFixed(1)}%`);
    expect(problems).toEqual([]);
  });

  it('returns an inspection only with a note, which its author then reads with a way to edit and resend', async () => {
    const engineer = await signedIn('engineer');
    const chosen = (await siteList(engineer)).find((s) => s.completed_on !== null)!;
    const id = await newInspection(chosen.project_id, 100, 'ตรวจสภาพหลังส่งมอบ');

    const chief = await browser.open(`${appBase()}/sites/${chosen.project_id}`, opts('chief_engineer'));
    const requests = () => chief.apiPaths().filter((p) => p.endsWith(`/inspections/${id}/review`)).length;
    await item(chief.page, id).getByTestId('review-return').click();
    await item(chief.page, id).getByTestId('review-error').waitFor();
    expect(requests(), 'nothing sent without a note').toBe(0);
    expect(await item(chief.page, id).getAttribute('data-status')).toBe('submitted');

    const note = 'ขอภาพถ่ายรอยต่อผิวทางจากจุดเดิม';
    await item(chief.page, id).getByTestId('review-note').fill(note);
    await item(chief.page, id).getByTestId('review-return').click();
    await expect.poll(() => item(chief.page, id).getAttribute('data-status')).toBe('returned');
    expect(await item(chief.page, id).getByTestId('inspection-returned-note').innerText()).toContain(note);
    expect(await item(chief.page, id).getByTestId('inspection-edit-resend').count(), 'not the reviewer’s to resend').toBe(0);

    const author = await browser.open(`${appBase()}/sites/${chosen.project_id}`, opts('engineer'));
    expect(await item(author.page, id).getByTestId('inspection-returned-note').innerText()).toContain(note);
    await item(author.page, id).getByTestId('inspection-edit-resend').click();
    await author.page.getByTestId('inspection-form').waitFor();
    expect(chief.problems).toEqual([]);
    expect(author.problems).toEqual([]);
  });

  it('compares a photo with the one of another day taken from the same spot, side by side and with a slider', async () => {
    const engineer = await signedIn('engineer');
    // The demo's visits (approved, with photos), newest first: another test's new inspection has none.
    const visits = (detail: Awaited<ReturnType<typeof siteDetail>>) => detail.inspections.filter((i) => i.status === 'approved' && i.photos.length > 0);
    let site: Awaited<ReturnType<typeof siteDetail>> | undefined;
    for (const s of await siteList(engineer)) {
      const detail = await siteDetail(engineer, s.project_id);
      if (visits(detail).length >= 2) {
        site = detail;
        break;
      }
    }
    if (!site) throw new Error('no demo site with two visits with photos');
    const [latest, previous] = visits(site);
    // The demo's photos from the same station: the first photo of each visit (web/sites/photos/seed.ts).
    const picked = latest!.photos[0]!;
    const counterpart = previous!.photos[0]!;

    const { page, problems } = await browser.open(`${appBase()}/sites/${site.project_id}`, opts('engineer'));
    await page.locator(`[data-testid="site-photo"][data-photo-id="${picked.id}"]`).click();
    await page.getByTestId('compare-open').click();
    const compare = page.getByTestId('compare');
    const shown = async () => [
      await compare.getByTestId('compare-before').getAttribute('data-photo-id'),
      await compare.getByTestId('compare-after').getAttribute('data-photo-id'),
    ];
    expect(await shown(), 'before, then after: the same spot on the previous visit').toEqual([counterpart.id, picked.id]);
    await expect
      .poll(() => compare.locator('img').evaluateAll((imgs) => imgs.filter((img) => (img as HTMLImageElement).naturalWidth > 0).length), {
        message: 'both photos loaded',
      })
      .toBeGreaterThanOrEqual(2);

    await compare.getByTestId('compare-mode-slider').click();
    expect(await shown()).toEqual([counterpart.id, picked.id]);
    const clip = compare.getByTestId('compare-clip');
    expect(await clip.evaluate((el) => el.style.clipPath)).toBe('inset(0px 0px 0px 50%)');
    await compare.getByTestId('compare-slider').fill('20');
    expect(await clip.evaluate((el) => el.style.clipPath)).toBe('inset(0px 0px 0px 20%)');
    const box = await compare.boundingBox();
    expect(box!.width, 'fits a phone').toBeLessThanOrEqual(PHONE.width);
    expect(problems).toEqual([]);
  });
});
