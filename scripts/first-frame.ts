/**
 * `npm run bench:frame [-- --url http://host:port] [--runs 3] [--pages city,city-staff]`: how long
 * the city map (/, as the public and as an executive, who also sees the late construction sites),
 * the plan view (/plan, as an executive), the public flood map (/flood/public), and an engineer's
 * site list (/sites) and most urgent site (/sites/{id}, with its map and photos) take from
 * navigation start to their first complete frame (the app's `mueang:ready`: every layer the page
 * shows drawn with its data, the map idle; web/map/readiness.ts) in Debian's headless Chromium,
 * on the machine's own network and again under Chrome's "Fast 3G" preset. Median of `runs`, each
 * in a fresh browser context (a cold HTTP cache). For each page it also prints the bytes that
 * came over the wire before the frame and the requests made before it.
 *
 * Without `--url` it starts what it measures: a throwaway PostGIS cluster and a demo server on it
 * (from `dist/web`: run `npm run build` first), and stops both at the end.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { Client } from './lib/client.ts';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from './lib/chromium.ts';
import { startCluster } from './lib/cluster.ts';
import { parseOptions } from './lib/options.ts';
import { startServer } from '../tests/support/server.ts';

/** The pages and who looks at them (the plan view is the executives'); `--pages` picks some by key. */
const PAGES = [
  { key: 'city', name: 'city map', path: '/', as: undefined },
  { key: 'city-staff', name: 'city map (executive)', path: '/', as: 'executive' },
  { key: 'plan', name: 'plan view', path: '/plan', as: 'executive' },
  { key: 'flood-public', name: 'public flood map', path: '/flood/public', as: undefined },
  { key: 'sites', name: 'site list (engineer)', path: '/sites', as: 'engineer' },
  // The site at the top of the engineer's list (the latest one); its id is asked for at the start.
  { key: 'site', name: 'a late site (engineer)', path: '/sites/{first}', as: 'engineer' },
] as const;

/**
 * Chrome DevTools' "Fast 3G" preset (front_end/core/sdk/NetworkManager.ts): 1.6 Mbit/s down and
 * 750 kbit/s up, each × 0.9, and 150 ms × 3.75 of latency.
 */
const FAST_3G = { offline: false, latency: 562.5, downloadThroughput: (1.6 * 1000 * 1000 * 0.9) / 8, uploadThroughput: (750 * 1000 * 0.9) / 8 };

const TARGET_MS = 3000;

/** Records when the first frame was announced, on the page's own clock (epoch ms). */
const READY_PROBE = `window.addEventListener('mueang:ready', () => { window.__frameAt ??= performance.timeOrigin + performance.now(); });`;

interface Request {
  url: string;
  /** Epoch ms the request was sent, and its response's last byte came. */
  sentAt: number;
  doneAt: number;
  /** Wall clock minus CDP's monotonic clock, in ms, to place `doneAt`. */
  clockOffset: number;
  /** Bytes received over the wire (headers and the body as encoded), once it finished. */
  bytes: number;
  encoding: string;
}

interface Run {
  ms: number;
  /** Navigation start, epoch ms. */
  start: number;
  /** Requests sent before the frame. */
  before: Request[];
}

type Page = Omit<(typeof PAGES)[number], 'path'> & { path: string };

async function measure(browser: Browser, base: string, page: Page, throttled: boolean): Promise<Run> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    if (page.as) {
      const [name, value] = ((await Client.signIn(base, page.as)).sessionCookie ?? '').split('=') as [string, string];
      await context.addCookies([{ name, value, url: base, httpOnly: true, sameSite: 'Lax' }]);
    }
    await context.addInitScript(READY_PROBE);
    const tab = await context.newPage();
    // Through CDP: Playwright's own events say nothing of bytes on the wire or throttling.
    const cdp = await context.newCDPSession(tab);
    const requests = new Map<string, Request>();
    cdp.on('Network.requestWillBeSent', (e) =>
      requests.set(e.requestId, {
        url: e.request.url,
        sentAt: e.wallTime * 1000,
        doneAt: Number.NaN,
        clockOffset: (e.wallTime - e.timestamp) * 1000,
        bytes: 0,
        encoding: '',
      }),
    );
    cdp.on('Network.responseReceived', (e) => {
      const request = requests.get(e.requestId);
      const headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
      if (request) request.encoding = headers['content-encoding'] ?? '';
    });
    cdp.on('Network.loadingFinished', (e) => {
      const request = requests.get(e.requestId);
      if (!request) return;
      request.bytes = e.encodedDataLength;
      request.doneAt = e.timestamp * 1000 + request.clockOffset;
    });
    await cdp.send('Network.enable');
    if (throttled) await cdp.send('Network.emulateNetworkConditions', FAST_3G);
    await tab.goto(base + page.path, { waitUntil: 'commit' });
    await tab.waitForFunction(() => (window as { __frameAt?: number }).__frameAt !== undefined, undefined, { timeout: 120_000, polling: 100 });
    const [start, frameAt] = await tab.evaluate(() => [performance.timeOrigin, (window as unknown as { __frameAt: number }).__frameAt]);
    // Let what was already on its way finish, so its bytes are counted.
    await tab.waitForLoadState('networkidle').catch(() => undefined);
    // Data URLs (MapLibre's control icons) cost nothing on the wire.
    const before = [...requests.values()].filter((r) => r.sentAt <= frameAt && !r.url.startsWith('data:')).sort((a, b) => a.sentAt - b.sentAt);
    return { ms: frameAt - start, start, before };
  } finally {
    await context.close();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

/** `{first}` in a page's path: the first site of its viewer's list. */
async function resolvePath(base: string, page: (typeof PAGES)[number]): Promise<string> {
  if (!page.path.includes('{first}')) return page.path;
  const client = await Client.signIn(base, page.as ?? 'engineer');
  const response = await client.api.sites.$get({ query: { format: 'json' } });
  const body = await response.json();
  if (!('sites' in body) || !body.sites[0]) throw new Error(`${page.name}: no site in the list of ${page.as}`);
  return page.path.replace('{first}', String(body.sites[0].project_id));
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), ['url', 'runs', 'pages']);
  const runs = Number(options.get('runs') ?? 3);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive whole number');
  const keys = options.get('pages')?.split(',') ?? PAGES.map((p) => p.key);
  const unknown = keys.filter((key) => !PAGES.some((p) => p.key === key));
  if (unknown.length) throw new Error(`--pages: no page ${unknown.join(', ')} (pages: ${PAGES.map((p) => p.key).join(', ')})`);
  const chosen = PAGES.filter((p) => keys.includes(p.key));
  const stops: (() => Promise<void> | void)[] = [];
  try {
    let base = options.get('url');
    if (!base) {
      if (!existsSync(new URL('../dist/web/index.html', import.meta.url))) throw new Error('no web build: run "npm run build" first');
      const cluster = startCluster('mueang-frame');
      stops.push(cluster.stop);
      console.error('bench:frame: starting a demo server on a throwaway PostGIS (it seeds first)…');
      const server = await startServer({ DATABASE_URL: cluster.url, MUEANG_MODE: 'demo' });
      stops.push(server.stop);
      base = server.url;
    }
    base = base.replace(/\/$/, '');
    const pages: Page[] = await Promise.all(chosen.map(async (p) => ({ ...p, path: await resolvePath(base!, p) })));
    const profile = mkdtempSync(join(tmpdir(), 'mueang-frame-'));
    stops.push(() => rmSync(profile, { recursive: true, force: true }));
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, ignoreDefaultArgs: true, args: [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`] });
    stops.push(() => browser.close());

    // A first load that is not counted: the server's own caches and Chromium's compiled code warm.
    for (const page of pages) await measure(browser, base, page, false);

    const rows: string[][] = [];
    for (const throttled of [false, true]) {
      for (const page of pages) {
        const measured: Run[] = [];
        for (let i = 0; i < runs; i++) measured.push(await measure(browser, base, page, throttled));
        const ms = median(measured.map((r) => r.ms));
        const typical = measured.find((r) => r.ms === ms)!;
        const bytes = typical.before.reduce((sum, r) => sum + r.bytes, 0);
        const network = throttled ? 'Fast 3G' : 'local';
        rows.push([
          page.name,
          network,
          `${(ms / 1000).toFixed(2)} s`,
          throttled ? '' : ms < TARGET_MS ? 'met' : 'MISSED',
          kb(bytes),
          String(typical.before.length),
          measured.map((r) => (r.ms / 1000).toFixed(2)).join(', '),
        ]);
        if (!throttled) {
          console.log(`\n${page.name} (${page.path}): requests before the first frame at ${ms.toFixed(0)} ms (sent → done, ms from navigation start)`);
          for (const r of typical.before) {
            const url = new URL(r.url);
            const when = `${(r.sentAt - typical.start).toFixed(0)} → ${(r.doneAt - typical.start).toFixed(0)}`;
            console.log(`  ${when.padStart(12)} ${kb(r.bytes).padStart(7)} ${(r.encoding || 'identity').padEnd(8)} ${url.pathname}${url.search}`);
          }
        }
      }
    }
    const header = ['page', 'network', 'first frame (median)', `< ${TARGET_MS / 1000} s`, 'bytes before it', 'requests', 'runs'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
    console.log(`\n${[line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')}`);
    console.log(
      `\nFast 3G: ${FAST_3G.latency} ms latency, ${(FAST_3G.downloadThroughput / 1000).toFixed(0)} kB/s down, ${(FAST_3G.uploadThroughput / 1000).toFixed(1)} kB/s up`,
    );
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
