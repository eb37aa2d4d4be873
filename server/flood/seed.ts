import city from '../../data/khonkaen/city.json' with { type: 'json' };
import type { Queryable } from '../db/index.ts';

const SUMPS_PER_ZONE = 4;
const READING_EVERY_MIN = 10;
const HOURS = 24;

/**
 * Sensors at the 8 siren points (former flood sites, me_report.md §6) and drainage-sump gauges
 * in every zone, with thresholds and 24 hours of readings up to `now`. The readings tell one
 * deterministic story: a storm over the last six hours has pushed one siren point to critical,
 * one to warning and two gauges to watch, while the rest stay normal.
 */
export async function seedFlood(tx: Queryable, now: Date): Promise<void> {
  const sirens = city.flood_sirens;
  await tx.query(
    `INSERT INTO sensors (id, code, kind, name_th, name_en, watch_m, warning_m, critical_m, geom)
     SELECT n, s.code, 'siren', 'หอเตือนภัย ' || s.name_th, 'Siren point, ' || s.name_en,
            round((0.5 + 0.2 * seed_unit(s.code))::numeric, 2), round((0.8 + 0.2 * seed_unit(s.code))::numeric, 2),
            round((1.1 + 0.2 * seed_unit(s.code))::numeric, 2),
            ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326)
     FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::float8[]) WITH ORDINALITY
          AS s(code, name_th, name_en, lon, lat, n)`,
    [sirens.map((s) => s.code), sirens.map((s) => s.name_th), sirens.map((s) => s.name_en),
      sirens.map((s) => s.at[0]), sirens.map((s) => s.at[1])],
  );
  await tx.query(
    `INSERT INTO sensors (id, code, kind, name_th, name_en, watch_m, warning_m, critical_m, geom)
     SELECT $1 + (z.id - 1) * $2 + k, 'WL' || z.id || lpad(k::text, 2, '0'), 'sump',
            'บ่อพักน้ำ เขต ' || z.id || ' จุดที่ ' || k, 'Drainage sump, zone ' || z.id || ' #' || k,
            1.0, 1.4, 1.8, ST_GeometryN(seed_points(dry_land(z.geom), 1, 'sump' || z.id || ':' || k), 1)
     FROM zones z, generate_series(1, $2) AS k`,
    [sirens.length, SUMPS_PER_ZONE],
  );
  await tx.query(
    `WITH story AS (
       SELECT s.*, row_number() OVER (ORDER BY s.kind DESC, seed_unit('storm' || s.code)) AS rank
       FROM sensors s),
     peaks AS (
       SELECT st.*,
              0.15 + 0.15 * seed_unit('base' || st.code) AS base_m,
              CASE st.rank WHEN 1 THEN st.critical_m + 0.12 WHEN 2 THEN st.warning_m + 0.06
                           WHEN 3 THEN st.watch_m + 0.05 WHEN 4 THEN st.watch_m + 0.03 END AS peak_m
       FROM story st)
     INSERT INTO sensor_readings (sensor_id, recorded_at, level_m, rain_mm)
     SELECT p.id, $1::timestamptz - (step * $2) * interval '1 minute',
            round((p.base_m + 0.04 * sin(step / 20.0 + p.id)
                   + coalesce(greatest(0, 1 - step * $2 / 360.0) * (p.peak_m - p.base_m), 0))::numeric, 3),
            CASE WHEN p.peak_m IS NOT NULL AND step * $2 < 360
                 THEN round((2 + 12 * seed_unit(p.code || ':' || step))::numeric, 1) ELSE 0 END
     FROM peaks p, generate_series(0, $3 * 60 / $2 - 1) AS step`,
    [now.toISOString(), READING_EVERY_MIN, HOURS],
  );
}
