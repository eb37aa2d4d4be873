import type { Geometry, Position } from 'geojson';
import type { Queryable } from '../../db/index.ts';

/** Where an alert's water would go, and who and what lies there: one statement per request. */

export type AffectedBasis = 'auto' | 'catchment' | 'radius';

interface AffectedCommunity {
  id: number;
  name_th: string;
  name_en: string;
  zone_id: number;
  /** Share of the community's area inside the affected area, 0–1. */
  share: number;
  /** The community's households and people in proportion to that share (spread evenly: no address points). */
  households: number;
  population: number;
}

interface AffectedProject {
  id: number;
  code: string;
  name_th: string;
  name_en: string;
  stage: string | null;
  strategy_id: string;
  fiscal_year: number;
}

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
  /** The outer ring of the area's largest part by area (CAP carries one polygon), [lon, lat] pairs. */
  largest_ring: Position[];
}

const MAX_PROJECTS_LISTED = 100;

/**
 * Who and what lies where a sensor's water would go: its drainage catchment when one is drawn
 * (or asked for), otherwise a circle of the sensor's radius (or the one asked for). All of it
 * is computed in PostGIS where the data is, in one statement; parcels are counted, never
 * listed, so the answer carries no personal data. `zones` limits the projects to those the
 * viewer may see. Null: no such sensor, or no catchment drawn when one was asked for.
 */
export async function affectedBy(
  db: Queryable,
  sensorId: number,
  options: { basis: AffectedBasis; radius_m: number | null; zones: number[] | null },
): Promise<Affected | null> {
  // ST_Intersection with a grid size: the overlay that both engines run without GEOS errors
  // on shapes that only touch along an edge.
  const [row] = await db.query<
    Omit<Affected, 'sensor_id' | 'totals' | 'largest_ring'> & { project_total: number; largest_ring: { coordinates: Position[] } | null }
  >(
    `WITH area AS (
       SELECT use_catchment,
              CASE WHEN use_catchment THEN c.geom
                   ELSE ST_Multi(ST_Buffer(s.geom::geography, radius, 'quad_segs=16')::geometry) END AS geom,
              CASE WHEN use_catchment THEN NULL ELSE radius END AS radius_m
       FROM sensors s
       LEFT JOIN sensor_catchments c ON c.sensor_id = s.id
       CROSS JOIN LATERAL (SELECT coalesce($3::float8, s.affect_radius_m) AS radius,
                                  c.geom IS NOT NULL AND $2 <> 'radius' AS use_catchment) AS choice
       WHERE s.id = $1 AND (c.geom IS NOT NULL OR $2 <> 'catchment')),
     -- What is inside is counted over the area as published (GeoJSON, 6 decimals: about 0.1 m),
     -- so the counts describe exactly the shape the answer draws.
     chosen AS (
       SELECT use_catchment, radius_m, geom AS exact, ST_AsGeoJSON(geom, 6) AS published,
              ST_SetSRID(ST_GeomFromGeoJSON(ST_AsGeoJSON(geom, 6)), 4326) AS geom
       FROM area),
     inside AS (
       SELECT c.id::int AS id, c.name_th, c.name_en, c.zone_id::int AS zone_id, c.households, c.population,
              least(1, ST_Area(ST_Intersection(c.geom, a.geom, 1e-9)::geography) / ST_Area(c.geom::geography))::float8 AS share
       FROM communities c, chosen a WHERE ST_Intersects(c.geom, a.geom)),
     reached AS (
       SELECT id, name_th, name_en, zone_id, share,
              round(households * share)::int AS households, round(population * share)::int AS population
       FROM inside WHERE share > 0.001),
     parcel_uses AS (
       SELECT p.land_use, count(*)::int AS parcels, round(sum(p.area_m2))::float8 AS area_m2
       FROM parcels p, chosen a WHERE ST_Intersects(p.geom, a.geom)
       GROUP BY p.land_use),
     listed AS (
       SELECT p.id, p.code, p.name_th, p.name_en, p.stage, p.strategy_id, p.fiscal_year::int AS fiscal_year,
              count(*) OVER ()::int AS total
       FROM projects p, chosen a
       WHERE p.geom IS NOT NULL AND ST_Intersects(p.geom, a.geom)
         AND ($4::int[] IS NULL OR (SELECT zone_id FROM place_community(p.geom)) = ANY ($4))
       ORDER BY p.fiscal_year DESC, p.id LIMIT $5)
     SELECT CASE WHEN a.use_catchment THEN 'catchment' ELSE 'radius' END AS basis, a.radius_m,
            a.published::json AS area, ST_Area(a.exact::geography) / 1e6 AS area_km2,
            (SELECT coalesce(json_agg(r ORDER BY r.share DESC, r.id), '[]') FROM reached r) AS communities,
            (SELECT coalesce(json_agg(u ORDER BY u.parcels DESC, u.land_use), '[]') FROM parcel_uses u) AS parcels_by_use,
            (SELECT coalesce(json_agg(json_build_object('id', l.id, 'code', l.code, 'name_th', l.name_th, 'name_en', l.name_en,
                                                        'stage', l.stage, 'strategy_id', l.strategy_id, 'fiscal_year', l.fiscal_year)
                                      ORDER BY l.fiscal_year DESC, l.id), '[]') FROM listed l) AS projects,
            coalesce((SELECT max(l.total) FROM listed l), 0) AS project_total,
            (SELECT ST_AsGeoJSON(ST_ExteriorRing(d.geom), 6)::json FROM ST_Dump(a.geom) AS d
             ORDER BY ST_Area(d.geom::geography) DESC LIMIT 1) AS largest_ring
     FROM chosen a`,
    [sensorId, options.basis, options.radius_m, options.zones, MAX_PROJECTS_LISTED],
  );
  if (!row) return null;
  const { communities, parcels_by_use: parcels } = row;
  return {
    sensor_id: sensorId,
    basis: row.basis,
    radius_m: row.radius_m,
    area: row.area,
    area_km2: row.area_km2,
    totals: {
      communities: communities.length,
      households: communities.reduce((sum, c) => sum + c.households, 0),
      population: communities.reduce((sum, c) => sum + c.population, 0),
      parcels: parcels.reduce((sum, p) => sum + p.parcels, 0),
      projects: row.project_total,
    },
    communities,
    parcels_by_use: parcels,
    projects: row.projects,
    largest_ring: row.largest_ring?.coordinates ?? [],
  };
}
