import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, inject, onTestFinished } from 'vitest';
import { DEMO_PASSWORD } from '../../server/auth/passwords.ts';
import { Client } from './client.ts';
import { TEST_HOOKS, type MueangStatus } from './test-hooks.ts';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../../scripts/lib/chromium.ts';

const WEB_BUILD = new URL('../../dist/web/index.html', import.meta.url);

/**
 * Whether the browser suites run: they need Debian's Chromium. Without it they are skipped with
 * a warning, unless MUEANG_REQUIRE_BROWSER=1 (CI), where its absence is an error.
 */
export const chromiumAvailable = existsSync(CHROMIUM_PATH);
if (!chromiumAvailable && process.env.MUEANG_REQUIRE_BROWSER === '1') {
  throw new Error(`MUEANG_REQUIRE_BROWSER=1 but there is no Chromium at ${CHROMIUM_PATH}`);
}
if (!chromiumAvailable) console.warn(`no Chromium at ${CHROMIUM_PATH}: the browser tests are skipped`);

async function launchChromium(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'mueang-chromium-'));
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, ignoreDefaultArgs: true, args: [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`] });
  return {
    browser,
    close: async () => {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * The server the browser tests load the app from: their own (tests/support/engines.ts), on a
 * copy of the seeded data, so that they can run beside the API suites.
 */
export const appBase = (): string => inject('appServer');

export interface OpenOptions {
  viewport?: { width: number; height: number };
  /** A touch screen at device scale 1, as the phone tests need. */
  phone?: boolean;
  /**
   * Opens the page already signed in as this demo account: signed in through the API and the
   * session cookie put in the context, so the page loads once, for that person. Tests about
   * the sign-in itself, or about a change of person in an open page, use the dialog instead.
   */
  as?: string;
  /** Set up the context before the page loads (intercept a request, say). */
  before?: (context: BrowserContext) => Promise<unknown>;
  /** Wait for the page's first complete frame (the default); false: only for the page's `load`. */
  ready?: boolean;
}

interface OpenPage {
  page: Page;
  /** Uncaught errors on the page. */
  problems: string[];
  /** Every request's URL, in order. */
  requests: string[];
  /** The API paths requested (`/api/…`, without the query), in order. */
  apiPaths: () => string[];
}

/**
 * One Chromium for a test file (launching is the slow part); every test opens its own pages in
 * a fresh browser context (own cookies and storage), closed when the test ends, so no test sees
 * another's state. Returns `open(url)`, which loads a page and waits until its map is ready.
 */
export function browserSuite() {
  let chromiumRun: Awaited<ReturnType<typeof launchChromium>> | null = null;
  beforeAll(async () => {
    if (!existsSync(WEB_BUILD)) throw new Error('no web build: run "npm run build" first (npm test does)');
    chromiumRun = await launchChromium();
  }, 60_000);
  afterAll(async () => chromiumRun?.close());

  return {
    /** Loads `url` in a new context and waits for the page's readiness signal (its first complete map). */
    async open(url: string, options: OpenOptions = {}): Promise<OpenPage> {
      if (!chromiumRun) throw new Error('the browser did not start');
      const { viewport = { width: 1280, height: 800 }, phone = false, as, before, ready = true } = options;
      const context = await chromiumRun.browser.newContext({ viewport, ...(phone ? { isMobile: true, hasTouch: true, deviceScaleFactor: 1 } : {}) });
      onTestFinished(() => context.close());
      await context.addInitScript(TEST_HOOKS);
      if (as) {
        const origin = new URL(url).origin;
        const [name, value] = ((await Client.signIn(origin, as)).sessionCookie ?? '').split('=') as [string, string];
        await context.addCookies([{ name, value, url: origin, httpOnly: true, sameSite: 'Lax' }]);
      }
      await before?.(context);
      const page = await context.newPage();
      const problems: string[] = [];
      const requests: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('request', (request) => requests.push(request.url()));
      await page.goto(url, { waitUntil: 'load' });
      if (ready) await waitForReady(page, problems);
      const apiPaths = () => requests.map((r) => new URL(r).pathname).filter((p) => p.startsWith('/api/'));
      return { page, problems, requests, apiPaths };
    },
  };
}

/**
 * Waits until `condition` holds of the page's status, checked on each of the app's readiness
 * events (test-hooks.js), not by polling; on timeout, says what the status was.
 */
export async function waitForStatus(
  page: Page,
  what: string,
  condition: (status: MueangStatus) => boolean,
  timeoutMs = 60_000,
  problems: string[] = [],
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([page.evaluate(`window.__mueang.until(${condition.toString()})`), timeout]);
  } catch (error) {
    const status = await page.evaluate(() => JSON.stringify(window.__mueang)).catch(() => 'unknown');
    throw new Error(`waiting for ${what}: ${(error as Error).message}; status ${status}; page errors: ${problems.join(' | ') || 'none'}`);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits for the current page's readiness signal (after a navigation too). */
function waitForReady(page: Page, problems: string[] = []): Promise<void> {
  return waitForStatus(page, 'the page to be ready', (status) => status.ready, 90_000, problems);
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

/** Three animation frames: deck.gl redraws on the frame after a prop change, inside MapLibre's frame. */
export async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(() => resolve())))));
}
