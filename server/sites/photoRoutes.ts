import { clientHas } from '../http/etag.ts';
import { describePhoto } from './photos/meta.ts';
import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { recordAudit } from '../audit/queries.ts';
import { actorOf, requireViewer } from '../auth/middleware.ts';
import { canReadPhotoOriginal, canUploadPhoto, inScope } from '../auth/policy.ts';
import type { Env } from '../env.ts';
import { apiError, type ApiError } from '../http/errors.ts';
import { instant } from '../http/time.ts';
import { validate } from '../http/validate.ts';
import { NotAPhoto, processPhoto } from './photos/image.ts';
import * as photos from './photos/queries.ts';
import { photoKey, putPhotoFiles } from './photos/store.ts';

/** Ids made by the client (a phone, offline): any UUID version. */
const clientId = z.guid({ error: 'must be a UUID' });

const uploadParams = z.object({ id: clientId, client_id: clientId });
const coordinate = (min: number, max: number) =>
  z
    .string()
    .regex(/^-?\d{1,3}(\.\d+)?$/, 'expected a number')
    .transform(Number)
    .pipe(z.number().min(min).max(max));
/** Where the phone was when the photo was taken: used only when the image itself says nothing (no EXIF GPS). */
const deviceQuery = z
  .object({
    lon: coordinate(-180, 180).optional(),
    lat: coordinate(-90, 90).optional(),
    bearing: coordinate(0, 360).optional(),
    taken_at: instant.optional(),
  })
  .refine((q) => (q.lon === undefined) === (q.lat === undefined), { message: 'lon and lat go together', path: ['lat'] });

const SIZE_NAMES = ['thumb', 'display', 'original'] as const;
/** A photo's bytes may be kept this long: a photo's id names one content forever. */
const PHOTO_MAX_AGE_SECONDS = 365 * 86_400;
const photoQuery = z.object({ size: z.enum(SIZE_NAMES).default('display') });

/** The body, read under PHOTO_MAX_BYTES: a larger one is refused as soon as it is known to be (its length, or its bytes as they come). */
const photoBodyLimit = (c: Context<Env>, next: () => Promise<void>) => {
  const maxBytes = c.var.settings.photos.maxBytes;
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c) => c.json<ApiError>({ error: `body: larger than ${maxBytes} bytes (PHOTO_MAX_BYTES)`, field: 'body' }, 413),
  })(c, next);
};

const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The same photo id again: the same bytes change nothing (a resend after a lost answer), other bytes are a conflict. */
function resent(existing: photos.PhotoRow, inspectionId: string, sha256: string): void {
  if (existing.inspection_id !== inspectionId) throw apiError(409, `photo ${existing.id} belongs to another inspection`);
  if (existing.sha256 !== sha256) throw apiError(409, `photo ${existing.id} was uploaded with other bytes; a new photo needs a new id`);
}

export const photoRoutes = new Hono<Env>()
  /**
   * One photo of an inspection, its bytes as the body. Refused with nothing stored (no row, no
   * file) when too large (413), not an image by its content (415), one too many (409) or the
   * same id with other bytes (409). Files are written before the row's transaction commits: a
   * failed commit leaves a file no row names, harmless (content-addressed, the same bytes
   * uploaded again reuse it) where a row without its file would not be.
   */
  .put(
    '/inspections/:id/photos/:client_id',
    requireViewer((viewer) => viewer.kind === 'user', 'only the inspection’s author adds photos'),
    validate('param', uploadParams),
    validate('query', deviceQuery),
    photoBodyLimit,
    async (c) => {
      const { id, client_id } = c.req.valid('param');
      const device = c.req.valid('query');
      const { viewer, db, settings } = c.var;
      const limits = settings.photos;

      const inspection = await photos.inspectionForPhotos(db, id);
      // Outside the viewer's zones an inspection is as absent as one that does not exist (as sites are).
      if (!inspection || !inScope(viewer, inspection.zone_id)) throw apiError(404, `no inspection ${id}`);
      if (!canUploadPhoto(viewer, inspection)) throw apiError(403, 'only the inspection’s author adds its photos');
      if (inspection.status === 'approved') throw apiError(409, `inspection ${id} is approved: it takes no more photos`);
      const earlier = await photos.photo(db, client_id);
      // Refused before the body is read when it could only be refused after.
      if (!earlier && inspection.photos >= limits.perInspection) {
        throw apiError(409, `inspection ${id} already has ${inspection.photos} photos, the most one may have (PHOTOS_PER_INSPECTION)`);
      }

      const bytes = new Uint8Array(await c.req.arrayBuffer());
      if (bytes.byteLength === 0) throw apiError(415, 'body: empty; send the photo’s bytes', 'body');
      const sha256 = sha256Hex(bytes);
      if (earlier) {
        resent(earlier, id, sha256);
        return c.json(describePhoto(viewer, earlier.zone_id, limits.farMetres, earlier), 200);
      }

      let processed: Awaited<ReturnType<typeof processPhoto>>;
      try {
        processed = await processPhoto(bytes);
      } catch (error) {
        if (error instanceof NotAPhoto) throw apiError(error.status, error.message, 'body');
        throw error;
      }
      const { exif } = processed;
      const fromExif = exif.lat !== null && exif.lon !== null;
      const fromDevice = !fromExif && device.lat !== undefined && device.lon !== undefined;

      const { row, created } = await db.transaction(async (tx) => {
        const locked = await photos.inspectionForPhotos(tx, id, true);
        if (!locked) throw apiError(404, `no inspection ${id}`);
        if (locked.status === 'approved') throw apiError(409, `inspection ${id} is approved: it takes no more photos`);
        // Another request may have recorded this id, or filled the inspection, since the checks above.
        const again = await photos.photo(tx, client_id);
        if (again) {
          resent(again, id, sha256);
          return { row: again, created: false };
        }
        if (locked.photos >= limits.perInspection) {
          throw apiError(409, `inspection ${id} already has ${locked.photos} photos, the most one may have (PHOTOS_PER_INSPECTION)`);
        }
        await putPhotoFiles(c.var.photos, sha256, processed.contentType, { original: bytes, thumb: processed.thumb, display: processed.display });
        await photos.insertPhotos(tx, [
          {
            id: client_id,
            inspection_id: id,
            sha256,
            content_type: processed.contentType,
            bytes: bytes.byteLength,
            width: processed.width,
            height: processed.height,
            taken_at: exif.takenAt ?? device.taken_at ?? null,
            lon: fromExif ? exif.lon : fromDevice ? (device.lon ?? null) : null,
            lat: fromExif ? exif.lat : fromDevice ? (device.lat ?? null) : null,
            bearing: fromExif ? exif.bearing : fromDevice && device.bearing !== undefined ? device.bearing % 360 : null,
            position_source: fromExif ? 'exif' : fromDevice ? 'device' : null,
          },
        ]);
        const row = (await photos.photo(tx, client_id))!;
        const { zone_id: _zone, ...after } = row;
        await recordAudit(tx, actorOf(c), { action: 'create', entity: 'photo', entityId: client_id, after });
        return { row, created: true };
      });
      return c.json(describePhoto(viewer, row.zone_id, limits.farMetres, row), created ? 201 : 200);
    },
  )

  /** A photo's bytes: the resized copies (no EXIF) to whoever sees its site, the original to those who may have it. */
  .get('/photos/:id', validate('param', z.object({ id: clientId })), validate('query', photoQuery), async (c) => {
    const { id } = c.req.valid('param');
    const { size } = c.req.valid('query');
    const { viewer } = c.var;
    const row = await photos.photo(c.var.db, id);
    // Outside the viewer's zones a photo is as absent as one that does not exist (as its site is).
    if (!row || !inScope(viewer, row.zone_id)) throw apiError(404, `no photo ${id}`);
    if (size === 'original' && !canReadPhotoOriginal(viewer, row.zone_id)) {
      throw viewer.kind === 'public'
        ? apiError(403, 'the original (with its EXIF) is for the engineers, reviewers and auditors; ask for size=display')
        : apiError(403, 'your role sees the resized photo, not the original (with its EXIF); ask for size=display');
    }
    const etag = `"${row.sha256}-${size}"`;
    // The bytes of an id and size never change: a year, the longest a cache is asked to keep anything.
    const headers = { 'Cache-Control': `private, max-age=${PHOTO_MAX_AGE_SECONDS}, immutable`, ETag: etag };
    if (clientHas(c.req.header('If-None-Match'), etag)) return c.body(null, 304, headers);
    const bytes = await c.var.photos.get(photoKey(row.sha256, size));
    // A row whose file is gone is the store's failure, not the client's: answered 500 and logged.
    if (!bytes) throw new Error(`photo ${id}: no ${size} file in the store`);
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { ...headers, 'Content-Type': size === 'original' ? row.content_type : 'image/jpeg' });
  });
