import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoImageIsCurrent } from '../../server/seed/image.ts';
import { type RunningServer, startServer } from '../../tests/support/server.ts';
import { Client } from '../lib/client.ts';
import type { BenchPart, Figure } from './figures.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** What the README promises (section "Run it"): a demo's first start, and every later one. */
const README_FIRST_START_S = 6;
const README_LATER_START_S = 3;

/** A demo server on `dataDir`: seconds from spawning it to its listening, as `npm start` would wait. */
async function timedStart(dataDir: string): Promise<{ server: RunningServer; seconds: number; steps: string }> {
  const began = performance.now();
  const server = await startServer({ DATA_DIR: dataDir, MUEANG_MODE: 'demo' });
  const seconds = (performance.now() - began) / 1000;
  return { server, seconds, steps: /start-up steps: (.*)/.exec(server.log())?.[1] ?? '' };
}

/** The resident memory of the server's process, its database worker thread included. */
const rssMb = (server: RunningServer) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.process.pid}/status`, 'utf8'))?.[1]) / 1024;

/** Tiles covering the city at zoom z (lon 102.77–102.88, lat 16.37–16.49). */
function cityTiles(z: number): string[] {
  const x = (lon: number) => Math.floor(((lon + 180) / 360) * 2 ** z);
  const y = (lat: number) => Math.floor(((1 - Math.asinh(Math.tan((lat * Math.PI) / 180)) / Math.PI) / 2) * 2 ** z);
  const tiles: string[] = [];
  for (let tx = x(102.77); tx <= x(102.88); tx++) for (let ty = y(16.49); ty <= y(16.37); ty++) tiles.push(`${z}/${tx}/${ty}`);
  return tiles;
}

/** What the city map asks for, signed in as the administrator, and the parcel tiles of the city at z13–z15. */
async function serveCityMap(base: string): Promise<number> {
  const admin = await Client.signIn(base, 'admin');
  const paths = ['boundary', 'basemap', 'zones', 'communities', 'projects', 'trucks', 'sensors'].map((p) => `/api/${p}`);
  paths.push(...[13, 14, 15].flatMap(cityTiles).map((t) => `/api/tiles/parcels/${t}.mvt`));
  for (const path of paths) {
    const response = await fetch(`${base}${path}`, { headers: admin.sessionCookie ? { cookie: admin.sessionCookie } : {} });
    if (!response.ok) throw new Error(`${path}: ${response.status}`);
    await response.arrayBuffer();
  }
  return paths.length;
}

/**
 * The embedded engine's start-up: a demo's first start on an empty DATA_DIR (from the prebuilt
 * image, made first if `npm run build` has not), a later start on the same directory, and the
 * process's RSS after starting and after serving the city map.
 */
export const embedded: BenchPart = async () => {
  if (!demoImageIsCurrent())
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build-seed.ts'], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-embedded-'));
  const load = () => `load ${loadavg()[0]?.toFixed(1)}`;
  try {
    const first = await timedStart(dataDir);
    const started = rssMb(first.server);
    const requests = await serveCityMap(first.server.url);
    const served = rssMb(first.server);
    await first.server.stop();
    const later = await timedStart(dataDir);
    const laterRss = rssMb(later.server);
    await later.server.stop();
    return [
      {
        what: 'embedded: first start (prebuilt image)',
        value: first.seconds,
        unit: 's',
        target: { max: README_FIRST_START_S },
        detail: `${first.steps}; ${load()}`,
      },
      { what: 'embedded: later start', value: later.seconds, unit: 's', target: { max: README_LATER_START_S }, detail: `${later.steps}; ${load()}` },
      { what: 'embedded: RSS after the first start', value: started, unit: 'MB' },
      { what: "embedded: RSS after the city map's requests", value: served, unit: 'MB', detail: `${requests} requests (API lists, parcel tiles z13–15)` },
      { what: 'embedded: RSS after a later start', value: laterRss, unit: 'MB' },
    ] satisfies Figure[];
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
};
