import city from '../../data/khonkaen/city.json' with { type: 'json' };
import type { Queryable } from '../db/index.ts';
import { apportion, seededRandom } from '../seed/random.ts';

const lineString = (coordinates: number[][]) => JSON.stringify({ type: 'LineString', coordinates });

/**
 * The city's geometry. Only the boundary outline, the two zone dividers, lakes and roads are
 * written down (data/khonkaen/city.json); PostGIS derives the rest: zones are the boundary split
 * by the dividers, communities are Voronoi cells (relaxed twice, so they are of even size)
 * clipped to their zone, so zones tile the city and communities tile their zone exactly.
 */
export async function seedCity(tx: Queryable): Promise<void> {
  const m = city.municipality;
  await tx.query(
    `INSERT INTO municipality (id, name_th, name_en, population, households, geom)
     VALUES (1, $1, $2, $3, $4, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($5), 4326)))`,
    [m.name_th, m.name_en, m.population, m.households, JSON.stringify({ type: 'Polygon', coordinates: [m.boundary] })],
  );

  const dividers = JSON.stringify({ type: 'MultiLineString', coordinates: city.zone_dividers });
  for (const zone of city.zones) {
    await tx.query(
      `INSERT INTO zones (id, name_th, name_en, geom)
       SELECT $1, $2, $3, ST_Multi(ST_ReducePrecision(piece.geom, 1e-7))
       FROM municipality m,
            ST_Dump(ST_Split(ST_GeometryN(m.geom, 1), ST_SetSRID(ST_GeomFromGeoJSON($4), 4326))) AS piece
       WHERE ST_Contains(piece.geom, ST_SetSRID(ST_MakePoint($5::float8, $6::float8), 4326))`,
      [zone.id, zone.name_th, zone.name_en, dividers, zone.inside[0], zone.inside[1]],
    );
  }

  // Households and population are the documents' city totals, spread over communities.
  const names = Object.entries(city.communities).flatMap(([zoneId, list]) =>
    list.map(([th, en]) => ({ zoneId: Number(zoneId), th: th as string, en: en as string })),
  );
  const random = seededRandom(2561);
  const weights = names.map(() => 0.5 + random());
  const households = apportion(BigInt(m.households), weights);
  const population = apportion(
    BigInt(m.population),
    weights.map((w) => w * (0.9 + 0.2 * random())),
  );

  let nextId = 1;
  for (const zone of city.zones) {
    const inZone = names.map((n, i) => ({ ...n, i })).filter((n) => n.zoneId === zone.id);
    await tx.query(
      `WITH z AS (SELECT geom FROM zones WHERE id = $1),
       seeds0 AS (SELECT seed_points(z.geom, $2, 'zone' || $1) AS pts FROM z),
       -- Two rounds of Lloyd relaxation: cells grow round and even instead of random slivers.
       cells0 AS (SELECT ST_Intersection(c.geom, z.geom) AS geom
                  FROM seeds0, z, ST_Dump(ST_VoronoiPolygons(seeds0.pts, 0, ST_Expand(z.geom, 0.01))) AS c),
       cells1 AS (SELECT ST_Intersection(c.geom, z.geom) AS geom
                  FROM z, ST_Dump(ST_VoronoiPolygons((SELECT ST_Collect(inner_point(geom)) FROM cells0), 0, ST_Expand(z.geom, 0.01))) AS c),
       cells2 AS (SELECT ST_Intersection(c.geom, z.geom) AS geom
                  FROM z, ST_Dump(ST_VoronoiPolygons((SELECT ST_Collect(inner_point(geom)) FROM cells1), 0, ST_Expand(z.geom, 0.01))) AS c),
       ordered AS (
         SELECT geom, row_number() OVER (ORDER BY round(ST_Y(ST_Centroid(geom))::numeric, 3) DESC,
                                                  ST_X(ST_Centroid(geom))) AS n
         FROM cells2 WHERE NOT ST_IsEmpty(geom))
       INSERT INTO communities (id, zone_id, name_th, name_en, households, population, geom)
       SELECT $3 + o.n - 1, $1, ($4::text[])[o.n], ($5::text[])[o.n], ($6::int[])[o.n], ($7::int[])[o.n],
              ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_ReducePrecision(o.geom, 1e-7)), 3))
       FROM ordered o`,
      [
        zone.id,
        inZone.length,
        nextId,
        inZone.map((n) => n.th),
        inZone.map((n) => n.en),
        inZone.map((n) => Number(households[n.i])),
        inZone.map((n) => Number(population[n.i])),
      ],
    );
    nextId += inZone.length;
  }

  for (const lake of city.lakes) {
    await tx.query(
      `INSERT INTO basemap_features (kind, name_th, name_en, geom)
       VALUES ('lake', $1, $2, ST_SetSRID(ST_Translate(ST_Scale(ST_Buffer(ST_MakePoint(0, 0), 1, 12), $3::float8, $4::float8), $5::float8, $6::float8), 4326))`,
      [lake.name_th, lake.name_en, lake.radius_deg[0], lake.radius_deg[1], lake.center[0], lake.center[1]],
    );
  }
  for (const road of city.roads) {
    await tx.query(
      `INSERT INTO basemap_features (kind, name_th, name_en, geom)
       VALUES ($1, $2, $3, ST_SetSRID(ST_GeomFromGeoJSON($4), 4326))`,
      [road.kind, road.name_th, road.name_en, lineString(road.line)],
    );
  }
}
