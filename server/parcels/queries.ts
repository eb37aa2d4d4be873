import type { Feature, FeatureCollection, Polygon } from 'geojson';
import type { ParcelAttribute, ParcelTileAttribute } from '../auth/policy.ts';
import type { Db, Queryable } from '../db/index.ts';
import { queryFeatures } from '../db/geojson.ts';
import { statement } from '../db/sql.ts';
import type { Statement } from '../db/types.ts';
import type { Bbox } from '../http/validate.ts';
import type { LandUse } from './landUse.ts';
import { encodeTile, type TileRows } from './mvt.ts';
import { BLOCKS_MIN_ZOOM, DETAIL_ZOOM } from './tileZooms.ts';

/** A parcel as the most trusted viewer sees it; others get a subset of these attributes. */
interface ParcelProperties {
  id: number;
  parcel_no: string;
  map_code: string | null;
  tax_status?: 'paid' | 'part_paid' | 'unpaid' | 'overdue' | 'exempt' | null;
  land_use: LandUse;
  area_m2: number;
  zone_id: number | null;
  community_id: number | null;
  owner_name?: string | null;
  national_id?: string | null;
  assessed_value?: number;
  tax_due?: number;
}

/**
 * One attribute of a parcel's owners (co-owners: comma-separated, in the register's order), for
 * the parcel whose id is `parcelId` (SQL); fixed text, never built from input.
 */
export const ownersOf = (column: 'o.name_th' | 'o.national_id::text', parcelId = 'p.id') =>
  `(SELECT string_agg(${column}, ', ' ORDER BY o.id) FROM parcel_owners po JOIN owners o ON o.id = po.owner_id WHERE po.parcel_id = ${parcelId})`;

/** The SQL behind each attribute the access policy can grant. Fixed text: never built from input. */
const COLUMNS: Record<ParcelAttribute, string> = {
  id: 'p.id',
  parcel_no: 'p.parcel_no',
  map_code: 'p.map_code',
  land_use: 'p.land_use',
  area_m2: 'p.area_m2',
  zone_id: 'p.zone_id',
  community_id: 'p.community_id',
  owner_name: ownersOf('o.name_th'),
  national_id: ownersOf('o.national_id::text'),
  assessed_value: 'p.assessed_value::float8',
  tax_due: 'p.tax_due::float8',
  tax_status: 'p.tax_status',
};

/** What one viewer may see of parcels, as the access policy decided it. */
export interface ParcelView {
  attributes: readonly ParcelAttribute[];
  zones: number[] | null;
}

/** What one viewer's vector tiles carry: no personal data (the type keeps it out), in their zones. */
export interface ParcelTileView extends ParcelView {
  attributes: readonly ParcelTileAttribute[];
}

/**
 * The parcels a view may see, with the attributes it may see, shared by the REST list, one
 * parcel and the vector tiles. `zonesParam` is the number of the parameter that carries the zone
 * scope.
 */
function parcelSelect(view: ParcelView, where: string, zonesParam: number): string {
  const columns = view.attributes.map((a) => `${COLUMNS[a]} AS ${a}`).join(', ');
  return `
    SELECT ${columns}, p.geom
    FROM parcels p
    WHERE ${where} AND ($${zonesParam}::int[] IS NULL OR p.zone_id = ANY($${zonesParam}))`;
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

/**
 * The parcels that meet `condition` (fixed SQL text over `p`, with `params` as $1..$n), with the
 * view's attributes and in its zones, in id order, at most `limit`: the tax register's searches.
 */
export async function parcelsWhere(
  db: Queryable,
  view: ParcelView,
  condition: string,
  params: readonly unknown[],
  limit: number,
): Promise<FeatureCollection<Polygon, ParcelProperties>> {
  const n = params.length;
  return queryFeatures<Polygon, ParcelProperties>(db, `${parcelSelect(view, `(${condition})`, n + 1)} ORDER BY p.id LIMIT $${n + 2}`, [
    ...params,
    view.zones,
    limit,
  ]);
}

export type ParcelFeature = Feature<Polygon, ParcelProperties>;

/**
 * One parcel with the view's attributes, or null when there is none with this id in the view's
 * zones: a parcel outside them is as absent as one that does not exist.
 */
export async function parcelById(db: Queryable, view: ParcelView, id: number): Promise<ParcelFeature | null> {
  const fc = await queryFeatures<Polygon, ParcelProperties>(db, parcelSelect(view, 'p.id = $1', 2), [id, view.zones]);
  return fc.features[0] ?? null;
}

// ——— Vector tiles ———

const PARCEL_LAYER = 'parcels';
const BLOCK_LAYER = 'parcel_blocks';
const EXTENT = 4096;
const BUFFER = 64;
/** The width of the world in web Mercator metres, the tiles' map units. */
const WORLD = 40_075_016.685578488;
/** How wide the web app draws a tile (deck.gl's default tile size). */
const TILE_PIXELS = 512;
/**
 * The most parcels a tile may hold: about 47 bytes each with the attributes tiles carry, so a
 * tile stays under 150 KB. The parcels' min zoom is the lowest zoom where no tile holds more.
 */
const PARCELS_PER_TILE = 3000;

/**
 * The size of a pixel at zoom `z`, in map units: what simplification may move and the area a
 * parcel needs to be drawn at all. Detail-zoom tiles are stretched to several times their width,
 * so there only the tile's own grid counts.
 */
const pixelAt = (z: number) => WORLD / 2 ** z / (z >= DETAIL_ZOOM ? EXTENT : TILE_PIXELS);

/**
 * The lowest zoom at which every tile holds at most PARCELS_PER_TILE parcels, counted from the
 * blocks (each parcel counts in the tile of its block). Below it, tiles carry the blocks.
 */
export async function parcelMinZoom(db: Queryable): Promise<number> {
  const [row] = await db.query<{ z: number }>(
    `SELECT coalesce(min(z), ${DETAIL_ZOOM})::int AS z
     FROM generate_series(${BLOCKS_MIN_ZOOM}, ${DETAIL_ZOOM}) AS z
     WHERE (SELECT coalesce(max(n), 0) FROM (SELECT sum(b.parcels) AS n FROM parcel_blocks b
                                             GROUP BY b.x >> (18 - z), b.y >> (18 - z)) AS s) <= $1`,
    [PARCELS_PER_TILE],
  );
  return row?.z ?? DETAIL_ZOOM;
}

/** Shapes near the tile: its envelope widened by the tile buffer, so shapes crossing the edge are kept. */
const NEAR_TILE = `ST_TileEnvelope($1, $2, $3, margin => ${BUFFER / EXTENT})`;
/** Parcels that cover less than a pixel ($5 is the pixel's size in map units) are not drawn. */
const BIG_ENOUGH = 'ST_Area(p.geom_3857) >= $5::float8 * $5::float8';

/**
 * The parcel tile's statement on PostGIS, for a view: $1–$3 the tile, $4 the view's zones, $5 the
 * pixel size. Shapes are simplified by a pixel in map units before they are cut and encoded.
 * Without the owners: no tile carries them.
 */
function parcelTileSql(view: ParcelTileView): string {
  const attributes = view.attributes
    .filter((a) => a !== 'id')
    .map((a) => `f.${a}`)
    .join(', ');
  return `
    WITH f AS (
      SELECT ${view.attributes.map((a) => `${COLUMNS[a]} AS ${a}`).join(', ')}, p.geom_3857 AS geom
      FROM parcels p
      WHERE p.geom_3857 && ${NEAR_TILE} AND ${BIG_ENOUGH} AND ($4::int[] IS NULL OR p.zone_id = ANY($4)))
    SELECT ST_AsMVT(t, '${PARCEL_LAYER}', ${EXTENT}, 'geom', 'id') AS mvt
    FROM (SELECT f.id, ${attributes},
                 ST_AsMVTGeom(ST_Simplify(f.geom, $5::float8, true), ST_TileEnvelope($1, $2, $3), ${EXTENT}, ${BUFFER}, true) AS geom
          FROM f) AS t`;
}

/**
 * A block's feature id, the same in every tile that holds a piece of it, so a client counts it
 * once: its z18 cell and its zone (a cell on a zone's edge is one block per zone).
 */
const BLOCK_ID = '((b.x::int8 << 18 | b.y) << 4 | coalesce(b.zone_id, 0))';

/** The blocks tile's statement on PostGIS: $1–$3 the tile, $4 the view's zones. */
const BLOCK_TILE_SQL = `
  SELECT ST_AsMVT(t, '${BLOCK_LAYER}', ${EXTENT}, 'geom', 'id') AS mvt
  FROM (SELECT ${BLOCK_ID} AS id, b.land_use, b.parcels,
               ST_AsMVTGeom(b.geom, ST_TileEnvelope($1, $2, $3), ${EXTENT}, ${BUFFER}, true) AS geom
        FROM parcel_blocks b
        WHERE b.geom && ${NEAR_TILE} AND ($4::int[] IS NULL OR b.zone_id = ANY($4))) AS t`;

/**
 * The embedded engine's statements (it has no protobuf, so no ST_AsMVT): the same rows, their
 * attributes as JSON and their shapes (simplified as on PostGIS) as TWKB in web Mercator, for
 * mvt.ts to cut and encode. Nothing here calls ST_Transform: its first call in a new PGlite
 * loads PROJ, and a server's first tile waited for it.
 */
function parcelRowsSql(view: ParcelTileView): string {
  return `
    SELECT json_agg(json_build_array(${view.attributes.map((a) => COLUMNS[a]).join(', ')}))::text AS attributes,
           encode(ST_AsTWKB(ST_Collect(ST_Simplify(p.geom_3857, $5::float8, true)), 6), 'base64') AS shapes
    FROM parcels p
    WHERE p.geom_3857 && ${NEAR_TILE} AND ${BIG_ENOUGH} AND ($4::int[] IS NULL OR p.zone_id = ANY($4))`;
}

const BLOCK_ROWS_SQL = `
  SELECT json_agg(json_build_array(${BLOCK_ID}, b.land_use, b.parcels))::text AS attributes,
         encode(ST_AsTWKB(ST_Collect(b.geom), 6), 'base64') AS shapes
  FROM parcel_blocks b
  WHERE b.geom && ${NEAR_TILE} AND ($4::int[] IS NULL OR b.zone_id = ANY($4))`;

type TileAt = { z: number; x: number; y: number; minZoom: number };

const tileParams = (view: ParcelTileView, { z, x, y, minZoom }: TileAt) => (z < minZoom ? [z, x, y, view.zones] : [z, x, y, view.zones, pixelAt(z)]);

/**
 * A tile's prepared statement on PostGIS and its parameters. Exported so the benchmark runs
 * exactly the server's SQL.
 */
export function parcelTileStatement(view: ParcelTileView, tile: TileAt): { statement: Statement; params: unknown[] } {
  return { statement: statement(tile.z < tile.minZoom ? BLOCK_TILE_SQL : parcelTileSql(view)), params: tileParams(view, tile) };
}

/**
 * A Mapbox Vector Tile for a view: from the parcels' min zoom on, layer `parcels` with the view's
 * tile attributes and `id` as the feature id; below it (down to BLOCKS_MIN_ZOOM), layer
 * `parcel_blocks`, each block's dominant land use and parcel count. On PostGIS, `ST_AsMVT` encodes
 * it where the data is, in one prepared statement; the embedded engine is built without protobuf,
 * so there the same rows are cut and encoded in Node (mvt.ts).
 */
export async function parcelTile(db: Queryable, engine: Db['engine'], view: ParcelTileView, tile: TileAt): Promise<Uint8Array<ArrayBuffer>> {
  const { z, minZoom } = tile;
  if (z < BLOCKS_MIN_ZOOM) return new Uint8Array();
  if (engine === 'postgis') {
    const { statement, params } = parcelTileStatement(view, tile);
    const [row] = await db.query<{ mvt: Uint8Array }>(statement, params);
    return row ? new Uint8Array(row.mvt) : new Uint8Array();
  }
  const blocks = z < minZoom;
  const [rows] = await db.query<TileRows>(blocks ? BLOCK_ROWS_SQL : parcelRowsSql(view), tileParams(view, tile));
  const layer = blocks
    ? { name: BLOCK_LAYER, attributes: ['id', 'land_use', 'parcels'], id: 'id' }
    : { name: PARCEL_LAYER, attributes: view.attributes, id: 'id' };
  return encodeTile(rows, layer, tile, { extent: EXTENT, buffer: BUFFER });
}
