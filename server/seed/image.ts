import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readMigrations } from '../db/migrate.ts';
import { ENGINE_BUILD } from '../db/postgisBundle.ts';

/**
 * The prebuilt demo database of the embedded engine: `npm run build` migrates and seeds it once
 * (scripts/build-seed.ts) and packs PGlite's data directory here; a demo server's first start on
 * an empty DATA_DIR unpacks it instead of migrating and seeding for half a minute.
 */
export const IMAGE_DIR = fileURLToPath(new URL('../../dist/embedded/', import.meta.url));
const files = (dir: string) => ({ image: resolve(dir, 'demo.tar.gz'), manifest: resolve(dir, 'demo.json') });

interface Manifest {
  /** What made the data (see `recipe`): an image made by other code is not used. */
  recipe: string;
  /** The migrations applied in it (name and checksum); newer ones are applied on top at start, as on any database. */
  migrations: string[];
  sha256: string;
  built_at: string;
}

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/**
 * A digest of `prefix` and the source of `entries` (paths from the repository's root) with every
 * module and data file they import: what decides what a generator made, so that output made by
 * other code is not used.
 */
export function sourceDigest(prefix: string, entries: readonly string[]): string {
  const hash = createHash('sha256').update(`${prefix}\n`);
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    hash.update(`${file.slice(REPO.length)}\n${text}\n`);
    for (const [, path] of text.matchAll(/(?:from|import)\s*\(?\s*'(\.\.?\/[^']+)'/g)) visit(resolve(dirname(file), path as string));
  };
  for (const entry of entries) visit(resolve(REPO, entry));
  return hash.digest('hex');
}

/** The demo data and accounts' code, as `sourceDigest` reads it. */
export const DEMO_DATA_SOURCES = ['server/seed/index.ts', 'server/auth/demo.ts'] as const;

/**
 * A digest of what decides the image's contents: the PGlite and PostGIS builds that wrote its
 * files, and the source of the demo data and accounts with every module and data file it imports.
 */
const recipe = () => sourceDigest(ENGINE_BUILD, DEMO_DATA_SOURCES);

const migrations = () => readMigrations().map((m) => `${m.name} ${m.checksum}`);

/** The image (a gzip tarball of PGlite's data directory). Throws, saying why, if it is missing or unusable. */
export function readDemoImage(dir = IMAGE_DIR): Uint8Array {
  const file = files(dir);
  if (!existsSync(file.manifest)) throw new Error(`there is none in ${dir} ("npm run build" makes it)`);
  const manifest = JSON.parse(readFileSync(file.manifest, 'utf8')) as Manifest;
  if (manifest.recipe !== recipe()) throw new Error('it was made by other demo-data code or another PGlite; "npm run build" makes it again');
  // Its migrations must be the first of ours: the rest are applied on top, an edited one never.
  if (manifest.migrations.join('\n') !== migrations().slice(0, manifest.migrations.length).join('\n')) {
    throw new Error('it was made with other migrations; "npm run build" makes it again');
  }
  const tarball = readFileSync(file.image);
  if (createHash('sha256').update(tarball).digest('hex') !== manifest.sha256) throw new Error(`${file.image} is damaged (its checksum differs)`);
  return tarball;
}

/** Whether the image there was made from this code and these migrations: the build then keeps it. */
export function demoImageIsCurrent(): boolean {
  const file = files(IMAGE_DIR);
  if (!existsSync(file.manifest) || !existsSync(file.image)) return false;
  const manifest = JSON.parse(readFileSync(file.manifest, 'utf8')) as Manifest;
  return manifest.recipe === recipe() && manifest.migrations.join('\n') === migrations().join('\n');
}

export function writeDemoImage(tarball: Uint8Array, dir = IMAGE_DIR): void {
  const file = files(dir);
  mkdirSync(dir, { recursive: true });
  rmSync(file.manifest, { force: true });
  writeFileSync(file.image, tarball);
  const manifest: Manifest = {
    recipe: recipe(),
    migrations: migrations(),
    sha256: createHash('sha256').update(tarball).digest('hex'),
    built_at: new Date().toISOString(),
  };
  // The manifest last (written aside and renamed): a build stopped half-way leaves no image that looks whole.
  writeFileSync(`${file.manifest}.partial`, JSON.stringify(manifest, null, 2));
  renameSync(`${file.manifest}.partial`, file.manifest);
}
