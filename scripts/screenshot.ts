/**
 * Screenshot of the running web app in Debian's Chromium (software WebGL2 via SwiftShader).
 *
 *   node --import tsx scripts/screenshot.ts http://localhost:8080/plan shot.png [--lang en]
 *     [--width 1280] [--height 800] [--sign-in user[:password]] [--click x,y] [--timeout 60000]
 *
 * `--sign-in` signs in through the sign-in dialog, as a person would (the password defaults
 * to the demo accounts' one), before the click and the picture.
 *
 * Each page has its own path: the city map `/`, plan evaluation `/plan`, the flood desk
 * `/flood`, the public flood map `/flood/public`.
 *
 * Waits for the page's readiness signal (collected into `window.__mueang` by the test hooks,
 * tests/support/test-hooks.ts, injected before the app starts), then for the first parcel
 * tiles if the page has parcels, so the picture shows what a visitor sees once it has settled.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { DEMO_PASSWORD } from '../server/auth/passwords.ts';
import { TEST_HOOKS } from '../tests/support/test-hooks.ts';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from './lib/chromium.ts';

interface Options {
  url: string;
  out: string;
  lang?: 'th' | 'en';
  width: number;
  height: number;
  click?: [number, number];
  signIn?: { username: string; password: string };
  timeout: number;
}

function parseArgs(argv: string[]): Options {
  const positional: string[] = [];
  const named = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith('--')) {
      const value = argv[i + 1];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      named.set(arg.slice(2), value);
      i++;
    } else {
      positional.push(arg);
    }
  }
  const [url, out] = positional;
  if (!url || !out) {
    throw new Error('usage: screenshot.ts <url> <output.png> [--lang en] [--width W] [--height H] [--click x,y]');
  }
  const lang = named.get('lang');
  if (lang !== undefined && lang !== 'th' && lang !== 'en') throw new Error('--lang must be th or en');
  const click = named.get('click')?.split(',').map(Number);
  const signIn = named.get('sign-in');
  const colon = signIn?.indexOf(':') ?? -1;
  return {
    url,
    out,
    lang,
    width: Number(named.get('width') ?? 1280),
    height: Number(named.get('height') ?? 800),
    click: click && click.length === 2 ? [click[0]!, click[1]!] : undefined,
    signIn: signIn
      ? colon >= 0
        ? { username: signIn.slice(0, colon), password: signIn.slice(colon + 1) }
        : { username: signIn, password: DEMO_PASSWORD }
      : undefined,
    timeout: Number(named.get('timeout') ?? 60_000),
  };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const profile = mkdtempSync(join(tmpdir(), 'mueang-chromium-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    ignoreDefaultArgs: true,
    args: [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`],
  });
  try {
    const page = await browser.newPage({ viewport: { width: options.width, height: options.height } });
    await page.addInitScript(TEST_HOOKS);
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') console.log(`[browser ${msg.type()}] ${msg.text()}`);
    });
    page.on('pageerror', (error) => console.log(`[page error] ${error.message}`));
    page.on('requestfailed', (request) => console.log(`[request failed] ${request.url()} ${request.failure()?.errorText ?? ''}`));

    const url = new URL(options.url);
    if (options.lang) url.searchParams.set('lang', options.lang);
    await page.goto(url.toString(), { waitUntil: 'domcontentloaded' });

    const started = Date.now();
    try {
      await page.waitForFunction(() => window.__mueang?.ready === true, undefined, { timeout: options.timeout });
    } catch (error) {
      const status = await page.evaluate(() => window.__mueang);
      console.error('map never became ready:', JSON.stringify(status));
      throw error;
    }
    console.log(`ready after ${Date.now() - started} ms`);

    // Parcels stream in by tile after `ready`, on the city map only.
    if (new URL(options.url).pathname === '/') {
      await page
        .waitForFunction(() => (window.__mueang?.layers.parcels ?? 0) > 0, undefined, { timeout: 10_000 })
        .catch(() => console.log('no parcel tiles within 10 s (zoomed out, or none in view)'));
    }
    await page.waitForTimeout(1500);

    if (options.signIn) {
      await page.getByTestId('sign-in').click();
      await page.getByTestId('sign-in-username').fill(options.signIn.username);
      await page.getByTestId('sign-in-password').fill(options.signIn.password);
      await page.getByTestId('sign-in-password').press('Enter');
      // Whichever comes first: the header naming the role, or the dialog naming the problem.
      const signedIn = page
        .getByTestId('user-role')
        .waitFor({ timeout: 15_000 })
        .then(
          () => 'in' as const,
          () => 'timeout' as const,
        );
      const refused = page
        .waitForFunction(() => document.querySelector('[data-testid=sign-in-error]')?.textContent, undefined, { timeout: 15_000 })
        .then(
          () => 'refused' as const,
          () => 'timeout' as const,
        );
      const outcome = await Promise.race([signedIn, refused]);
      if (outcome === 'refused') throw new Error(`sign-in refused: ${await page.getByTestId('sign-in-error').innerText()}`);
      if (outcome === 'timeout') throw new Error('sign-in: no answer within 15 s');
      console.log(`signed in as ${options.signIn.username}: ${await page.getByTestId('user-role').innerText()}`);
      // Every layer loads again for the new viewer.
      await page.waitForTimeout(2500);
    }

    if (options.click) {
      await page.mouse.click(options.click[0], options.click[1]);
      await page.waitForTimeout(800);
    }

    console.log('status:', JSON.stringify(await page.evaluate(() => window.__mueang)));
    await page.screenshot({ path: options.out });
    console.log(`wrote ${options.out}`);
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
