import type { FeatureCollection, Polygon } from 'geojson';
import { geoJSONToTile } from '@maplibre/geojson-vt';
import { fromGeojsonVt } from '@maplibre/vt-pbf';
import type { ParcelAttribute } from '../auth/policy.ts';
import type { Db, Queryable } from '../db/index.ts';
import { queryFeatures } from '../db/geojson.ts';
import type { Bbox } from '../http/validate.ts';
import type { LandUse } from './landUse.ts';

const PARCEL_LAYER = 'parcels';
/** Below this zoom a tile would hold most of the city's parcels: tiles there are empty. */
const PARCEL_MIN_ZOOM = 13;
const EXTENT = 4096;
const BUFFER = 64;

/** A parcel as the most trusted viewer sees it; others get a subset of these attributes. */
interface ParcelProperties {
  id: number;
  parcel_no: string;
  land_use: LandUse;
  area_m2: number;
  zone_id: number | null;
  community_id: number | null;
  owner_name?: string | null;
  national_id?: string | null;
  assessed_value?: number;
  tax_due?: number;
}

/** The SQL behind each attribute the access policy can grant. Fixed text: never built from input. */
const COLUMNS: Record<ParcelAttribute, string> = {
  id: 'p.id',
  parcel_no: 'p.parcel_no',
  land_use: 'p.land_use',
  area_m2: 'p.area_m2',
  zone_id: 'place.zone_id',
  community_id: 'place.community_id',
  owner_name: 'o.name_th',
  national_id: 'o.national_id::text',
  assessed_value: 'p.assessed_value::float8',
  tax_due: 'p.tax_due::float8',
};

/** What one viewer may see of parcels, as the access policy decided it. */
export interface ParcelView {
  attributes: readonly ParcelAttribute[];
  zones: number[] | null;
}

/**
 * The parcels a view may see, with the attributes it may see, shared by the REST list and the
 * vector tiles. `zonesParam` is the number of the parameter that carries the zone scope.
 */
function parcelSelect(view: ParcelView, where: string, zonesParam: number): string {
  const columns = view.attributes.map((a) => `${COLUMNS[a]} AS ${a}`).join(', ');
  return `
    SELECT ${columns}, p.geom
    FROM parcels p
    LEFT JOIN owners o ON o.id = p.owner_id
    LEFT JOIN LATERAL place_community(p.geom) AS place ON true
    WHERE ${where} AND ($${zonesParam}::int[] IS NULL OR place.zone_id = ANY($${zonesParam}))`;
}

export type ParcelPage = FeatureCollection<Polygon, ParcelProperties> & { next: number | null };

/** One page of parcels in a box, in id order; `next` is the `after` of the next page, if any. */
export async function parcelsInBbox(db: Queryable, view: ParcelView, bbox: Bbox, page: { limit: number; after: number }): Promise<ParcelPage> {
  const fc = await queryFeatures<Polygon, ParcelProperties>(
    db,
    `
    ${parcelSelect(view, 'p.geom && ST_MakeEnvelope($1, $2, $3, $4, 4326) AND p.id > $6', 5)}
    ORDER BY p.id
    LIMIT $7`,
    [...bbox, view.zones, page.after, page.limit + 1],
  );
  const more = fc.features.length > page.limit;
  const features = more ? fc.features.slice(0, page.limit) : fc.features;
  return { type: 'FeatureCollection', features, next: more ? (features.at(-1)?.properties.id ?? null) : null };
}

// The tile's envelope in WGS84, widened by the tile buffer so shapes crossing the edge are kept.
const IN_TILE = `p.geom && ST_Transform(ST_TileEnvelope($1, $2, $3, margin => ${BUFFER / EXTENT}), 4326)`;

/**
 * A Mapbox Vector Tile of parcels. On PostGIS, `ST_AsMVT` encodes it where the data is; the
 * embedded engine is built without protobuf, so there the same query's GeoJSON is cut and
 * encoded in Node. Both give one layer, `parcels`, with the view's attributes and `id` as the
 * feature id.
 */
export async function parcelTile(db: Queryable & Pick<Db, 'engine'>, view: ParcelView, z: number, x: number, y: number): Promise<Uint8Array<ArrayBuffer>> {
  if (z < PARCEL_MIN_ZOOM) return new Uint8Array();
  const params = [z, x, y, view.zones];
  if (db.engine === 'postgis') {
    const attributes = view.attributes
      .filter((a) => a !== 'id')
      .map((a) => `f.${a}`)
      .join(', ');
    const [row] = await db.query<{ mvt: Uint8Array }>(
      `
      WITH f AS (${parcelSelect(view, IN_TILE, 4)})
      SELECT ST_AsMVT(t, '${PARCEL_LAYER}', ${EXTENT}, 'geom', 'id') AS mvt
      FROM (SELECT f.id, ${attributes},
                   ST_AsMVTGeom(ST_Transform(f.geom, 3857), ST_TileEnvelope($1, $2, $3), ${EXTENT}, ${BUFFER}, true) AS geom
            FROM f) AS t`,
      params,
    );
    return row ? new Uint8Array(row.mvt) : new Uint8Array();
  }
  const fc = await queryFeatures<Polygon, ParcelProperties>(db, parcelSelect(view, IN_TILE, 4), params);
  if (fc.features.length === 0) return new Uint8Array();
  // `id` becomes the feature id and leaves the attributes, as ST_AsMVT's feature_id_name does.
  const features = fc.features.map(({ geometry, properties: { id, ...attributes } }) => ({ type: 'Feature' as const, id, geometry, properties: attributes }));
  const tile = geoJSONToTile({ type: 'FeatureCollection', features }, z, x, y, { extent: EXTENT, buffer: BUFFER, clip: true, maxZoom: z });
  return new Uint8Array(fromGeojsonVt({ [PARCEL_LAYER]: tile }, { version: 2, extent: EXTENT }));
}
