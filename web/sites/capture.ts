/**
 * A photo as it is picked on the phone, made ready for the outbox: the bytes the server accepts
 * (JPEG, PNG or WebP; a HEIC from an iPhone re-encoded to JPEG when the browser can decode it),
 * and where and which way it was taken, for the server to keep when the image itself says
 * nothing. Refusals happen here, with the person's file in front of them, not later in the outbox.
 */
import { currentHeading } from './compass.ts';

/** The server's limits (PHOTO_MAX_BYTES, PHOTOS_PER_INSPECTION defaults). */
export const MAX_PHOTO_BYTES = 15 * 1024 * 1024;
export const MAX_PHOTOS = 12;
/** PHOTO_FAR_M's default: a photo further than this from its works is flagged (the server's flag counts). */
export const FAR_METRES = 150;

const ACCEPTED = new Set(['image/jpeg', 'image/png', 'image/webp']);
const HEIC = /\.(heic|heif)$/i;
/** A longer edge is scaled down when a HEIC is re-encoded: the server keeps at most 1600 px for display anyway. */
const MAX_EDGE = 4096;
const JPEG_QUALITY = 0.9;

/** Where the photo was taken and which way it faced. */
export interface PhotoPosition {
  lon: number;
  lat: number;
  /** Degrees from north, or null when unknown. */
  bearing: number | null;
  /** Metres (the phone's estimate); null for a position read from the image. */
  accuracy: number | null;
  takenAt: string | null;
  /** `exif`: the image's own GPS, which the server reads itself; `device`: the phone's, sent with the upload. */
  source: 'exif' | 'device';
}

export interface PickedPhoto {
  id: string;
  blob: Blob;
  contentType: string;
  name: string;
  /** Re-encoded from HEIC. */
  converted: boolean;
  /** Null: none known (yet, while `locating`). */
  position: PhotoPosition | null;
  locating: boolean;
}

export type Refusal = { name: string; reason: 'type' | 'size' | 'heic' | 'decode' };

const isHeic = (file: File) => /^image\/hei[cf]/.test(file.type) || (file.type === '' && HEIC.test(file.name));

/** The image's own GPS and direction (exifr's lite build, loaded the first time a photo is picked). */
async function exifPosition(blob: Blob): Promise<PhotoPosition | null> {
  try {
    const { default: exifr } = await import('exifr/dist/lite.esm.mjs');
    // Its default blocks (IFD0, EXIF, GPS): `latitude` and `longitude` come out signed, in degrees.
    const tags = await exifr.parse(blob);
    if (!tags || typeof tags.latitude !== 'number' || typeof tags.longitude !== 'number') return null;
    const direction = typeof tags.GPSImgDirection === 'number' ? tags.GPSImgDirection % 360 : null;
    const takenAt = tags.DateTimeOriginal instanceof Date ? tags.DateTimeOriginal.toISOString() : null;
    return { lon: tags.longitude, lat: tags.latitude, bearing: direction, accuracy: null, takenAt, source: 'exif' };
  } catch {
    // A damaged or missing EXIF block says nothing we could trust; the server judges the bytes.
    return null;
  }
}

/** A HEIC drawn on a canvas and encoded as JPEG (its EXIF does not survive: read it first). */
async function toJpeg(file: File): Promise<Blob | null> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    return null;
  }
  const scale = Math.min(1, MAX_EDGE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', JPEG_QUALITY));
}

/** The bytes to send for `file`, or why not. */
export async function prepare(file: File, id: string): Promise<PickedPhoto | Refusal> {
  const base = { id, name: file.name, converted: false, position: null, locating: false };
  if (isHeic(file)) {
    const exif = await exifPosition(file);
    const jpeg = await toJpeg(file);
    if (!jpeg) return { name: file.name, reason: 'heic' };
    if (jpeg.size > MAX_PHOTO_BYTES) return { name: file.name, reason: 'size' };
    return { ...base, blob: jpeg, contentType: 'image/jpeg', converted: true, position: exif };
  }
  if (!ACCEPTED.has(file.type)) return { name: file.name, reason: 'type' };
  if (file.size > MAX_PHOTO_BYTES) return { name: file.name, reason: 'size' };
  // Not an image after all (a renamed file): the person hears it now, not from a failed upload.
  try {
    (await createImageBitmap(file)).close();
  } catch {
    return { name: file.name, reason: 'decode' };
  }
  return { ...base, blob: file, contentType: file.type, position: file.type === 'image/jpeg' ? await exifPosition(file) : null };
}

/** Where the phone is, high accuracy, giving up after a few seconds: a photo without a fix is still kept. */
export function locate(): Promise<PhotoPosition | null> {
  const bearing = currentHeading();
  if (!('geolocation' in navigator)) return Promise.resolve(null);
  return new Promise((resolve) => {
    navigator.geolocation.getCurrentPosition(
      (p) =>
        resolve({
          lon: p.coords.longitude,
          lat: p.coords.latitude,
          bearing,
          accuracy: p.coords.accuracy,
          takenAt: new Date(p.timestamp).toISOString(),
          source: 'device',
        }),
      () => resolve(null),
      // A position cached from before the photo could be another spot of the site.
      { enableHighAccuracy: true, timeout: 10_000, maximumAge: 0 },
    );
  });
}

/**
 * The upload's query: the phone's position, only when the image carries none the server would
 * read (a re-encoded HEIC lost its EXIF: its position goes as a query too). Numbers written as
 * the server's schema reads them (no exponent).
 */
export function uploadQuery(photo: PickedPhoto): string {
  const p = photo.position;
  if (!p || (p.source === 'exif' && !photo.converted)) return '';
  const query = new URLSearchParams({ lon: p.lon.toFixed(7), lat: p.lat.toFixed(7) });
  if (p.bearing !== null) query.set('bearing', (((p.bearing % 360) + 360) % 360).toFixed(1));
  if (p.takenAt) query.set('taken_at', p.takenAt);
  return `?${query}`;
}
