/**
 * How much JavaScript each page loads before its first frame, gzip-compressed, against a budget.
 *
 *   npm run build && npm run bundle-size
 *
 * From Vite's manifest (dist/web/.vite/manifest.json): the entry chunk and its static imports,
 * plus the page's lazy chunk and its static imports (what the browser must have before React
 * can draw the page; chunks loaded later, like the audit trail, do not count). Exits non-zero if
 * a page is over its budget, if the public flood page carries deck.gl or staff code, if any
 * chunk mentions the browser tests' hooks (`__mueang`), or if index.html names a file not every
 * page needs.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const DIST = new URL('../dist/web/', import.meta.url);

interface Chunk {
  file: string;
  name?: string;
  src?: string;
  isEntry?: boolean;
  imports?: string[];
}
const manifest = JSON.parse(readFileSync(new URL('.vite/manifest.json', DIST), 'utf8')) as Record<string, Chunk>;

/*
 * Budgets, in gzip KB. MapLibre alone is about 293 KB and React about 68 KB: a page with a map
 * cannot go below about 380 KB without a lighter map library. deck.gl (its layers and luma.gl)
 * adds about 230 KB; only the flood desk, whose sensor codes need its text layer, and a truck's
 * replay (TripsLayer, geo-layers on top) pay it: every other layer is MapLibre's own (web/map/useMapLayers.ts). The budgets leave about 5 % for
 * growth, so a page that starts to carry something it should not (deck.gl on any page but the
 * desk, the city's layers on /plan) fails here.
 */
const PAGES = [
  { path: '/', src: 'city/CityPage.tsx', budgetKb: 405 },
  { path: '/plan', src: 'plan/PlanPage.tsx', budgetKb: 405 },
  { path: '/flood', src: 'flood/FloodDeskPage.tsx', budgetKb: 650 },
  { path: '/flood/public', src: 'flood/PublicFloodPage.tsx', budgetKb: 400 },
  { path: '/sites', src: 'sites/SitesPage.tsx', budgetKb: 100 },
  { path: '/waste', src: 'waste/WastePage.tsx', budgetKb: 405 },
  { path: '/waste/trucks/…', src: 'waste/ReplayPage.tsx', budgetKb: 655 },
] as const;

/** Pages whose maps are MapLibre's alone: the deck.gl chunk there would be a mistake. */
const WITHOUT_DECK: readonly string[] = ['/flood/public', '/waste', '/'];

/** Strings only staff code contains (its test ids): none may be in the public page's chunks. */
const STAFF_MARKERS = ['sign-in-dialog', 'audit-panel', 'flood-contacts', 'project-edit-form', 'exec-import'];

/** The chunk and every chunk it imports statically, by manifest key. */
function closure(key: string, seen = new Set<string>()): Set<string> {
  if (seen.has(key)) return seen;
  const chunk = manifest[key];
  if (!chunk) throw new Error(`no chunk ${key} in the manifest: run "npm run build" first`);
  seen.add(key);
  for (const next of chunk.imports ?? []) closure(next, seen);
  return seen;
}

const entryKey = Object.keys(manifest).find((key) => manifest[key]!.isEntry);
if (!entryKey) throw new Error('no entry chunk in the manifest');
const text = (key: string) => readFileSync(new URL(manifest[key]!.file, DIST));
const gzipBytes = (key: string) => gzipSync(text(key)).length;
const kb = (bytes: number) => (bytes / 1024).toFixed(1);

const failures: string[] = [];
console.log('page           JS before first frame (gzip)   budget   chunks');
for (const page of PAGES) {
  const keys = closure(page.src, closure(entryKey));
  const bytes = [...keys].reduce((sum, key) => sum + gzipBytes(key), 0);
  const names = [...keys].map((key) => manifest[key]!.name ?? key).join(' ');
  const over = bytes > page.budgetKb * 1024;
  console.log(
    `${page.path.padEnd(15)}${`${kb(bytes)} KB`.padStart(12)}${''.padEnd(19)}${`${page.budgetKb} KB`.padStart(7)}   ${names}${over ? '   OVER BUDGET' : ''}`,
  );
  if (over) failures.push(`${page.path} loads ${kb(bytes)} KB, over its budget of ${page.budgetKb} KB`);

  if (WITHOUT_DECK.includes(page.path) && [...keys].some((key) => manifest[key]!.name === 'deck')) failures.push(`${page.path} loads the deck.gl chunk`);
  if (page.path === '/flood/public') {
    for (const key of keys) {
      const source = text(key).toString('utf8');
      for (const marker of STAFF_MARKERS)
        if (source.includes(marker)) failures.push(`the public flood page's chunk ${manifest[key]!.file} contains staff code ("${marker}")`);
    }
  }
}

for (const chunk of Object.values(manifest)) {
  if (chunk.file.endsWith('.js') && readFileSync(new URL(chunk.file, DIST), 'utf8').includes('__mueang')) {
    failures.push(`${chunk.file} mentions __mueang: the test hooks must stay out of the production build`);
  }
}

// index.html is the site workspace's (and its offline app shell): it may name only what every
// page loads first (the entry and its imports, and their styles), no page's library (MapLibre is
// preloaded by map.html, the other pages').
const everyPage = new Set([...closure(entryKey)].flatMap((key) => [manifest[key]!.file, ...((manifest[key] as { css?: string[] }).css ?? [])]));
const html = readFileSync(new URL('index.html', DIST), 'utf8');
for (const [, file] of html.matchAll(/(?:href|src)="\/(assets\/[^"]+)"/g)) {
  if (!everyPage.has(file as string)) failures.push(`index.html names ${file}, which not every page needs (the site list has no map)`);
}

const maplibre = Object.values(manifest).find((chunk) => chunk.name === 'maplibre');
if (!maplibre || !readFileSync(new URL('map.html', DIST), 'utf8').includes(`rel="modulepreload" crossorigin href="/${maplibre.file}"`)) {
  failures.push('map.html does not preload the MapLibre chunk');
}

if (failures.length > 0) {
  for (const failure of failures) console.error(`FAIL ${failure}`);
  process.exit(1);
}
console.log(
  'ok: every page within budget; the public flood page carries neither deck.gl nor staff code; no test hooks in the build; index.html names only what every page needs',
);
