import exifr from 'exifr';
import { BANGKOK_OFFSET } from '../../clock.ts';
import sharp, { type Metadata, type Raw } from 'sharp';

const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type PhotoType = (typeof PHOTO_TYPES)[number];

/** The copies made of every photo: long edge in pixels. The original is kept as it came. */
const SIZES = { thumb: 320, display: 1600 } as const;

/**
 * More pixels than any phone camera takes (200 MP sensors bin to 50 MP photos): a small file that
 * decodes to a huge image (a "decompression bomb") is refused before it is decoded.
 */
const MAX_PIXELS = 100_000_000;

/** Why bytes are not taken as a photo: `status` 415 (not an image of ours) or 413 (too many pixels). */
export class NotAPhoto extends Error {
  constructor(
    message: string,
    readonly status: 413 | 415 = 415,
  ) {
    super(message);
  }
}

/** The type the bytes say they are, by their first bytes (magic numbers), whatever the request claimed. */
function sniffType(bytes: Uint8Array): PhotoType | null {
  const at = (offset: number, ...expected: number[]) => expected.every((byte, i) => bytes[offset + i] === byte);
  if (at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  // RIFF....WEBP
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'image/webp';
  return null;
}

const FORMAT_OF: Record<PhotoType, string> = { 'image/jpeg': 'jpeg', 'image/png': 'png', 'image/webp': 'webp' };

/** Where and when a photo says it was taken, from its EXIF; nulls where it says nothing. */
export interface PhotoExif {
  lon: number | null;
  lat: number | null;
  /** Degrees clockwise from north, [0, 360). */
  bearing: number | null;
  /** ISO 8601 with an offset. */
  takenAt: string | null;
}

export interface ProcessedPhoto {
  contentType: PhotoType;
  /** As displayed, after the EXIF orientation is applied. */
  width: number;
  height: number;
  exif: PhotoExif;
  thumb: Buffer;
  display: Buffer;
}

/**
 * EXIF's DateTimeOriginal has no time zone unless OffsetTimeOriginal gives one: a camera's clock
 * is local time, and the photos are taken in Khon Kaen, so Bangkok time (UTC+7, no daylight saving).
 */
function takenAt(dateTime: unknown, offset: unknown): string | null {
  if (typeof dateTime !== 'string') return null;
  const match = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})/.exec(dateTime.trim());
  if (!match) return null;
  const zone = typeof offset === 'string' && /^[+-]\d{2}:\d{2}$/.test(offset.trim()) ? offset.trim() : BANGKOK_OFFSET;
  const [, y, mo, d, h, mi, s] = match;
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${s}${zone}`;
  return Number.isNaN(Date.parse(iso)) ? null : iso;
}

const finite = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** Reads the position, direction and time from a photo's EXIF; a photo without EXIF (or unreadable EXIF) has none. */
export async function readExif(bytes: Uint8Array): Promise<PhotoExif> {
  let tags: Record<string, unknown> | undefined;
  try {
    tags = await exifr.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      tiff: true,
      exif: true,
      gps: true,
      ifd1: false,
      xmp: false,
      icc: false,
      iptc: false,
      jfif: false,
      ihdr: false,
      reviveValues: false,
      translateValues: false,
      mergeOutput: true,
    });
  } catch {
    // exifr knows no EXIF in WebP, and a damaged EXIF block says nothing we could trust.
    tags = undefined;
  }
  const lat = finite(tags?.latitude);
  const lon = finite(tags?.longitude);
  const hasPosition = lat !== null && lon !== null && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 && !(lat === 0 && lon === 0);
  const direction = finite(tags?.GPSImgDirection);
  return {
    lat: hasPosition ? lat : null,
    lon: hasPosition ? lon : null,
    bearing: direction === null || direction < 0 || direction > 360 ? null : direction % 360,
    takenAt: takenAt(tags?.DateTimeOriginal, tags?.OffsetTimeOriginal),
  };
}

/**
 * A resized copy (`size`'s long edge at most), turned upright by its EXIF orientation, as a JPEG
 * with no metadata at all. `raw`: `bytes` are pixels, of that shape, not an encoded image.
 */
export function resizedCopy(bytes: Uint8Array, size: keyof typeof SIZES, raw?: Raw): Promise<Buffer> {
  const edge = SIZES[size];
  return (
    sharp(bytes, { limitInputPixels: MAX_PIXELS, failOn: 'error', ...(raw ? { raw } : {}) })
      .rotate()
      .resize(edge, edge, { fit: 'inside', withoutEnlargement: true })
      // Transparent PNG and WebP areas become white, not black, in a JPEG.
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: edge <= SIZES.thumb ? 70 : 80 })
      // sharp writes no EXIF, ICC or XMP unless told to (withMetadata/keepExif): the copies carry none.
      .toBuffer()
  );
}

/**
 * Judges `bytes` by their content (magic number, then a real decode: a file that only starts
 * like an image is refused) and makes the thumb and display copies. Throws NotAPhoto. sharp
 * decodes and resizes on libuv's thread pool, off the event loop.
 */
export async function processPhoto(bytes: Uint8Array): Promise<ProcessedPhoto> {
  const contentType = sniffType(bytes);
  if (!contentType) throw new NotAPhoto('body: not a JPEG, PNG or WebP image (judged by its content)');
  let metadata: Metadata;
  try {
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw new NotAPhoto(`body: starts like ${contentType} but is not a readable image`);
  }
  if (metadata.format !== FORMAT_OF[contentType] || !metadata.width || !metadata.height) {
    throw new NotAPhoto(`body: starts like ${contentType} but is not a readable image`);
  }
  if (metadata.width * metadata.height > MAX_PIXELS) {
    throw new NotAPhoto(`body: ${metadata.width}×${metadata.height} pixels, more than ${MAX_PIXELS / 1e6} megapixels`, 413);
  }
  let thumb: Buffer;
  let display: Buffer;
  try {
    display = await resizedCopy(bytes, 'display');
    // From the display copy, already upright and small: the original is decoded once.
    thumb = await resizedCopy(display, 'thumb');
  } catch {
    // A header that parses over data that does not decode (truncated, corrupt): not an image either.
    throw new NotAPhoto(`body: ${contentType} that does not decode (truncated or damaged)`);
  }
  // EXIF orientations 5–8 turn the picture a quarter: its displayed width is the stored height.
  const sideways = (metadata.orientation ?? 1) >= 5;
  return {
    contentType,
    width: sideways ? metadata.height : metadata.width,
    height: sideways ? metadata.width : metadata.height,
    exif: await readExif(bytes),
    thumb,
    display,
  };
}
