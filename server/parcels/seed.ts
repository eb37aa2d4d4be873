import type { Queryable } from '../db/index.ts';
import { fictitiousOwners } from './owners.ts';

/** Grid cell edge in degrees at scale 1: about 44 m, which yields about 30,000 parcels. */
const CELL_DEG = 0.0004;
const OWNERS_PER_PARCEL = 0.6; // many owners hold more than one parcel

/**
 * Tax parcels, made by PostGIS: a square grid over the city, every sixth row and column left as
 * a street, each block cut into one to three plots, and nothing on a lake or a main road.
 * Land use thins out from the old centre; assessed values and the tax due follow the Land and
 * Building Tax Act B.E. 2562 first-bracket rates (simplified). `scale` multiplies the count.
 */
export async function seedParcels(tx: Queryable, scale = 1): Promise<void> {
  const cell = CELL_DEG / Math.sqrt(scale);
  const [{ estimate } = { estimate: 0 }] = await tx.query<{ estimate: number }>(
    `SELECT (ST_Area(geom) / ($1::float8 * $1::float8) * 2)::int AS estimate FROM municipality`,
    [cell],
  );
  const owners = fictitiousOwners(Math.max(100, Math.round(estimate * OWNERS_PER_PARCEL)));
  await tx.query('INSERT INTO owners (id, name_th, national_id) SELECT * FROM unnest($1::int[], $2::text[], $3::text[])', [
    owners.map((o) => o.id),
    owners.map((o) => o.name_th),
    owners.map((o) => o.national_id),
  ]);
  await tx.query(
    `WITH city AS (SELECT geom FROM municipality),
     blocks AS (
       SELECT g.i, g.j, g.geom FROM city, ST_SquareGrid($1, city.geom) AS g
       WHERE mod(g.i, 6) <> 0 AND mod(g.j, 6) <> 0),
     plots AS (
       SELECT b.i, b.j, k, n,
              CASE WHEN mod(b.i + b.j, 2) = 0
                THEN ST_MakeEnvelope(ST_XMin(b.geom) + (ST_XMax(b.geom) - ST_XMin(b.geom)) * k / n, ST_YMin(b.geom),
                                     ST_XMin(b.geom) + (ST_XMax(b.geom) - ST_XMin(b.geom)) * (k + 1) / n, ST_YMax(b.geom), 4326)
                ELSE ST_MakeEnvelope(ST_XMin(b.geom), ST_YMin(b.geom) + (ST_YMax(b.geom) - ST_YMin(b.geom)) * k / n,
                                     ST_XMax(b.geom), ST_YMin(b.geom) + (ST_YMax(b.geom) - ST_YMin(b.geom)) * (k + 1) / n, 4326)
              END AS geom
       FROM blocks b,
            LATERAL (SELECT 1 + floor(3 * seed_unit(b.i || ',' || b.j))::int AS n) AS cut,
            generate_series(0, cut.n - 1) AS k),
     kept AS (
       SELECT p.*, row_number() OVER (ORDER BY p.j DESC, p.i, p.k) AS n_plot,
              seed_unit('use' || p.i || ',' || p.j || ',' || p.k) AS u,
              ST_Distance(ST_Centroid(p.geom), ST_SetSRID(ST_MakePoint(102.834, 16.432), 4326)) AS from_centre
       FROM plots p, city
       WHERE ST_Within(p.geom, city.geom)
         AND NOT EXISTS (SELECT 1 FROM basemap_features f
                         WHERE (f.kind = 'lake' AND ST_Intersects(f.geom, p.geom))
                            OR (f.kind <> 'lake' AND ST_DWithin(f.geom, p.geom, 0.00012)))),
     used AS (
       SELECT k.*,
              CASE WHEN k.from_centre < 0.008 THEN
                     CASE WHEN k.u < 0.45 THEN 'commercial' WHEN k.u < 0.70 THEN 'mixed' WHEN k.u < 0.95 THEN 'residential' ELSE 'public' END
                   WHEN k.from_centre < 0.02 THEN
                     CASE WHEN k.u < 0.60 THEN 'residential' WHEN k.u < 0.75 THEN 'mixed' WHEN k.u < 0.85 THEN 'commercial'
                          WHEN k.u < 0.90 THEN 'public' ELSE 'vacant' END
                   ELSE
                     CASE WHEN k.u < 0.55 THEN 'residential' WHEN k.u < 0.70 THEN 'agricultural' WHEN k.u < 0.90 THEN 'vacant'
                          WHEN k.u < 0.95 THEN 'public' ELSE 'commercial' END
              END AS land_use,
              ST_Area(k.geom::geography) AS area_m2
       FROM kept k),
     valued AS (
       SELECT u.*,
              round((u.area_m2 * (0.7 + 0.6 * seed_unit('value' || u.n_plot)) *
                CASE u.land_use WHEN 'commercial' THEN 25000 WHEN 'mixed' THEN 18000 WHEN 'residential' THEN 10000
                                WHEN 'public' THEN 8000 WHEN 'agricultural' THEN 1500 ELSE 6000 END)::numeric, 2) AS assessed_value
       FROM used u)
     INSERT INTO parcels (parcel_no, land_use, area_m2, assessed_value, tax_due, geom)
     SELECT (10000 + v.n_plot)::text, v.land_use, round(v.area_m2::numeric, 1)::float8,
            v.assessed_value,
            round(v.assessed_value * CASE v.land_use WHEN 'agricultural' THEN 0.0001 WHEN 'residential' THEN 0.0002
                                                     WHEN 'public' THEN 0 ELSE 0.003 END, 2),
            v.geom
     FROM valued v
     ORDER BY v.n_plot`,
    [cell],
  );
  // Public land has no private owner; the parcel number is 10000 + its plot's number.
  await tx.query(
    `INSERT INTO parcel_owners (parcel_id, owner_id)
     SELECT p.id, 1 + floor($1 * seed_unit('owner' || (p.parcel_no::int - 10000)))::int
     FROM parcels p WHERE p.land_use <> 'public'`,
    [owners.length],
  );
}
