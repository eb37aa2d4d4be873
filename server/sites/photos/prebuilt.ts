import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { DEMO_DATA_SOURCES, sourceDigest } from '../../seed/image.ts';
import type { PhotoExif } from './image.ts';
import { FileStore, photoKey, putPhotoFiles, type PhotoStore } from './store.ts';

/**
 * The demo's site photos, drawn once by `npm run build` (scripts/build-seed.ts) beside the
 * prebuilt demo database: a demo start copies their files into its photo store instead of
 * drawing them again (about 3 s of sharp at every start, every test server's too). Each is kept
 * under its photo id with a fingerprint of everything it is drawn from, so a photo whose site,
 * visit or position differs in the database at hand (other demo data, another engine's
 * geometry) is drawn as before; so is every photo when there is no set (PostGIS-only and dev runs).
 */
export const PREBUILT_PHOTOS_DIR = fileURLToPath(new URL('../../../dist/embedded/photos/', import.meta.url));

/** One drawn photo: what it was drawn from (`fingerprint`), its file and what its EXIF says. */
export interface PrebuiltPhoto {
  fingerprint: string;
  sha256: string;
  bytes: number;
  exif: PhotoExif;
}

interface Manifest {
  recipe: string;
  photos: Record<string, PrebuiltPhoto>;
}

/** What decides the files beyond each photo's fingerprint: the drawing code, and the libvips that encodes them. */
const recipe = () => sourceDigest(`libvips ${sharp.versions.vips}`, ['server/sites/photos/seed.ts', ...DEMO_DATA_SOURCES]);

const manifestOf = (dir: string) => join(dir, 'manifest.json');
const filesOf = (dir: string) => new FileStore(join(dir, 'files'));

export class PrebuiltPhotos {
  constructor(
    private readonly files: PhotoStore,
    private readonly photos: Readonly<Record<string, PrebuiltPhoto>>,
  ) {}

  /**
   * Puts the files of photo `id`, drawn from `fingerprint`, into `store`, and says what they are;
   * null (nothing copied) when the set has no such photo, or not all of its files.
   */
  async copyTo(store: PhotoStore, id: string, fingerprint: string): Promise<PrebuiltPhoto | null> {
    const photo = this.photos[id];
    if (photo?.fingerprint !== fingerprint) return null;
    const [original, thumb, display] = await Promise.all(
      (['original', 'thumb', 'display'] as const).map((size) => this.files.get(photoKey(photo.sha256, size))),
    );
    if (!original || !thumb || !display) return null;
    await putPhotoFiles(store, photo.sha256, 'image/jpeg', { original, thumb, display });
    return photo;
  }
}

/** The set in `dir`, or null when there is none or it was drawn by other code. */
export function openPrebuiltPhotos(dir = PREBUILT_PHOTOS_DIR): PrebuiltPhotos | null {
  if (!existsSync(manifestOf(dir))) return null;
  const manifest = JSON.parse(readFileSync(manifestOf(dir), 'utf8')) as Manifest;
  return manifest.recipe === recipe() ? new PrebuiltPhotos(filesOf(dir), manifest.photos) : null;
}

/**
 * Makes the set in `dir` anew: `draw` puts the files into the store it is given and returns
 * what it drew. Written aside and swapped in whole, the manifest last: a build stopped half-way
 * leaves the previous set, or none.
 */
export async function writePrebuiltPhotos(dir: string, draw: (store: PhotoStore) => Promise<Record<string, PrebuiltPhoto>>): Promise<number> {
  const aside = `${dir.replace(/\/+$/, '')}.partial`;
  rmSync(aside, { recursive: true, force: true });
  mkdirSync(aside, { recursive: true });
  const photos = await draw(filesOf(aside));
  writeFileSync(manifestOf(aside), JSON.stringify({ recipe: recipe(), photos } satisfies Manifest));
  rmSync(dir, { recursive: true, force: true });
  renameSync(aside, dir);
  return Object.keys(photos).length;
}
