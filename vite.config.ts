import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

const repoRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: 'web',
  // With root at web/, Vite would otherwise look for .env files there; keep them beside package.json.
  envDir: repoRoot,
  plugins: [react()],
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
            { name: 'preload', test: /preload-helper/, priority: 4 },
            { name: 'deck', test: /node_modules[\\/]@(deck\.gl|luma\.gl|loaders\.gl|math\.gl|probe\.gl)[\\/]/, priority: 3 },
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
          // The API suites and the browser tests share one server per database engine
          // (tests/support/engines.ts): one project, so the servers start once.
          name: 'integration',
          include: ['tests/api/**/*.test.ts', 'tests/browser/**/*.test.ts'],
          globalSetup: ['tests/support/engines.ts'],
          // The suites share those servers and some assert that nothing changed: one file at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
