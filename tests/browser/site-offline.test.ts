import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appBase, browserSuite, chromiumAvailable } from '../support/browser.ts';
import { Client, expectBody } from '../support/client.ts';

/**
 * Issue 12's browser test, against the real routes (no stand-ins): an engineer at a site with no
 * network writes an inspection with two photos on a phone, sees them queued, and once the
 * network returns they are sent once each; the server then has the inspection and its two
 * photos at the positions the phone gave, and the desk view draws them there. Also: the form's
 * own checks (nothing queued that the server would refuse) and a returned inspection sent again.
 */

const PHONE = { width: 390, height: 844 };
const DESK = { width: 1280, height: 800 };
const INSPECTION_PUT = /\/api\/sites\/\d+\/inspections\/[0-9a-f-]{36}$/;
const PHOTO_PUT = /\/api\/inspections\/[0-9a-f-]{36}\/photos\/[0-9a-f-]{36}(\?|$)/;

type SiteDetail = Awaited<ReturnType<typeof siteOf>>;

const siteOf = (client: Client, id: number) => expectBody(client.api.sites[':id'].$get({ param: { id: String(id) } }));

/** Every sites of the engineer's zones, in full. */
async function sites(engineer: Client): Promise<SiteDetail[]> {
  const list = await expectBody(engineer.api.sites.$get({ query: { format: 'json' } }));
  if (!('sites' in list)) throw new Error('expected a list of sites');
  return Promise.all(list.sites.map((s) => siteOf(engineer, s.project_id)));
}

/** A corner of the site's works: a spot a photo of it is taken from. */
function vertexOf(geometry: NonNullable<SiteDetail['geometry']>): [number, number] {
  let coordinates: unknown = geometry.type === 'GeometryCollection' ? null : geometry.coordinates;
  while (Array.isArray(coordinates) && Array.isArray(coordinates[0])) coordinates = coordinates[0];
  if (!Array.isArray(coordinates) || typeof coordinates[0] !== 'number') throw new Error(`no vertex in ${geometry.type}`);
  return [coordinates[0], coordinates[1] as number];
}

/** A small JPEG drawn by the browser itself, with no EXIF: its position can only be the phone's. */
async function jpeg(page: Page, colour: string): Promise<Buffer> {
  const base64 = await page.evaluate(async (fill) => {
    const canvas = document.createElement('canvas');
    canvas.width = 96;
    canvas.height = 72;
    const context = canvas.getContext('2d')!;
    context.fillStyle = fill;
    context.fillRect(0, 0, 96, 72);
    const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/jpeg', 0.85));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    return btoa(String.fromCharCode(...bytes));
  }, colour);
  return Buffer.from(base64, 'base64');
}

const count = (page: Page, state: string) => page.getByTestId(`outbox-count-${state}`).getAttribute('data-count').then(Number);
const attributes = (page: Page, testId: string, names: string[]) =>
  page.getByTestId(testId).evaluateAll((els, names) => els.map((el) => Object.fromEntries(names.map((n) => [n, el.getAttribute(n)]))), names);

/** Every write the page made, with how it ended (status, or failed), in order. */
function recordPuts(page: Page): { path: string; url: string; outcome: number | 'failed' | null }[] {
  const puts: { path: string; url: string; outcome: number | 'failed' | null }[] = [];
  page.on('request', (request) => {
    if (request.method() === 'PUT') puts.push({ path: new URL(request.url()).pathname, url: request.url(), outcome: null });
  });
  const settle = (url: string, outcome: number | 'failed') => {
    const put = puts.find((p) => p.url === url && p.outcome === null);
    if (put) put.outcome = outcome;
  };
  page.on('requestfinished', async (request) => {
    if (request.method() === 'PUT') settle(request.url(), (await request.response())?.status() ?? 'failed');
  });
  page.on('requestfailed', (request) => {
    if (request.method() === 'PUT') settle(request.url(), 'failed');
  });
  return puts;
}

async function allowLocation(context: BrowserContext, at: [number, number]): Promise<void> {
  await context.grantPermissions(['geolocation'], { origin: appBase() });
  await context.setGeolocation({ longitude: at[0], latitude: at[1], accuracy: 8 });
}

describe.runIf(chromiumAvailable)('an inspection written offline at a site, against the real server', () => {
  const browser = browserSuite();

  it('two photos queued offline are sent once each when the network returns, kept at the positions the phone gave, and drawn there on the desk view', async () => {
    const engineer = await Client.signIn(appBase(), 'engineer');
    // A site whose works have a place, with nothing waiting for its author (no returned inspection).
    const site = (await sites(engineer)).find((s) => s.geometry !== null && !s.inspections.some((i) => i.status === 'returned'));
    if (!site?.geometry) throw new Error('no site with a geometry in the demo data');
    const [lon, lat] = vertexOf(site.geometry);
    // Two spots at the works, about 20 m apart.
    const spots: [number, number][] = [
      [lon, lat],
      [lon + 0.0002, lat - 0.0001],
    ];

    const { page } = await browser.open(`${appBase()}/sites/${site.project_id}`, {
      viewport: PHONE,
      phone: true,
      as: 'engineer',
      before: (context) => allowLocation(context, spots[0]!),
    });
    const puts = recordPuts(page);
    const form = page.getByTestId('inspection-form');
    await form.waitFor();
    expect(await form.getAttribute('data-resubmit')).toBeNull();
    const photos = [await jpeg(page, '#c0392b'), await jpeg(page, '#2980b9')];
    // Installed, the workspace has the form's lazy helpers (turf, for the distances) on the phone.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });

    await page.context().setOffline(true);
    await page.getByTestId('sites-offline').waitFor();
    await page.getByTestId('inspection-progress').fill('42.5');
    await page.getByTestId('inspection-work-done').fill('เทคอนกรีตผิวจราจรช่วงที่ 2');
    await page.getByTestId('inspection-weather-cloudy').tap();
    await page.getByTestId('inspection-notes').fill('ตรวจหน้างานโดยไม่มีสัญญาณ');
    // One photo at a time, the phone moved between them: each keeps where it was taken.
    for (const [i, photo] of photos.entries()) {
      await page.context().setGeolocation({ longitude: spots[i]![0], latitude: spots[i]![1], accuracy: 8 });
      await page.getByTestId('inspection-photos').setInputFiles({ name: `photo-${i + 1}.jpg`, mimeType: 'image/jpeg', buffer: photo });
      await expect
        .poll(() => attributes(page, 'inspection-photo', ['data-position']), { message: `photo ${i + 1} placed by the phone` })
        .toEqual(Array.from({ length: i + 1 }, () => ({ 'data-position': 'device' })));
    }
    // Measured in the browser, with no network: both at the works.
    await expect.poll(() => attributes(page, 'inspection-photo', ['data-far'])).toEqual([{ 'data-far': 'false' }, { 'data-far': 'false' }]);
    const photoIds = (await attributes(page, 'inspection-photo', ['data-photo-id'])).map((a) => a['data-photo-id']!);
    await page.getByTestId('inspection-save').tap();

    await expect.poll(() => count(page, 'waiting'), { message: 'the inspection and its two photos waiting' }).toBe(3);
    expect(await page.getByTestId('outbox-entry').count()).toBe(3);
    expect(puts, 'nothing sent offline').toEqual([]);

    await page.context().setOffline(false);
    await expect.poll(() => count(page, 'sent'), { message: 'all three sent', timeout: 30_000 }).toBe(3);
    await expect.poll(() => puts.every((p) => p.outcome !== null)).toBe(true);

    // Each write once, unless a failed attempt made a retry of it necessary.
    const paths = [...new Set(puts.map((p) => p.path))];
    expect(paths.filter((p) => INSPECTION_PUT.test(p))).toHaveLength(1);
    expect(paths.filter((p) => PHOTO_PUT.test(p))).toHaveLength(2);
    for (const path of paths) {
      const attempts = puts.filter((p) => p.path === path);
      const failed = attempts.filter((p) => p.outcome === 'failed' || (typeof p.outcome === 'number' && p.outcome >= 500));
      expect(attempts.length, `requests to ${path}`).toBe(1 + failed.length);
      expect(attempts.at(-1)!.outcome, `the answer to ${path}`).toBe(201);
    }
    const inspectionId = paths
      .find((p) => INSPECTION_PUT.test(p))!
      .split('/')
      .pop()!;

    // The server: one more inspection at the site, this one, with exactly these two photos where the phone was.
    const after = await siteOf(engineer, site.project_id);
    expect(after.inspections.length).toBe(site.inspections.length + 1);
    const mine = after.inspections.filter((i) => i.id === inspectionId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ progress_pct: 42.5, weather: 'cloudy', work_done: 'เทคอนกรีตผิวจราจรช่วงที่ 2', status: 'submitted' });
    const stored = mine[0]!.photos;
    expect(stored.map((p) => p.id).sort()).toEqual([...photoIds].sort());
    for (const [i, id] of photoIds.entries()) {
      const photo = stored.find((p) => p.id === id)!;
      expect(photo.position_source).toBe('device');
      expect(photo.lon).toBeCloseTo(spots[i]![0], 6);
      expect(photo.lat).toBeCloseTo(spots[i]![1], 6);
      expect(photo.far).toBe(false);
    }

    // The desk view: the site's page at 1280 wide draws each photo where it was taken.
    const desk = await browser.open(`${appBase()}/sites/${site.project_id}`, { viewport: DESK, as: 'engineer' });
    for (const [i, id] of photoIds.entries()) {
      const marker = desk.page.locator(`[data-testid=photo-marker][data-photo-id="${id}"]`);
      await marker.waitFor({ state: 'attached', timeout: 30_000 });
      expect(Math.abs(Number(await marker.getAttribute('data-lon')) - spots[i]![0]), `photo ${i + 1}'s marker longitude`).toBeLessThan(1e-6);
      expect(Math.abs(Number(await marker.getAttribute('data-lat')) - spots[i]![1]), `photo ${i + 1}'s marker latitude`).toBeLessThan(1e-6);
      expect(await marker.getAttribute('data-far')).toBe('false');
    }
  });

  it('says what is wrong, field by field, and queues nothing until it is right; refuses a file that is not an image, or too large', async () => {
    const engineer = await Client.signIn(appBase(), 'engineer');
    const site = (await sites(engineer)).find((s) => !s.inspections.some((i) => i.status === 'returned'))!;
    const { page } = await browser.open(`${appBase()}/sites/${site.project_id}`, { viewport: PHONE, phone: true, as: 'engineer' });
    const puts = recordPuts(page);
    await page.getByTestId('inspection-form').waitFor();
    // Offline: whatever passes the checks stays on this phone, and the demo data is left as it was.
    await page.context().setOffline(true);
    const fieldErrors = () => attributes(page, 'field-error', ['data-field']).then((list) => list.map((a) => a['data-field']).sort());

    await page.getByTestId('inspection-save').tap();
    await expect.poll(fieldErrors, { message: 'no progress given' }).toEqual(['progress']);

    await page.getByTestId('inspection-progress').fill('140');
    await page.getByTestId('defect-add').tap();
    await page.getByTestId('defect-assignee').fill('ผู้รับจ้าง');
    const nextYear = new Date(Date.now() + 366 * 86_400_000);
    await page.getByTestId('inspection-visited-at').fill(`${nextYear.getFullYear()}-01-15T09:30`);
    await page.getByTestId('inspection-save').tap();
    await expect.poll(fieldErrors).toEqual(['defects.0.description', 'progress', 'visitedAt']);
    expect(await page.getByTestId('inspection-errors').innerText()).toContain('แก้ไข 3 ช่อง');
    const messages = await page.getByTestId('field-error').allInnerTexts();
    expect(messages).toEqual(expect.arrayContaining(['ระบุความก้าวหน้าเป็นตัวเลข 0–100', 'ระบุรายละเอียดข้อบกพร่อง', 'วันเวลาที่ตรวจต้องไม่อยู่ในอนาคต']));
    expect(await count(page, 'waiting'), 'nothing queued').toBe(0);

    // Files: not an image (text named .jpg), and one over 15 MB: each refused by name, neither kept.
    await page.getByTestId('inspection-photos').setInputFiles([
      { name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not a photo at all') },
      { name: 'huge.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(15 * 1024 * 1024 + 1) },
    ]);
    await expect
      .poll(() => page.getByTestId('inspection-photo-refused').allInnerTexts())
      .toEqual([expect.stringContaining('notes.jpg: อ่านเป็นภาพไม่ได้'), expect.stringContaining('huge.jpg: ใหญ่เกิน 15 MB')]);
    expect(await page.getByTestId('inspection-photo').count()).toBe(0);

    await page.getByTestId('inspection-progress').fill('35');
    await page.getByTestId('defect-description').fill('ฝาบ่อพักชำรุด');
    await page.getByTestId('defect-severity-major').tap();
    // Yesterday at ten, on the phone's clock (the browser's time zone is this process's).
    const yesterday = new Date(Date.now() - 86_400_000);
    yesterday.setHours(10, 0, 0, 0);
    const pad = (n: number) => String(n).padStart(2, '0');
    await page.getByTestId('inspection-visited-at').fill(`${yesterday.getFullYear()}-${pad(yesterday.getMonth() + 1)}-${pad(yesterday.getDate())}T10:00`);
    await page.getByTestId('inspection-save').tap();
    await expect.poll(() => count(page, 'waiting'), { message: 'queued once right' }).toBe(1);
    expect(await page.getByTestId('field-error').count()).toBe(0);
    // The body that will go: the defect with its own id and severity.
    const body = await page.evaluate(
      () =>
        new Promise<string>((resolve, reject) => {
          const open = indexedDB.open('mueang-outbox');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const get = open.result.transaction('entries').objectStore('entries').getAll();
            get.onsuccess = () => resolve(get.result[0].body as string);
          };
        }),
    );
    expect(JSON.parse(body)).toMatchObject({
      progress_pct: 35,
      visited_at: yesterday.toISOString(),
      defects: [{ id: expect.stringMatching(/^[0-9a-f-]{36}$/), description: 'ฝาบ่อพักชำรุด', severity: 'major', assignee: 'ผู้รับจ้าง' }],
    });
    expect(puts).toEqual([]);
  });

  it('a returned inspection is edited and sent again under its own id: 200, and it is back with the reviewer', async () => {
    const engineer = await Client.signIn(appBase(), 'engineer');
    const site = (await sites(engineer)).find((s) => s.inspections.some((i) => i.status === 'returned' && i.author.username === 'engineer'));
    if (!site) throw new Error('the demo data has an inspection returned to the engineer');
    const returned = site.inspections.find((i) => i.status === 'returned')!;

    const { page } = await browser.open(`${appBase()}/sites/${site.project_id}`, { viewport: PHONE, phone: true, as: 'engineer' });
    const puts = recordPuts(page);
    const form = page.getByTestId('inspection-form');
    // The site's page offers it from its history ("edit and send again").
    await page.locator(`[data-testid=inspection-item][data-inspection-id="${returned.id}"] [data-testid=inspection-edit-resend]`).tap();
    await expect.poll(() => form.getAttribute('data-resubmit'), { message: 'the form holds the returned inspection' }).toBe(returned.id);
    const note = returned.reviews.find((r) => r.decision === 'return')!.note;
    expect(await page.getByTestId('inspection-form-returned-note').innerText()).toContain(note);
    expect(await page.getByTestId('inspection-progress').inputValue()).toBe(String(returned.progress_pct));

    // Unchanged, it would be taken for a resend of the first write: the form says so instead.
    await page.getByTestId('inspection-save').tap();
    await expect.poll(() => page.getByTestId('inspection-errors').innerText()).toContain('ยังไม่ได้แก้ไข');
    expect(await count(page, 'waiting')).toBe(0);

    const workDone = `${returned.work_done} (ปริมาณงานงวดนี้ 120 ม.)`;
    await page.getByTestId('inspection-work-done').fill(workDone);
    await page.getByTestId('inspection-save').tap();
    await expect.poll(() => count(page, 'sent'), { message: 'sent again', timeout: 30_000 }).toBe(1);
    await expect.poll(() => puts.map((p) => [p.path, p.outcome])).toEqual([[`/api/sites/${site.project_id}/inspections/${returned.id}`, 200]]);

    const after = await siteOf(engineer, site.project_id);
    expect(after.inspections.length, 'no new inspection').toBe(site.inspections.length);
    expect(after.inspections.find((i) => i.id === returned.id)).toMatchObject({
      status: 'submitted',
      work_done: workDone,
      next_reviewer_role: 'chief_engineer',
    });

    // Returned again, as the demo had it, for whichever test looks at it next.
    const chief = await Client.signIn(appBase(), 'chief_engineer');
    await expectBody(chief.api.inspections[':id'].review.$post({ param: { id: returned.id }, json: { decision: 'return', note } }));
  });
});
