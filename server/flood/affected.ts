import type { Geometry } from 'geojson';
import type { Queryable } from '../db/index.ts';

export type AffectedBasis = 'auto' | 'catchment' | 'radius';

export interface AffectedCommunity {
  id: number; name_th: string; name_en: string; zone_id: number;
  /** Share of the community's area inside the affected area, 0–1. */
  share: number;
  /** The community's households and people in proportion to that share (spread evenly: no address points). */
  households: number; population: number;
}

export interface AffectedProject { id: number; code: string; name_th: string; name_en: string; stage: string | null; strategy_id: string; fiscal_year: number }

export interface Affected {
  sensor_id: number;
  basis: 'catchment' | 'radius';
  radius_m: number | null;
  area: Geometry;
  area_km2: number;
  totals: { communities: number; households: number; population: number; parcels: number; projects: number };
  communities: AffectedCommunity[];
  parcels_by_use: { land_use: string; parcels: number; area_m2: number }[];
  projects: AffectedProject[];
}

const MAX_PROJECTS_LISTED = 100;

/**
 * Who and what lies where a sensor's water would go: its drainage catchment when one is drawn
 * (or asked for), otherwise a circle of the sensor's radius (or the one asked for). All of it
 * is computed in PostGIS where the data is; parcels are counted, never listed, so the answer
 * carries no personal data. `zones` limits the projects to those the viewer may see.
 */
export async function affectedBy(db: Queryable, sensorId: number,
  options: { basis: AffectedBasis; radius_m: number | null; zones: number[] | null }): Promise<Affected | null> {
  const [area] = await db.query<{ basis: 'catchment' | 'radius'; radius_m: number | null; area: Geometry; area_km2: number }>(
    `SELECT CASE WHEN use_catchment THEN 'catchment' ELSE 'radius' END AS basis,
            CASE WHEN use_catchment THEN NULL ELSE radius END AS radius_m,
            ST_AsGeoJSON(area, 6)::json AS area, ST_Area(area::geography) / 1e6 AS area_km2
     FROM (
       SELECT use_catchment, radius,
              CASE WHEN use_catchment THEN c.geom
                   ELSE ST_Multi(ST_Buffer(s.geom::geography, radius, 'quad_segs=16')::geometry) END AS area
       FROM sensors s
       LEFT JOIN sensor_catchments c ON c.sensor_id = s.id
       CROSS JOIN LATERAL (SELECT coalesce($3::float8, s.affect_radius_m) AS radius,
                                  c.geom IS NOT NULL AND $2 <> 'radius' AS use_catchment) AS choice
       WHERE s.id = $1) AS chosen`,
    [sensorId, options.basis, options.radius_m]);
  if (!area) return null;
  if (options.basis === 'catchment' && area.basis !== 'catchment') return null;
  const geojson = JSON.stringify(area.area);

  // ST_Intersection with a grid size: the overlay that both engines run without GEOS errors
  // on shapes that only touch along an edge.
  const communities = await db.query<AffectedCommunity>(
    `WITH a AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS geom)
     SELECT id, name_th, name_en, zone_id, share,
            round(households * share)::int AS households, round(population * share)::int AS population
     FROM (
       SELECT c.id::int AS id, c.name_th, c.name_en, c.zone_id::int AS zone_id, c.households, c.population,
              least(1, ST_Area(ST_Intersection(c.geom, a.geom, 1e-9)::geography) / ST_Area(c.geom::geography))::float8 AS share
       FROM communities c, a WHERE ST_Intersects(c.geom, a.geom)) AS inside
     WHERE share > 0.001
     ORDER BY share DESC, id`, [geojson]);
  const parcels = await db.query<{ land_use: string; parcels: number; area_m2: number }>(
    `WITH a AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS geom)
     SELECT p.land_use, count(*)::int AS parcels, round(sum(p.area_m2))::float8 AS area_m2
     FROM parcels p, a WHERE ST_Intersects(p.geom, a.geom)
     GROUP BY p.land_use ORDER BY count(*) DESC, p.land_use`, [geojson]);
  const projects = await db.query<AffectedProject & { total: number }>(
    `WITH a AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS geom)
     SELECT p.id, p.code, p.name_th, p.name_en, p.stage, p.strategy_id, p.fiscal_year::int AS fiscal_year,
            count(*) OVER ()::int AS total
     FROM projects p, a
     WHERE p.geom IS NOT NULL AND ST_Intersects(p.geom, a.geom)
       AND ($2::int[] IS NULL OR EXISTS (
             SELECT 1 FROM communities c WHERE c.zone_id = ANY ($2) AND ST_Intersects(c.geom, place_point(p.geom))))
     ORDER BY p.fiscal_year DESC, p.id LIMIT $3`, [geojson, options.zones, MAX_PROJECTS_LISTED]);

  return {
    sensor_id: sensorId,
    basis: area.basis,
    radius_m: area.radius_m,
    area: area.area,
    area_km2: area.area_km2,
    totals: {
      communities: communities.length,
      households: communities.reduce((sum, c) => sum + c.households, 0),
      population: communities.reduce((sum, c) => sum + c.population, 0),
      parcels: parcels.reduce((sum, p) => sum + p.parcels, 0),
      projects: projects[0]?.total ?? 0,
    },
    communities,
    parcels_by_use: parcels,
    projects: projects.map(({ total: _, ...p }) => p),
  };
}
