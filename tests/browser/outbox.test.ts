import type { BrowserContext, Page, Request, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appBase, browserSuite, chromiumAvailable } from '../support/browser.ts';
import { Client, expectBody } from '../support/client.ts';

/**
 * The site workspace on a phone with a bad network (issue 12, point 3): writes go into the
 * IndexedDB outbox, are shown there, and are sent when the network returns, the inspection
 * before its photos, each in its own request and each once; a refusal stays in sight; a reload
 * resumes; the workspace opens with no network at all.
 *
 * The outbox's own behaviour is under test here, so the inspection and photo URLs are answered
 * by the tests (`context.route`), recording every request that reaches them, which is what the
 * server would see: that is how a refusal, an outage or a request cut off by a reload can be
 * made to happen on cue. The rest (the page, the session, the CSRF token) is the real app; the
 * same flow against the real routes is tests/browser/site-offline.test.ts.
 */

const PHONE = { width: 390, height: 844 };
const SITE = 7;
const INSPECTION_URL = /\/api\/sites\/\d+\/inspections\/[0-9a-f-]{36}$/;
const PHOTO_URL = /\/api\/inspections\/[0-9a-f-]{36}\/photos\/[0-9a-f-]{36}$/;

interface Call {
  url: string;
  path: string;
  contentType: string | undefined;
  csrf: string | undefined;
  body: Buffer | null;
}

type Answer = (call: Call, route: Route) => Promise<void>;
const created: Answer = (_call, route) => route.fulfill({ status: 201, contentType: 'application/json', body: '{}' });

/** Answers the inspection and photo PUTs with `answer` (201 unless told), recording each request in order. */
async function recordWrites(context: BrowserContext, calls: Call[], answer: { current: Answer }): Promise<void> {
  const handler = async (route: Route, request: Request) => {
    const url = new URL(request.url());
    const call: Call = {
      url: request.url(),
      path: url.pathname,
      contentType: request.headers()['content-type'],
      csrf: request.headers()['x-csrf-token'],
      body: request.postDataBuffer(),
    };
    calls.push(call);
    await answer.current(call, route);
  };
  await context.route(INSPECTION_URL, handler);
  await context.route(PHOTO_URL, handler);
}

/** A small JPEG drawn by the browser itself (a real image, as a phone's camera would give). */
async function jpeg(page: Page, colour: string): Promise<Buffer> {
  const base64 = await page.evaluate(async (fill) => {
    const canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 48;
    const context = canvas.getContext('2d')!;
    context.fillStyle = fill;
    context.fillRect(0, 0, 64, 48);
    const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/jpeg', 0.8));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    return btoa(String.fromCharCode(...bytes));
  }, colour);
  return Buffer.from(base64, 'base64');
}

/** Fills in the inspection form with `photos` and saves it. */
async function writeInspection(page: Page, photos: Buffer[]): Promise<void> {
  await page.getByTestId('inspection-progress').fill('40');
  await page.getByTestId('inspection-notes').fill('เทคอนกรีตผิวจราจรช่วงที่ 2 แล้วเสร็จ');
  await page.getByTestId('inspection-photos').setInputFiles(photos.map((buffer, i) => ({ name: `photo-${i + 1}.jpg`, mimeType: 'image/jpeg', buffer })));
  // Each file is read (decoded, its EXIF looked for) before it joins the inspection.
  await expect.poll(() => page.getByTestId('inspection-photo').count()).toBe(photos.length);
  await page.getByTestId('inspection-save').click();
}

const count = (page: Page, state: string) => page.getByTestId(`outbox-count-${state}`).getAttribute('data-count').then(Number);
const entryStates = (page: Page) => page.getByTestId('outbox-entry').evaluateAll((els) => els.map((el) => el.getAttribute('data-state')));

describe.runIf(chromiumAvailable)('the site outbox on a phone', () => {
  const browser = browserSuite();

  async function openSite(calls: Call[], answer: { current: Answer }) {
    return browser.open(`${appBase()}/sites/${SITE}`, {
      viewport: PHONE,
      phone: true,
      as: 'engineer-z1',
      before: (context) => recordWrites(context, calls, answer),
    });
  }

  it('written offline, an inspection and two photos wait in the outbox; back online, each is sent once, the inspection first', async () => {
    const calls: Call[] = [];
    const { page } = await openSite(calls, { current: created });
    const photos = [await jpeg(page, '#c0392b'), await jpeg(page, '#2980b9')];

    await page.context().setOffline(true);
    await page.getByTestId('sites-offline').waitFor();
    await writeInspection(page, photos);

    await expect.poll(() => count(page, 'waiting'), { message: 'entries waiting offline' }).toBe(3);
    expect(await page.getByTestId('outbox-entry').count()).toBe(3);
    await expect.poll(() => page.getByTestId('outbox').innerText()).toContain(`โครงการเลขที่ ${SITE}`);
    expect(calls, 'requests sent while offline').toEqual([]);

    await page.context().setOffline(false);
    await expect.poll(() => count(page, 'sent'), { message: 'entries sent once the network returned', timeout: 20_000 }).toBe(3);
    expect(await entryStates(page)).toEqual(['sent', 'sent', 'sent']);

    expect(calls.map((c) => c.path)).toHaveLength(3);
    const [inspection, ...photoCalls] = calls;
    expect(inspection!.path, 'the inspection goes first').toMatch(new RegExp(`^/api/sites/${SITE}/inspections/`));
    const inspectionId = inspection!.path.split('/').pop();
    expect(JSON.parse(inspection!.body!.toString('utf8'))).toMatchObject({ progress_pct: 40, notes: 'เทคอนกรีตผิวจราจรช่วงที่ 2 แล้วเสร็จ' });
    expect(inspection!.contentType).toBe('application/json');
    // Each photo in its own request, under the inspection's id, with its bytes as they were.
    expect(photoCalls.map((c) => c.path.split('/')[3])).toEqual([inspectionId, inspectionId]);
    expect(new Set(photoCalls.map((c) => c.path)).size, 'two photos, two ids').toBe(2);
    expect(photoCalls.map((c) => c.contentType)).toEqual(['image/jpeg', 'image/jpeg']);
    expect(photoCalls.map((c) => c.body?.equals(photos[0]!) || c.body?.equals(photos[1]!))).toEqual([true, true]);
    // Sent as the signed-in engineer: with the session's CSRF token, as every write of the app.
    for (const call of calls) expect(call.csrf, `CSRF header on ${call.path}`).toMatch(/.{16,}/);
  });

  it("a refusal (409) stays in the outbox as failed with the server's reason, until the person retries it", async () => {
    const calls: Call[] = [];
    const answer = {
      current: ((call, route) =>
        PHOTO_URL.test(call.url)
          ? route.fulfill({
              status: 409,
              contentType: 'application/json',
              body: JSON.stringify({ error: 'photo id already used for other bytes', field: 'body' }),
            })
          : created(call, route)) as Answer,
    };
    const { page } = await openSite(calls, answer);
    await writeInspection(page, [await jpeg(page, '#27ae60')]);

    await expect.poll(() => count(page, 'failed'), { message: 'the refused photo' }).toBe(1);
    expect(await count(page, 'sent')).toBe(1);
    const failed = page.locator('[data-testid=outbox-entry][data-state=failed]');
    expect(await failed.getByTestId('outbox-error').innerText()).toContain('409: photo id already used for other bytes');
    expect(await failed.getByTestId('outbox-retry').isVisible()).toBe(true);
    expect(await failed.getByTestId('outbox-discard').isVisible()).toBe(true);
    // Nothing is tried again on its own.
    expect(calls.filter((c) => PHOTO_URL.test(c.url))).toHaveLength(1);

    answer.current = created;
    await failed.getByTestId('outbox-retry').tap();
    await expect.poll(() => count(page, 'sent'), { message: 'the photo sent on retry' }).toBe(2);
    expect(await count(page, 'failed')).toBe(0);
    expect(calls.filter((c) => PHOTO_URL.test(c.url))).toHaveLength(2);
    expect(
      calls.filter((c) => INSPECTION_URL.test(c.url)),
      'the inspection is not sent again',
    ).toHaveLength(1);
  });

  it('a server that is down (503) leaves the entry waiting with the reason, and it goes by itself after a backoff', async () => {
    const calls: Call[] = [];
    let down = true;
    const answer = {
      current: ((call, route) =>
        down
          ? route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: 'database unavailable' }) })
          : created(call, route)) as Answer,
    };
    const { page } = await openSite(calls, answer);
    await writeInspection(page, []);

    const entry = page.getByTestId('outbox-entry');
    await expect
      .poll(
        () =>
          entry
            .getByTestId('outbox-error')
            .textContent()
            .catch(() => null),
        { message: 'the reason shown' },
      )
      .toContain('503: database unavailable');
    expect(await entry.getAttribute('data-state')).toBe('waiting');
    expect(calls).toHaveLength(1);

    down = false;
    // No button pressed, no network event: the backoff's timer (about 2 s for a first failure) sends it again.
    await expect.poll(() => count(page, 'sent'), { message: 'sent after the backoff', timeout: 15_000 }).toBe(1);
    expect(calls).toHaveLength(2);
  });

  it("on a shared phone, one engineer's writes are never sent under another's session", async () => {
    const calls: Call[] = [];
    const { page } = await openSite(calls, { current: created });
    // The page reloads offline below: the service worker must have taken it over.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
    await page.context().setOffline(true);
    await writeInspection(page, [await jpeg(page, '#d35400')]);
    await expect.poll(() => count(page, 'waiting')).toBe(2);

    // Another engineer signs in on the same phone (their session cookie), and the page reloads.
    const signInAs = async (username: string) => {
      const [name, value] = ((await Client.signIn(appBase(), username)).sessionCookie ?? '').split('=') as [string, string];
      await page.context().clearCookies();
      await page.context().addCookies([{ name, value, url: appBase(), httpOnly: true, sameSite: 'Lax' }]);
    };
    await signInAs('engineer');
    await page.reload({ waitUntil: 'load' });
    await page.getByTestId('sites-offline').waitFor();
    await page.context().setOffline(false);
    await page.getByTestId('user-role').waitFor({ state: 'attached' });
    await expect
      .poll(() => page.getByTestId('outbox').innerText(), { message: 'the entries wait for their author' })
      .toContain('รอ วิศวกรโยธา เขต 1 (สาธิต) เข้าสู่ระบบเพื่อส่ง');
    expect(await count(page, 'waiting')).toBe(2);
    expect(calls, 'nothing sent in the other engineer’s name').toEqual([]);

    await signInAs('engineer-z1');
    await page.reload({ waitUntil: 'load' });
    await expect.poll(() => count(page, 'sent'), { message: 'sent by their author', timeout: 20_000 }).toBe(2);
    expect(calls).toHaveLength(2);
  });

  it('a reload in the middle of sending picks up where it stopped', async () => {
    const calls: Call[] = [];
    let held: Route | null = null;
    const answer = {
      current: ((call, route) => {
        // The first photo's request is left unanswered: the page reloads while it is in flight.
        if (PHOTO_URL.test(call.url) && held === null) {
          held = route;
          return Promise.resolve();
        }
        return created(call, route);
      }) as Answer,
    };
    const { page } = await openSite(calls, answer);
    await writeInspection(page, [await jpeg(page, '#8e44ad'), await jpeg(page, '#f39c12')]);
    await expect
      .poll(async () => [await count(page, 'sent'), await count(page, 'sending')], { message: 'the inspection sent, a photo in flight' })
      .toEqual([1, 1]);
    const inFlight = calls.at(-1)!.path;

    await page.reload({ waitUntil: 'load' });
    await (held as Route | null)?.abort().catch(() => undefined);
    await expect.poll(() => count(page, 'sent'), { message: 'everything sent after the reload', timeout: 20_000 }).toBe(3);

    const paths = calls.map((c) => c.path);
    expect(
      paths.filter((p) => INSPECTION_URL.test(p)),
      'the inspection, once',
    ).toHaveLength(1);
    expect(
      paths.filter((p) => p === inFlight),
      'the photo cut off by the reload, sent again to the same id',
    ).toHaveLength(2);
    expect(
      paths.filter((p) => PHOTO_URL.test(p) && p !== inFlight),
      'the other photo, once',
    ).toHaveLength(1);
  });

  it("opens with no network once visited, with the engineer's sites and what waits to be sent; other API answers are not kept", async () => {
    const calls: Call[] = [];
    // One of the engineer's own sites, so that its page and the list answer 200.
    const list = await expectBody((await Client.signIn(appBase(), 'engineer-z1')).api.sites.$get({ query: { format: 'json' } }));
    const site = 'sites' in list ? list.sites[0]?.project_id : undefined;
    if (site === undefined) throw new Error('engineer-z1 has no site in the demo data');
    // The sites API goes to the server until the network is cut; then it is refused here too, as
    // a dead network would (the worker's own requests are not all covered by setOffline):
    // whatever answers then is the service worker's cache.
    let network = true;
    const { page } = await browser.open(`${appBase()}/sites/${site}`, {
      viewport: PHONE,
      phone: true,
      as: 'engineer-z1',
      before: async (context) => {
        await recordWrites(context, calls, { current: created });
        await context.route(/\/api\/sites(\/\d+)?$/, (route) => (network ? route.continue() : route.abort('internetdisconnected')));
      },
    });
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
    // The worker's own file is revalidated on every visit, so a new build's worker is found at once.
    const worker = await page.evaluate(() =>
      fetch('/sw.js', { cache: 'no-store' }).then((r) => [r.headers.get('cache-control'), r.headers.get('content-type')]),
    );
    expect(worker).toEqual(['no-cache', expect.stringMatching(/javascript/)]);
    // Public reference data is kept for the map; parcels (personal data) and the rest are not.
    const fetchStatus = (path: string) =>
      page.evaluate(
        (p) =>
          fetch(p).then(
            (r) => r.status,
            () => 'failed',
          ),
        path,
      );
    for (const path of ['/api/sites', `/api/sites/${site}`, '/api/boundary', '/api/projects']) expect(await fetchStatus(path), path).toBe(200);

    network = false;
    await page.context().setOffline(true);
    await writeInspection(page, [await jpeg(page, '#16a085')]);
    await expect.poll(() => count(page, 'waiting')).toBe(2);

    await page.reload({ waitUntil: 'load' });
    await page.getByTestId('sites-offline').waitFor();
    await expect.poll(() => count(page, 'waiting'), { message: 'entries still waiting after an offline reload' }).toBe(2);
    expect(await fetchStatus('/api/sites'), 'the site list from the cache').toBe(200);
    expect(await fetchStatus(`/api/sites/${site}`), 'a site from the cache').toBe(200);
    expect(await fetchStatus('/api/boundary'), 'reference data from the cache').toBe(200);
    expect(await fetchStatus('/api/projects'), 'no other API answer from the cache').toBe('failed');

    network = true;
    await page.context().setOffline(false);
    await expect.poll(() => count(page, 'sent'), { timeout: 20_000 }).toBe(2);
    expect(calls.map((c) => INSPECTION_URL.test(c.url))).toEqual([true, false]);
  });
});
