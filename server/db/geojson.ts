import type { FeatureCollection, Geometry } from 'geojson';
import { statement } from './sql.ts';
import type { Queryable } from './types.ts';

/** A FeatureCollection whose `bbox` (GeoJSON's own member) frames its features, when it has any. */
export type Collection<G extends Geometry, Properties> = FeatureCollection<G, Properties> & {
  bbox?: [number, number, number, number];
};

/**
 * Runs `select` (which must return a `geom` column) and has PostGIS build the FeatureCollection:
 * every other column becomes a property, and the extent becomes its `bbox`, so no client has to
 * measure geometry itself. Coordinates keep 6 decimals (about 0.1 m). `prepared`: a hot path's
 * fixed `select`, prepared once per connection (see Statement).
 */
export async function queryFeatures<G extends Geometry, Properties>(
  db: Queryable,
  select: string,
  params: readonly unknown[] = [],
  options: { prepared?: boolean } = {},
): Promise<Collection<G, Properties>> {
  const text = `SELECT CASE WHEN count(*) = 0 THEN json_build_object('type', 'FeatureCollection', 'features', '[]'::json)
            ELSE json_build_object(
              'type', 'FeatureCollection',
              'bbox', json_build_array(ST_XMin(ST_Extent(f.geom)), ST_YMin(ST_Extent(f.geom)),
                                       ST_XMax(ST_Extent(f.geom)), ST_YMax(ST_Extent(f.geom))),
              'features', json_agg(ST_AsGeoJSON(f.*, 'geom', 6)::json)) END AS fc
     FROM (${select}) AS f`;
  const [row] = await db.query<{ fc: Collection<G, Properties> }>(options.prepared ? statement(text) : text, params);
  if (!row) throw new Error('FeatureCollection query returned no row');
  return row.fc;
}

/** Whether PostGIS finds a GeoJSON geometry valid, and if not, its reason; undefined if it cannot read it. */
export async function geometryValidity(db: Queryable, geometry: Geometry): Promise<{ valid: boolean; reason: string } | undefined> {
  const [row] = await db.query<{ valid: boolean; reason: string }>(
    `SELECT ST_IsValid(g) AS valid, ST_IsValidReason(g) AS reason FROM ST_GeomFromGeoJSON($1) AS g`,
    [JSON.stringify(geometry)],
  );
  return row;
}
