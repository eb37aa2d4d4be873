import type { Extension } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { filterTar } from './tar.ts';

const require = createRequire(import.meta.url);
/** Where a package is installed (neither PGlite package exports its package.json). */
const packageDir = (name: string) => join(dirname(require.resolve(name)), '..');
const version = (name: string) => (JSON.parse(readFileSync(join(packageDir(name), 'package.json'), 'utf8')) as { version: string }).version;

/** The builds of PostgreSQL and PostGIS the embedded engine runs: what wrote its data files. */
export const ENGINE_BUILD = `pglite ${version('@electric-sql/pglite')}, pglite-postgis ${version('@electric-sql/pglite-postgis')}`;

const FULL = join(packageDir('@electric-sql/pglite-postgis'), 'dist', 'postgis.tar.gz');
/** Derived from the installed package only, so it lives (and is renewed) with node_modules. */
const SLIM = fileURLToPath(new URL(`../../node_modules/.cache/mueang/postgis-${version('@electric-sql/pglite-postgis')}-slim.tar.gz`, import.meta.url));

// PGlite unpacks an extension's whole bundle into memory and compiles every library in it at each
// start. Ours needs PostGIS itself and PROJ's data, not the raster and topology libraries (31 of
// its 48 MB of WebAssembly), the tiger geocoder, or the scripts that install PostGIS from before
// it was an extension: without them a start took 2.4 s instead of 4.9 s and 470 MB instead of
// 800 MB (measured side by side on a seeded data directory).
const UNUSED = /postgis_(raster|topology|tiger_geocoder)|\/contrib\/|unpackaged/;

/** pglite-postgis's extension, loading the slimmed bundle (made once per installed version). */
export function slimPostgis(): Extension {
  try {
    if (!existsSync(SLIM)) writeSlimBundle();
  } catch (error) {
    // A read-only node_modules costs time and memory, not the start.
    console.warn(`cannot write ${SLIM} (${(error as Error).message}): loading the whole PostGIS bundle`);
    return postgis;
  }
  return {
    name: 'postgis',
    setup: async (pg, options) => ({ ...(await postgis.setup(pg, options)), bundlePath: pathToFileURL(SLIM) }),
  };
}

/** The package's tarball without the entries UNUSED names. */
function writeSlimBundle(): void {
  const slim = filterTar(gunzipSync(readFileSync(FULL)), (name) => !UNUSED.test(name));
  mkdirSync(dirname(SLIM), { recursive: true });
  // Written aside and renamed: several processes may start at once and none may read half a file.
  const partial = `${SLIM}.${process.pid}`;
  writeFileSync(partial, gzipSync(slim, { level: 1 }));
  renameSync(partial, SLIM);
}
