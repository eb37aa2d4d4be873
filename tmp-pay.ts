import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { Client } from './tests/support/client.ts';
import { TEST_HOOKS } from './tests/support/test-hooks.ts';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from './scripts/lib/chromium.ts';
const base = process.argv[2]!;
const lang = process.argv[3] ?? 'th';
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, ignoreDefaultArgs: true, args: [...CHROMIUM_FLAGS, `--user-data-dir=${mkdtempSync(join(tmpdir(), 'shots-'))}`] });
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
await context.addInitScript(TEST_HOOKS);
const [name, value] = ((await Client.signIn(base, 'tax')).sessionCookie ?? '').split('=') as [string, string];
await context.addCookies([{ name, value, url: base, httpOnly: true, sameSite: 'Lax' }]);
const p = await context.newPage();
p.on('pageerror', (e) => console.log('[page error]', e.message));
await p.goto(`${base}/tax?lang=${lang}`, { waitUntil: 'load' });
await p.waitForFunction(() => window.__mueang?.ready === true, undefined, { timeout: 90_000 });
await p.getByTestId('tax-code-zone').selectOption('01');
await p.getByTestId('tax-code-block').selectOption('ก');
await p.waitForTimeout(1500);
await p.getByTestId('tax-code-lot').selectOption('003');
await p.getByTestId('tax-bill').waitFor();
console.log('status before', await p.getByTestId('tax-bill').getAttribute('data-status'), await p.getByTestId('tax-bill').getAttribute('data-owed'));
if (lang === 'th') {
  await p.getByTestId('tax-pay-receipt').fill(`WEB-${Date.now()}`);
  await p.getByTestId('tax-pay-submit').click();
  await p.getByTestId('tax-pay-recorded').waitFor({ timeout: 15000 }).catch(async () => console.log('error:', await p.getByTestId('tax-pay-error').innerText().catch(() => 'none')));
  await p.waitForTimeout(4000);
  console.log('status after', await p.getByTestId('tax-bill').getAttribute('data-status'));
  await p.getByTestId('tax-parcel').evaluate((el) => (el.scrollTop = el.scrollHeight));
  await p.screenshot({ path: '/work/shots16/tax-payment-recorded.png' });
} else {
  await p.waitForTimeout(3000);
  await p.screenshot({ path: '/work/shots16/tax-parcel-english.png' });
}
await browser.close();
