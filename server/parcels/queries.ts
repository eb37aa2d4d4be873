import type { FeatureCollection, Polygon } from 'geojson';
import { geoJSONToTile } from '@maplibre/geojson-vt';
import { fromGeojsonVt } from '@maplibre/vt-pbf';
import type { Db, Queryable } from '../db/index.ts';
import { queryFeatures } from '../db/geojson.ts';
import type { Bbox } from '../http/validate.ts';

export const PARCEL_LAYER = 'parcels';
/** Below this zoom a tile would hold most of the city's parcels: tiles there are empty. */
export const PARCEL_MIN_ZOOM = 13;
const EXTENT = 4096;
const BUFFER = 64;

export const LAND_USES = ['residential', 'commercial', 'mixed', 'public', 'agricultural', 'vacant'] as const;
export type LandUse = (typeof LAND_USES)[number];

export interface ParcelProperties {
  id: number; parcel_no: string; land_use: LandUse; area_m2: number; zone_id: number | null; community_id: number | null;
}

/**
 * The public face of a parcel, shared by the REST list and the vector tiles so that both show
 * the same attributes. Owner, national ID, assessed value and tax due are not in it (PDPA).
 * `$1…$4` are the envelope (minLon, minLat, maxLon, maxLat) the parcels must touch.
 */
const PUBLIC_PARCELS = `
  SELECT p.id, p.parcel_no, p.land_use, p.area_m2, place.zone_id, place.community_id, p.geom
  FROM parcels p
  LEFT JOIN LATERAL (
    SELECT c.zone_id::int AS zone_id, c.id::int AS community_id
    FROM communities c WHERE ST_Intersects(c.geom, place_point(p.geom)) LIMIT 1
  ) AS place ON true`;

export type ParcelPage = FeatureCollection<Polygon, ParcelProperties> & { next: number | null };

/** One page of parcels in a box, in id order; `next` is the `after` of the next page, if any. */
export async function parcelsInBbox(db: Queryable, bbox: Bbox, page: { limit: number; after: number }): Promise<ParcelPage> {
  const fc = await queryFeatures<Polygon, ParcelProperties>(db, `
    ${PUBLIC_PARCELS}
    WHERE p.geom && ST_MakeEnvelope($1, $2, $3, $4, 4326) AND p.id > $5
    ORDER BY p.id
    LIMIT $6`, [...bbox, page.after, page.limit + 1]);
  const more = fc.features.length > page.limit;
  const features = more ? fc.features.slice(0, page.limit) : fc.features;
  return { type: 'FeatureCollection', features, next: more ? (features.at(-1)?.properties.id ?? null) : null };
}

// The tile's envelope in WGS84, widened by the tile buffer so shapes crossing the edge are kept.
const IN_TILE = `p.geom && ST_Transform(ST_TileEnvelope($1, $2, $3, margin => ${BUFFER / EXTENT}), 4326)`;

/**
 * A Mapbox Vector Tile of parcels. On PostGIS, `ST_AsMVT` encodes it where the data is; the
 * embedded engine is built without protobuf, so there the same query's GeoJSON is cut and
 * encoded in Node. Both give one layer, `parcels`, with the same attributes and `id` as the
 * feature id.
 */
export async function parcelTile(db: Db, z: number, x: number, y: number): Promise<Uint8Array<ArrayBuffer>> {
  if (z < PARCEL_MIN_ZOOM) return new Uint8Array();
  if (db.engine === 'postgis') {
    const [row] = await db.query<{ mvt: Uint8Array }>(`
      WITH f AS (${PUBLIC_PARCELS} WHERE ${IN_TILE})
      SELECT ST_AsMVT(t, '${PARCEL_LAYER}', ${EXTENT}, 'geom', 'id') AS mvt
      FROM (SELECT f.id, f.parcel_no, f.land_use, f.area_m2, f.zone_id, f.community_id,
                   ST_AsMVTGeom(ST_Transform(f.geom, 3857), ST_TileEnvelope($1, $2, $3), ${EXTENT}, ${BUFFER}, true) AS geom
            FROM f) AS t`, [z, x, y]);
    return row ? new Uint8Array(row.mvt) : new Uint8Array();
  }
  const fc = await queryFeatures<Polygon, ParcelProperties>(db, `${PUBLIC_PARCELS} WHERE ${IN_TILE}`, [z, x, y]);
  if (fc.features.length === 0) return new Uint8Array();
  // `id` becomes the feature id and leaves the attributes, as ST_AsMVT's feature_id_name does.
  const features = fc.features.map(({ geometry, properties: { id, ...attributes } }) =>
    ({ type: 'Feature' as const, id, geometry, properties: attributes }));
  const tile = geoJSONToTile({ type: 'FeatureCollection', features }, z, x, y, { extent: EXTENT, buffer: BUFFER, clip: true, maxZoom: z });
  return new Uint8Array(fromGeojsonVt({ [PARCEL_LAYER]: tile }, { version: 2, extent: EXTENT }));
}
