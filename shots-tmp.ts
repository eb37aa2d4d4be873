import { chromium } from 'playwright-core';
import { Client } from './scripts/lib/client.ts';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from './scripts/lib/chromium.ts';
const base = process.argv[2]!;
const eng = await Client.signIn(base, 'engineer');
const list = await (await eng.api.sites.$get({ query: { format: 'json' } })).json();
const first = (list as { sites: { project_id: number }[] }).sites[0]!.project_id;
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, ignoreDefaultArgs: true, args: [...CHROMIUM_FLAGS] });
const shots: [string, string, string][] = [
  ['sites', '/sites', 'engineer'],
  ['site', `/sites/${first}`, 'chief_engineer'],
  ['city', '/', 'executive'],
  ['plan', '/plan', 'executive'],
];
for (const [w, h] of [[1440, 900], [390, 844]] as const) {
  for (const [name, path, who] of shots) {
    const context = await browser.newContext({ viewport: { width: w, height: h } });
    const c = await Client.signIn(base, who);
    const [n, v] = (c.sessionCookie ?? '').split('=') as [string, string];
    await context.addCookies([{ name: n, value: v, url: base, httpOnly: true, sameSite: 'Lax' }]);
    const page = await context.newPage();
    await page.goto(base + path);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true' || (window as any).__mueangReady, undefined, { timeout: 8000 }).catch(() => undefined);
    await page.waitForTimeout(4000);
    await page.screenshot({ path: `/work/shots-final/${name}-${w}.png` });
    if (name === 'site') {
      await page.getByTestId('site-map').scrollIntoViewIfNeeded().catch(() => undefined);
      await page.waitForTimeout(2500);
      await page.screenshot({ path: `/work/shots-final/${name}-map-${w}.png` });
      const photo = page.getByTestId('site-photo').first();
      await photo.scrollIntoViewIfNeeded();
      await photo.click().catch(() => undefined);
      await page.waitForTimeout(1500);
      await page.screenshot({ path: `/work/shots-final/${name}-photo-${w}.png` });
    }
    await context.close();
  }
}
await browser.close();
