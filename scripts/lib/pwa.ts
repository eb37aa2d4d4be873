/**
 * The site workspace as an installable web app (issue 12): its manifest, its icons and its
 * service worker, made at build time from the app's own bundle.
 *
 * The service worker (web/sites/sw.ts, on Workbox) is bundled here with Rolldown, the bundler
 * Vite itself runs on, into one classic script `/sw.js`, with its precache list written in: the
 * app shell (index.html), the entry chunk, the site workspace's chunk, a site's page chunk and the English messages, each with every chunk
 * and stylesheet it imports statically, and what the workspace's modules import lazily (the
 * inspection form's photo helpers) unless it leads to a map library. Nothing else: the map libraries (about 1.5 MB) would cost
 * an engineer on 3G minutes at the first visit for pages the workspace does not show offline.
 * vite-plugin-pwa would do the same through workbox-build (Babel, Rollup and Terser besides),
 * and its glob patterns cannot say "this page's chunks".
 */
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { build } from 'rolldown';
import type { Plugin, Rollup } from 'vite';

const SW_SOURCE = fileURLToPath(new URL('../../web/sites/sw.ts', import.meta.url));
/** The module of the site workspace's lazy chunk (web/main.tsx). */
const PAGE_MODULE = 'web/sites/SitesPage.tsx';
/** A site's own page, a lazy chunk of the workspace's (web/sites/SitesPage.tsx): it must open offline too. */
const SITE_MODULE = 'web/sites/SitePage.tsx';
/** The English messages, loaded when someone reads in English: offline too. */
const ENGLISH_MODULE = 'web/i18n/en.ts';

/** The header's colour (web/map/shell.css) and the page's paper. */
const THEME = '#2f3b2f';
const BACKGROUND = '#ffffff';
/** The favicon's mark (web/index.html), in its 32-unit box: a skyline. */
const MARK: readonly (readonly [number, number])[] = [
  [6, 24],
  [6, 11],
  [11, 15],
  [16, 8],
  [21, 15],
  [26, 11],
  [26, 24],
];
const MARK_COLOUR = '#d2a95f';

const MANIFEST = 'sites.webmanifest';

function hex(colour: string): [number, number, number] {
  return [1, 3, 5].map((i) => Number.parseInt(colour.slice(i, i + 2), 16)) as [number, number, number];
}

function inPolygon(x: number, y: number, polygon: readonly (readonly [number, number])[]): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i]!;
    const [xj, yj] = polygon[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function inRoundedSquare(x: number, y: number, size: number, radius: number): boolean {
  const cx = Math.min(Math.max(x, radius), size - radius);
  const cy = Math.min(Math.max(y, radius), size - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
}

/**
 * The favicon drawn as a PNG of `size` pixels, 4×4 samples a pixel. `maskable`: the background
 * fills the square and the mark keeps to the middle 70 %, inside the circle that launchers may
 * cut out of it (the manifest's "maskable" safe zone is the middle 80 %).
 */
function icon(size: number, maskable: boolean): Buffer {
  const png = new PNG({ width: size, height: size });
  const [br, bg, bb] = hex(THEME);
  const [mr, mg, mb] = hex(MARK_COLOUR);
  const scale = maskable ? 0.7 : 1;
  const samples = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let background = 0;
      let mark = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          // In the design's 32-unit box.
          const x = ((px + (sx + 0.5) / samples) / size) * 32;
          const y = ((py + (sy + 0.5) / samples) / size) * 32;
          if (!maskable && !inRoundedSquare(x, y, 32, 6)) continue;
          background++;
          if (inPolygon(16 + (x - 16) / scale, 16 + (y - 16) / scale, MARK)) mark++;
        }
      }
      const n = samples * samples;
      const m = mark / Math.max(background, 1);
      const i = (py * size + px) * 4;
      png.data[i] = Math.round(br + (mr - br) * m);
      png.data[i + 1] = Math.round(bg + (mg - bg) * m);
      png.data[i + 2] = Math.round(bb + (mb - bb) * m);
      png.data[i + 3] = Math.round((255 * background) / n);
    }
  }
  return PNG.sync.write(png);
}

const ICONS = [
  { file: 'icons/sites-192.png', size: 192, maskable: false },
  { file: 'icons/sites-512.png', size: 512, maskable: false },
  { file: 'icons/sites-maskable-512.png', size: 512, maskable: true },
] as const;

function manifest(): string {
  return JSON.stringify(
    {
      name: 'เมือง · งานก่อสร้าง',
      short_name: 'งานก่อสร้าง',
      description: 'ตรวจงานก่อสร้าง บันทึกความก้าวหน้าและภาพถ่ายหน้างาน เทศบาลนครขอนแก่น',
      lang: 'th',
      id: '/sites',
      start_url: '/sites',
      scope: '/',
      display: 'standalone',
      orientation: 'portrait',
      theme_color: THEME,
      background_color: BACKGROUND,
      icons: ICONS.map((i) => ({ src: `/${i.file}`, sizes: `${i.size}x${i.size}`, type: 'image/png', purpose: i.maskable ? 'maskable' : 'any' })),
    },
    null,
    2,
  );
}

const revision = (source: string | Uint8Array) => createHash('sha256').update(source).digest('hex').slice(0, 16);

/** The file names of `chunk`, every chunk it imports statically and their stylesheets. */
function closure(bundle: Rollup.OutputBundle, chunk: Rollup.OutputChunk, files = new Set<string>()): Set<string> {
  if (files.has(chunk.fileName)) return files;
  files.add(chunk.fileName);
  for (const css of chunk.viteMetadata?.importedCss ?? []) files.add(css);
  for (const name of chunk.imports) {
    const next = bundle[name];
    if (next?.type === 'chunk') closure(bundle, next, files);
  }
  return files;
}

/** The chunks of the map libraries: never precached (see above). */
const MAP_CHUNKS = new Set(['maplibre', 'deck']);
const WORKSPACE_DIR = fileURLToPath(new URL('../../web/sites/', import.meta.url));

/**
 * What the workspace's own modules import lazily, with its static imports, unless that leads to
 * the map libraries: the form's helpers (turf for a photo's distance, exifr for a HEIC's GPS)
 * are loaded once a photo is picked, and must be there when that happens offline.
 */
function lazyClosure(bundle: Rollup.OutputBundle, files: Set<string>, out = new Set<string>()): Set<string> {
  for (const file of files) {
    const chunk = bundle[file];
    if (chunk?.type !== 'chunk' || !chunk.moduleIds.some((id) => id.startsWith(WORKSPACE_DIR))) continue;
    for (const name of chunk.dynamicImports) {
      const next = bundle[name];
      if (next?.type !== 'chunk' || out.has(name)) continue;
      const lazy = closure(bundle, next);
      if ([...lazy].some((f) => MAP_CHUNKS.has((bundle[f] as Rollup.OutputChunk | undefined)?.name ?? ''))) continue;
      for (const f of lazy) out.add(f);
      lazyClosure(bundle, lazy, out);
    }
  }
  return out;
}

export function sitesPwa(): Plugin {
  return {
    name: 'mueang-sites-pwa',
    apply: 'build',
    generateBundle: {
      // After Vite has written index.html (with every other plugin's tags) into the bundle.
      order: 'post',
      async handler(_options, bundle) {
        const chunks = Object.values(bundle).filter((f): f is Rollup.OutputChunk => f.type === 'chunk');
        const entry = chunks.find((c) => c.isEntry);
        const page = chunks.find((c) => c.facadeModuleId?.endsWith(PAGE_MODULE));
        const site = chunks.find((c) => c.facadeModuleId?.endsWith(SITE_MODULE));
        const english = chunks.find((c) => c.facadeModuleId?.endsWith(ENGLISH_MODULE));
        const html = bundle['index.html'];
        if (!entry || !page || !site || !english || html?.type !== 'asset') {
          throw new Error(`sitesPwa: no entry chunk, no chunk for ${PAGE_MODULE}, ${SITE_MODULE} or ${ENGLISH_MODULE}, or no index.html in the build`);
        }

        const own: { fileName: string; source: string | Uint8Array }[] = [
          ...ICONS.map((i) => ({ fileName: i.file, source: icon(i.size, i.maskable) })),
          { fileName: MANIFEST, source: manifest() },
        ];
        for (const file of own) this.emitFile({ type: 'asset', ...file });

        const shell = closure(bundle, english, closure(bundle, site, closure(bundle, page, closure(bundle, entry))));
        const withLazy = new Set([...shell, ...lazyClosure(bundle, shell)]);
        // Files under assets/ are named by their content's hash: a revision would say nothing more.
        const precache = [
          { url: '/index.html', revision: revision(html.source) },
          ...[...withLazy].map((file) => ({ url: `/${file}`, revision: null })),
          ...own.map((file) => ({ url: `/${file.fileName}`, revision: revision(file.source) })),
        ];
        const output = await build({
          input: SW_SOURCE,
          write: false,
          output: { format: 'iife', minify: true },
          transform: {
            define: {
              __PRECACHE__: JSON.stringify(precache),
              // Workbox logs every step in development builds.
              'process.env.NODE_ENV': '"production"',
            },
          },
        });
        const code = output.output[0].code;
        this.emitFile({ type: 'asset', fileName: 'sw.js', source: code });
      },
    },
  };
}
