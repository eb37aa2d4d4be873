import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { sitesPwa } from './scripts/lib/pwa.ts';
import { TimedLast } from './tests/support/sequencer.ts';

const repoRoot = fileURLToPath(new URL('.', import.meta.url));

/**
 * Writes `x.br` (brotli, quality 11) and `x.gz` (gzip, level 9) beside every text file of the
 * build, once, so the server sends them by the client's Accept-Encoding without compressing
 * anything per request (server/app.ts, serveStatic's `precompressed`). Skips files under 1 KB
 * and the manifest, which only scripts read.
 */
function precompress(): Plugin {
  const brotli = promisify(brotliCompress);
  const gzipAsync = promisify(gzip);
  let outDir = '';
  return {
    name: 'mueang-precompress',
    apply: 'build',
    configResolved: (config) => {
      outDir = config.build.outDir.startsWith('/') ? config.build.outDir : join(config.root, config.build.outDir);
    },
    async writeBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((name) => /\.(js|mjs|css|html|svg|json|wasm)$/.test(name) && !name.startsWith('.vite/'));
      await Promise.all(
        files.map(async (name) => {
          const path = join(outDir, name);
          const bytes = await readFile(path);
          if (bytes.byteLength < 1024) return;
          const params = { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength };
          await Promise.all([writeFile(`${path}.br`, await brotli(bytes, { params })), writeFile(`${path}.gz`, await gzipAsync(bytes, { level: 9 }))]);
        }),
      );
    },
  };
}

/**
 * `map.html`: index.html with hints for what every page with a map needs but only learns it
 * needs late: the MapLibre chunk (imported by the page's lazy chunk, so asked for only once the
 * entry has run: a round trip later, over half a second on a slow mobile network) as a
 * modulepreload, and its worker script (fetched when the map is created) as a prefetch into the
 * HTTP cache. The server sends it for the pages with a map (server/app.ts); the site workspace,
 * whose list has no map, gets index.html itself, as does its service worker's app shell: an
 * engineer on 3G does not pay for 290 KB it does not draw.
 */
const MAP_PAGE = 'map.html';
function mapPage(): Plugin {
  return {
    name: 'mueang-map-page',
    apply: 'build',
    generateBundle: {
      // After Vite has written index.html, before the PWA plugin's app shell and the precompression read the bundle.
      order: 'post',
      handler(_options, bundle) {
        const files = Object.values(bundle);
        const chunk = files.find((f) => f.type === 'chunk' && f.name === 'maplibre');
        const worker = files.find((f) => f.type === 'asset' && /maplibre-gl-worker.*\.mjs$/.test(f.fileName));
        const html = bundle['index.html'];
        if (!chunk || !worker || html?.type !== 'asset') throw new Error('mapPage: no maplibre chunk, worker or index.html in the build');
        const hints = `<link rel="modulepreload" crossorigin href="/${chunk.fileName}">\n    <link rel="prefetch" href="/${worker.fileName}">\n  </head>`;
        this.emitFile({ type: 'asset', fileName: MAP_PAGE, source: String(html.source).replace('</head>', hints) });
      },
    },
  };
}

export default defineConfig({
  root: 'web',
  // With root at web/, Vite would otherwise look for .env files there; keep them beside package.json.
  envDir: repoRoot,
  plugins: [react(), mapPage(), sitesPwa(), precompress()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    // maplibre-gl and deck.gl are large by nature; `npm run bundle-size` holds each page to a budget instead.
    chunkSizeWarningLimit: 3000,
    // scripts/bundle-size.ts reads which chunks each page loads from here.
    manifest: true,
    rolldownOptions: {
      output: {
        codeSplitting: {
          // Named chunks for the big libraries, so a page's chunk list says what it carries
          // (the public flood page must load no `deck` chunk) and each is cached on its own.
          groups: [
            // Vite's preload helper on its own: the entry needs it, and inside the deck chunk
            // (deck.gl imports lazily too) it would make every page load deck.gl.
            { name: 'preload', test: /preload-helper/, priority: 5 },
            { name: 'deck', test: /node_modules[\\/]@(deck\.gl[\\/](?!geo-layers)|luma\.gl|loaders\.gl|math\.gl|probe\.gl)/, priority: 4 },
            // A truck's replay (TripsLayer) only: the flood desk does not pay for it. After `deck`,
            // which has already taken what it shares with deck.gl's core.
            { name: 'deck-geo', test: /node_modules[\\/]@deck\.gl[\\/]geo-layers[\\/]/, priority: 3 },
            { name: 'maplibre', test: /node_modules[\\/](maplibre-gl|@maplibre)[\\/]/, priority: 2 },
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 1 },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      // The API lives under /api, but so do the app's own sources in web/api/ (served by Vite
      // as /api/client.ts in dev). Forward everything under /api except TypeScript modules.
      '^/api/(?!.*\\.tsx?(\\?.*)?$)': 'http://127.0.0.1:8080',
    },
  },
  test: {
    root: repoRoot,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        // Pure functions: no server, no database; `npm run test:unit` takes seconds.
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'api',
          include: ['tests/api/**/*.test.ts'],
          globalSetup: ['tests/support/engines.ts'],
          // The suites share the servers and some assert that nothing changed: one file at a time.
          fileParallelism: false,
          // The tests that time the server's answers go last (tests/support/sequencer.ts).
          sequence: { sequencer: TimedLast },
        },
      },
      {
        extends: true,
        test: {
          // A server and data of their own (tests/support/engines.ts): `npm test` runs them in a
          // vitest process beside the API suites' (scripts/test.ts).
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          globalSetup: ['tests/support/engines.ts'],
          fileParallelism: false,
          // A poll waits for what the page does next: an answer, a frame. vitest's 1 s default is
          // shorter than an answer can take on a CI host that runs the API suites beside (a
          // parcel's calculation missed it once); the state must still come, only later.
          expect: { poll: { timeout: 10_000 } },
        },
      },
      {
        extends: true,
        test: {
          // scripts/cluster.sh's layout (HAProxy, three servers, PgBouncer, a primary and its
          // replica), started and stopped by the test itself: no shared engines.
          name: 'cluster',
          include: ['tests/cluster/**/*.test.ts'],
          hookTimeout: 400_000,
        },
      },
    ],
  },
});
