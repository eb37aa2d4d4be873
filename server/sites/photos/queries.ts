import type { Queryable } from '../../db/index.ts';
import type { PhotoType } from './image.ts';
import type { PhotoFacts } from './meta.ts';

/** What the upload needs to know of an inspection: whose it is, its zone (the site's) and its state. */
export interface InspectionForPhotos {
  id: string;
  project_id: number;
  author_id: number;
  status: 'submitted' | 'returned' | 'approved';
  zone_id: number | null;
  photos: number;
}

/** A photo's row as the API describes it (describePhoto adds the flag and URLs), with the site's zone: who may see it, and its original. */
export interface PhotoRow extends PhotoFacts {
  content_type: PhotoType;
  zone_id: number | null;
}

const PHOTO_COLUMNS = `
  ph.id, ph.inspection_id, ph.sha256, ph.content_type, ph.bytes, ph.width, ph.height,
  to_char(ph.taken_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS taken_at,
  ST_X(ph.geom) AS lon, ST_Y(ph.geom) AS lat, ph.bearing::float8 AS bearing, ph.position_source,
  round(ph.distance_m::numeric, 1)::float8 AS distance_m,
  (SELECT zone_id FROM place_community(p.geom)) AS zone_id`;

const PHOTO_FROM = `photos ph JOIN inspections i ON i.id = ph.inspection_id JOIN projects p ON p.id = i.project_id`;

/**
 * The inspection and how many photos it has; `lock` (in a transaction) holds it until commit, so
 * two uploads to one inspection are counted one after the other, never both under the limit.
 */
export async function inspectionForPhotos(db: Queryable, id: string, lock = false): Promise<InspectionForPhotos | undefined> {
  if (lock) await db.query(`SELECT 1 FROM inspections WHERE id = $1 FOR UPDATE`, [id]);
  const [row] = await db.query<InspectionForPhotos>(
    `SELECT i.id, i.project_id, i.author_id, i.status,
            (SELECT zone_id FROM place_community(p.geom)) AS zone_id,
            (SELECT count(*)::int FROM photos ph WHERE ph.inspection_id = i.id) AS photos
       FROM inspections i JOIN projects p ON p.id = i.project_id
      WHERE i.id = $1`,
    [id],
  );
  return row;
}

export async function photo(db: Queryable, id: string): Promise<PhotoRow | undefined> {
  const [row] = await db.query<PhotoRow>(`SELECT ${PHOTO_COLUMNS} FROM ${PHOTO_FROM} WHERE ph.id = $1`, [id]);
  return row;
}

/** What an upload (or the demo seed) records; the database adds the distance from the site. */
export type NewPhoto = Omit<PhotoRow, 'distance_m' | 'zone_id'>;

/**
 * Records photos (one upload's, or the demo's all at once: one statement either way); each one's
 * distance from its site's works is the database's (site_distance_m), measured now.
 */
export async function insertPhotos(tx: Queryable, rows: readonly NewPhoto[]): Promise<void> {
  const column = <K extends keyof NewPhoto>(key: K) => rows.map((row) => row[key]);
  await tx.query(
    `INSERT INTO photos (id, inspection_id, sha256, content_type, bytes, width, height, taken_at, geom, bearing, position_source, distance_m)
     SELECT t.id, t.inspection_id, t.sha256, t.content_type, t.bytes, t.width, t.height, t.taken_at, g.geom, t.bearing, t.position_source,
            CASE WHEN g.geom IS NULL THEN NULL ELSE site_distance_m(i.project_id, g.geom) END
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::int[], $6::int[], $7::int[], $8::timestamptz[],
                   $9::float8[], $10::float8[], $11::real[], $12::text[])
            AS t(id, inspection_id, sha256, content_type, bytes, width, height, taken_at, lon, lat, bearing, position_source)
       CROSS JOIN LATERAL (SELECT CASE WHEN t.lon IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326) END AS geom) g
       JOIN inspections i ON i.id = t.inspection_id`,
    [
      column('id'),
      column('inspection_id'),
      column('sha256'),
      column('content_type'),
      column('bytes'),
      column('width'),
      column('height'),
      column('taken_at'),
      column('lon'),
      column('lat'),
      column('bearing'),
      column('position_source'),
    ],
  );
}

/** An inspection as the demo photos draw it: its site's name and kind of works, and a point on them. */
export interface InspectionToDraw {
  id: string;
  project_id: number;
  code: string;
  name_en: string;
  name_th: string;
  /** PostGIS's geometry type of the works: ST_LineString, ST_Polygon, … */
  geometry_type: string;
  visited_at: string;
  progress_pct: number;
  /** The point of the works nearest their centre. */
  lon: number;
  lat: number;
}

/** Every inspection of a site with a place, in order of visit within each site. */
export function inspectionsToDraw(db: Queryable): Promise<InspectionToDraw[]> {
  return db.query<InspectionToDraw>(
    `SELECT i.id, i.project_id, p.code, p.name_en, p.name_th, ST_GeometryType(p.geom) AS geometry_type,
            to_char(i.visited_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS visited_at, i.progress_pct::float8 AS progress_pct,
            ST_X(c.point) AS lon, ST_Y(c.point) AS lat
       FROM inspections i
       JOIN projects p ON p.id = i.project_id
       CROSS JOIN LATERAL (SELECT ST_ClosestPoint(p.geom, ST_Centroid(p.geom)) AS point) c
      WHERE p.geom IS NOT NULL
      ORDER BY i.project_id, i.visited_at, i.id`,
  );
}

/** Every photo's id and file (SHA-256). */
export function photoFiles(db: Queryable): Promise<{ id: string; sha256: string }[]> {
  return db.query(`SELECT id, sha256 FROM photos`);
}

/** A photo's file replaced by other bytes of the same picture (a demo photo drawn again by another build of the renderer). */
export async function replacePhotoFile(db: Queryable, id: string, file: { sha256: string; bytes: number; width: number; height: number }): Promise<void> {
  await db.query(`UPDATE photos SET sha256 = $2, bytes = $3, width = $4, height = $5 WHERE id = $1`, [id, file.sha256, file.bytes, file.width, file.height]);
}

/** How far each point is from its site's works (site_distance_m), in the order given. */
export async function distancesFromSites(db: Queryable, points: readonly { site: number; lon: number; lat: number }[]): Promise<number[]> {
  const rows = await db.query<{ distance_m: number }>(
    `SELECT site_distance_m(t.site, ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326)) AS distance_m
       FROM unnest($1::int[], $2::float8[], $3::float8[]) WITH ORDINALITY AS t(site, lon, lat, n) ORDER BY t.n`,
    [points.map((p) => p.site), points.map((p) => p.lon), points.map((p) => p.lat)],
  );
  return rows.map((row) => row.distance_m);
}
