import city from '../../data/khonkaen/city.json' with { type: 'json' };
import type { Queryable } from '../db/index.ts';

const TRUCKS_PER_ZONE = 6;
const FIXES = 25; // two hours of positions, one every five minutes

/**
 * Waste trucks and two hours of GPS positions up to `now`. Each truck drives a loop round a
 * centre in its zone (a plausible collection round); one truck per zone stands at the depot.
 * Positions are deterministic; only their timestamps follow the moment of seeding.
 */
export async function seedWaste(tx: Queryable, now: Date): Promise<void> {
  await tx.query(
    `INSERT INTO trucks (id, code, plate, name_th, name_en, zone_id)
     SELECT n, 'T' || lpad(n::text, 2, '0'),
            (80 + n % 3)::text || '-' || (1000 + (seed_unit('plate' || n) * 8999)::int)::text || ' ขอนแก่น',
            'รถเก็บขยะ เขต ' || z.id || ' คันที่ ' || k, 'Waste truck, zone ' || z.id || ' #' || k, z.id
     FROM zones z, generate_series(1, $1) AS k, LATERAL (SELECT (z.id - 1) * $1 + k AS n) AS numbering`,
    [TRUCKS_PER_ZONE],
  );
  await tx.query("SELECT ensure_monthly_partitions('truck_positions', $1::timestamptz - $2 * interval '5 minutes', $1::timestamptz)", [
    now.toISOString(),
    FIXES,
  ]);
  await tx.query(
    `WITH land AS MATERIALIZED (SELECT id, dry_land(geom) AS geom FROM zones), -- once per zone, not per truck
     rounds AS (
       SELECT t.id, t.zone_id, ST_GeometryN(seed_points(z.geom, 1, 'truck' || t.id), 1) AS centre,
              250 + 450 * seed_unit('radius' || t.id) AS radius_m,
              2 * pi() * seed_unit('phase' || t.id) AS phase,
              t.id % $2 = 1 AS at_depot
       FROM trucks t JOIN land z ON z.id = t.zone_id),
     fixes AS (
       SELECT r.*, step, r.phase + step * 0.26 AS angle
       FROM rounds r, generate_series(0, $3 - 1) AS step)
     INSERT INTO truck_positions (truck_id, recorded_at, speed_kmh, heading_deg, geom)
     SELECT f.id, $1::timestamptz - ($3 - 1 - f.step) * interval '5 minutes',
            CASE WHEN f.at_depot THEN 0 ELSE round((8 + 22 * seed_unit(f.id || ':' || f.step))::numeric, 1) END,
            CASE WHEN f.at_depot THEN 0 ELSE mod((degrees(f.angle)::numeric + 90), 360) END,
            CASE WHEN f.at_depot THEN ST_Project(ST_SetSRID(ST_MakePoint($4, $5), 4326)::geography, 15 * f.zone_id, radians(90 * f.zone_id))::geometry
                 ELSE ST_Project(f.centre::geography, f.radius_m, f.angle)::geometry END
     FROM fixes f`,
    [now.toISOString(), TRUCKS_PER_ZONE, FIXES, city.waste_depot.at[0], city.waste_depot.at[1]],
  );
}
