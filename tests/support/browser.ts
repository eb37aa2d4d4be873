import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../server/auth/passwords.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WEB_BUILD = new URL('../../dist/web/index.html', import.meta.url);
// Flags measured on these machines (shared/STACK.md): software WebGL2, no background traffic.
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-unsafe-swiftshader',
  '--remote-debugging-pipe'];

/**
 * Whether the browser suites run: they need Debian's Chromium. Without it they are skipped with
 * a warning, unless MUEANG_REQUIRE_BROWSER=1 (CI), where its absence is an error.
 */
export const chromiumAvailable = existsSync(CHROMIUM);
if (!chromiumAvailable && process.env.MUEANG_REQUIRE_BROWSER === '1') {
  throw new Error(`MUEANG_REQUIRE_BROWSER=1 but there is no Chromium at ${CHROMIUM}`);
}
if (!chromiumAvailable) console.warn(`no Chromium at ${CHROMIUM}: the browser tests are skipped`);

export interface OpenApp { browser: Browser; page: Page; problems: string[]; close: () => Promise<void> }

/** Opens the built web app from `url` in a fresh Chromium profile and waits until the map is ready. */
export async function openApp(url: string, viewport = { width: 1100, height: 760 }): Promise<OpenApp> {
  if (!existsSync(WEB_BUILD)) throw new Error('no web build: run "npm run build" first (npm test does)');
  const profile = mkdtempSync(join(tmpdir(), 'mueang-chromium-'));
  const browser = await chromium.launch({ executablePath: CHROMIUM, ignoreDefaultArgs: true, args: [...FLAGS, `--user-data-dir=${profile}`] });
  const close = async () => {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  };
  const page = await browser.newPage({ viewport });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => window.__mueang?.ready === true, undefined, { timeout: 90_000 })
    .catch(async (error: Error) => {
      const status = await page.evaluate(() => JSON.stringify(window.__mueang));
      await close();
      throw new Error(`map never became ready: ${error.message}; status ${status}; page errors: ${problems.join(' | ')}`);
    });
  return { browser, page, problems, close };
}

/**
 * Signs in through the header's button and the dialog, keyboard only, as a person would: the
 * username has focus, Tab moves on, Enter submits. Waits for the badge unless the password
 * is meant to be refused.
 */
export async function signInThroughDialog(page: Page, username: string, password = DEMO_PASSWORD, expectSuccess = true): Promise<void> {
  await page.getByTestId('sign-in').click();
  await page.getByTestId('sign-in-dialog').waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.type(username);
  await page.keyboard.press('Tab');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
  if (expectSuccess) await page.getByTestId('user-role').waitFor({ timeout: 10_000 });
}
