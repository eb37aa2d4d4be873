import type { FeatureCollection, Geometry } from 'geojson';
import type { Queryable } from './types.ts';

/**
 * Runs `select` (which must return a `geom` column) and has PostGIS build the FeatureCollection:
 * every other column becomes a property. Coordinates keep 6 decimals (about 0.1 m).
 */
export async function queryFeatures<Properties>(
  db: Queryable,
  select: string,
  params: readonly unknown[] = [],
): Promise<FeatureCollection<Geometry, Properties>> {
  const [row] = await db.query<{ fc: FeatureCollection<Geometry, Properties> }>(
    `SELECT json_build_object(
       'type', 'FeatureCollection',
       'features', coalesce(json_agg(ST_AsGeoJSON(f.*, 'geom', 6)::json), '[]'::json)
     ) AS fc
     FROM (${select}) AS f`,
    params,
  );
  if (!row) throw new Error('FeatureCollection query returned no row');
  return row.fc;
}
