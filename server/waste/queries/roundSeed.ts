import type { Queryable } from '../../db/index.ts';

/** Whether the rounds (and so the street graph and the trucks) were seeded. */
export async function hasRounds(db: Queryable): Promise<boolean> {
  const [row] = await db.query<{ yes: boolean }>('SELECT EXISTS (SELECT FROM rounds) AS yes');
  return row?.yes ?? false;
}

/** `perZone` trucks in each zone; a demo database seeded before rounds existed has them already. */
export async function insertTrucks(db: Queryable, perZone: number): Promise<void> {
  await db.query(
    `INSERT INTO trucks (id, code, plate, name_th, name_en, zone_id)
     SELECT n, 'T' || lpad(n::text, 2, '0'),
            (80 + n % 3)::text || '-' || (1000 + (seed_unit('plate' || n) * 8999)::int)::text || ' ขอนแก่น',
            'รถเก็บขยะ เขต ' || z.id || ' คันที่ ' || k, 'Waste truck, zone ' || z.id || ' #' || k, z.id
     FROM zones z, generate_series(1, $1) AS k, LATERAL (SELECT (z.id - 1) * $1 + k AS n) AS numbering
     ON CONFLICT (id) DO NOTHING`,
    [perZone],
  );
}

/** The street node nearest a place. */
export async function nearestNode(db: Queryable, lon: number, lat: number): Promise<number> {
  const [row] = await db.query<{ id: number }>('SELECT id FROM road_nodes ORDER BY geom <-> ST_SetSRID(ST_MakePoint($1, $2), 4326) LIMIT 1', [lon, lat]);
  if (!row) throw new Error('the street graph is empty');
  return row.id;
}

export interface Facility {
  zone_id: number;
  kind: 'market' | 'school' | 'hospital' | 'temple';
  name_th: string;
  name_en: string;
  /** Where it is, when known (Bang Lamphu market); otherwise a generated place in its zone. */
  at: [number, number] | null;
}

export interface Candidate {
  zone_id: number;
  kind: 'market' | 'community' | 'school' | 'hospital' | 'temple';
  name_th: string;
  name_en: string;
  community_id: number | null;
  node_id: number;
  lon: number;
  lat: number;
}

/**
 * Where the pickup points are: each community's collection point where a street runs nearest
 * the middle of the community (a street node inside it where there is one), and the facilities
 * at the street node nearest their place, in their zone. Points are on street nodes, so a truck
 * driving its route passes exactly over them.
 */
export const pickupCandidates = (db: Queryable, facilities: Facility[]) =>
  db.query<Candidate>(
    `WITH facility AS (
       SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[]) AS f(zone_id, kind, name_th, name_en, lon, lat)),
     placed AS (
       SELECT f.zone_id, f.kind, f.name_th, f.name_en, NULL::int AS community_id, z.geom AS area,
              coalesce(ST_SetSRID(ST_MakePoint(f.lon, f.lat), 4326), ST_GeometryN(seed_points(dry_land(z.geom), 1, 'pickup:' || f.name_en), 1)) AS at
       FROM facility f JOIN zones z ON z.id = f.zone_id
       UNION ALL
       SELECT c.zone_id, 'community', 'จุดรวมขยะชุมชน' || c.name_th, c.name_en || ' community collection point', c.id, c.geom, inner_point(c.geom)
       FROM communities c)
     SELECT p.zone_id, p.kind, p.name_th, p.name_en, p.community_id, n.id AS node_id, ST_X(n.geom) AS lon, ST_Y(n.geom) AS lat
     FROM placed p
     CROSS JOIN LATERAL (
       SELECT id, geom FROM road_nodes
       WHERE ST_DWithin(geom, p.at, 0.02)
       ORDER BY NOT ST_Intersects(p.area, geom), geom <-> p.at LIMIT 1) AS n
     ORDER BY p.zone_id, p.kind, p.community_id, p.name_en`,
    [
      facilities.map((f) => f.zone_id),
      facilities.map((f) => f.kind),
      facilities.map((f) => f.name_th),
      facilities.map((f) => f.name_en),
      facilities.map((f) => f.at?.[0] ?? null),
      facilities.map((f) => f.at?.[1] ?? null),
    ],
  );

export interface NewRound {
  id: number;
  code: string;
  zone_id: number;
  truck_id: number;
  name_th: string;
  name_en: string;
  days: number[];
  window_start: string;
  window_end: string;
  route: [number, number][];
  points: Candidate[];
}

export async function insertRound(db: Queryable, round: NewRound, firstPointId: number): Promise<void> {
  await db.query(
    `INSERT INTO rounds (id, code, zone_id, truck_id, name_th, name_en, days, window_start, window_end, route)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, ST_SetSRID(ST_GeomFromGeoJSON($10), 4326))`,
    [
      round.id,
      round.code,
      round.zone_id,
      round.truck_id,
      round.name_th,
      round.name_en,
      round.days,
      round.window_start,
      round.window_end,
      JSON.stringify({ type: 'LineString', coordinates: round.route }),
    ],
  );
  await db.query(
    `INSERT INTO pickup_points (id, round_id, seq, kind, name_th, name_en, community_id, geom)
     SELECT $1 + p.n - 1, $2, p.n, p.kind, p.name_th, p.name_en, p.community_id, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)
     FROM unnest($3::text[], $4::text[], $5::text[], $6::int[], $7::float8[], $8::float8[]) WITH ORDINALITY AS p(kind, name_th, name_en, community_id, lon, lat, n)`,
    [
      firstPointId,
      round.id,
      round.points.map((p) => p.kind),
      round.points.map((p) => p.name_th),
      round.points.map((p) => p.name_en),
      round.points.map((p) => p.community_id),
      round.points.map((p) => p.lon),
      round.points.map((p) => p.lat),
    ],
  );
}

export interface RoundToDrive {
  id: number;
  zone_id: number;
  truck_id: number;
  days: number[];
  window_start: string;
  window_end: string;
  route: [number, number][];
  points: [number, number][];
}

/** Every round with its route and its points' places in order: what the demo trucks drive. */
export const roundsToDrive = (db: Queryable) =>
  db.query<RoundToDrive>(
    `SELECT r.id, r.zone_id, r.truck_id, r.days::int[] AS days, to_char(r.window_start, 'HH24:MI') AS window_start,
            to_char(r.window_end, 'HH24:MI') AS window_end, ST_AsGeoJSON(r.route, 7)::json -> 'coordinates' AS route,
            (SELECT json_agg(json_build_array(ST_X(pp.geom), ST_Y(pp.geom)) ORDER BY pp.seq) FROM pickup_points pp WHERE pp.round_id = r.id) AS points
     FROM rounds r ORDER BY r.id`,
  );

/** The trucks' ids and zones. */
export const truckIds = (db: Queryable) => db.query<{ id: number; zone_id: number }>('SELECT id, zone_id FROM trucks ORDER BY id');

export interface Fixes {
  truck: number[];
  time: string[];
  lon: number[];
  lat: number[];
  speed: number[];
  heading: number[];
}

/** Generated positions, in one statement per batch (the monthly partitions must exist). */
export async function insertFixes(db: Queryable, fixes: Fixes): Promise<void> {
  await db.query(
    `INSERT INTO truck_positions (truck_id, recorded_at, speed_kmh, heading_deg, geom)
     SELECT f.truck, f.time, f.speed, f.heading, ST_SetSRID(ST_MakePoint(f.lon, f.lat), 4326)
     FROM unnest($1::smallint[], $2::timestamptz[], $3::float8[], $4::float8[], $5::float8[], $6::float8[]) AS f(truck, time, lon, lat, speed, heading)`,
    [fixes.truck, fixes.time, fixes.lon, fixes.lat, fixes.speed, fixes.heading],
  );
}

export async function ensurePositionPartitions(db: Queryable, from: Date, to: Date): Promise<void> {
  await db.query("SELECT ensure_monthly_partitions('truck_positions', $1, $2)", [from.toISOString(), to.toISOString()]);
}
