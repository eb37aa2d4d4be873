import type { LineString, MultiPolygon, Polygon } from 'geojson';
import type { Queryable } from '../db/index.ts';
import { queryFeatures } from '../db/geojson.ts';

export interface BoundaryProperties {
  name_th: string;
  name_en: string;
  area_km2: number;
  population: number;
  households: number;
}
export interface ZoneProperties {
  id: number;
  name_th: string;
  name_en: string;
  area_km2: number;
  households: number;
  population: number;
  communities: number;
  label_lon: number;
  label_lat: number;
}
export interface CommunityProperties {
  id: number;
  zone_id: number;
  name_th: string;
  name_en: string;
  households: number;
  population: number;
  label_lon: number;
  label_lat: number;
}
export interface BasemapProperties {
  kind: 'lake' | 'road' | 'railway' | 'street';
  name_th: string;
  name_en: string;
}

// Areas are measured on the spheroid (geography), not in square degrees.
export const boundary = (db: Queryable) =>
  queryFeatures<MultiPolygon, BoundaryProperties>(
    db,
    `
    SELECT name_th, name_en, round((ST_Area(geom::geography) / 1e6)::numeric, 2)::float8 AS area_km2,
           population, households, geom
    FROM municipality`,
  );

export const zones = (db: Queryable) =>
  queryFeatures<MultiPolygon, ZoneProperties>(
    db,
    `
    SELECT z.id, z.name_th, z.name_en,
           round((ST_Area(z.geom::geography) / 1e6)::numeric, 2)::float8 AS area_km2,
           coalesce(sum(c.households), 0)::int AS households,
           coalesce(sum(c.population), 0)::int AS population,
           count(c.id)::int AS communities,
           ST_X(inner_point(z.geom)) AS label_lon, ST_Y(inner_point(z.geom)) AS label_lat,
           z.geom
    FROM zones z LEFT JOIN communities c ON c.zone_id = z.id
    GROUP BY z.id
    ORDER BY z.id`,
  );

export const communities = (db: Queryable, filter: { zone?: number }) =>
  queryFeatures<MultiPolygon, CommunityProperties>(
    db,
    `
    SELECT id, zone_id, name_th, name_en, households, population,
           ST_X(inner_point(geom)) AS label_lon, ST_Y(inner_point(geom)) AS label_lat, geom
    FROM communities
    WHERE ($1::int IS NULL OR zone_id = $1)
    ORDER BY id`,
    [filter.zone ?? null],
  );

export const basemap = (db: Queryable) =>
  queryFeatures<Polygon | LineString, BasemapProperties>(db, `SELECT kind, name_th, name_en, geom FROM basemap_features ORDER BY id`);

export async function zoneExists(db: Queryable, id: number): Promise<boolean> {
  return (await db.query('SELECT 1 FROM zones WHERE id = $1', [id])).length > 0;
}
