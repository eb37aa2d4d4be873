import city from '../../data/khonkaen/city.json' with { type: 'json' };
import type { Queryable } from '../db/index.ts';
import { utcIso } from '../db/sql.ts';
import { evaluateReadings } from './engine.ts';

const SUMPS_PER_ZONE = 4;
const READING_EVERY_MIN = 10;
const HOURS = 24;

/**
 * Sensors at the 8 siren points (former flood sites, me_report.md §6) and drainage-sump gauges
 * in every zone, with thresholds and 24 hours of readings up to `now`. The readings tell one
 * deterministic story: a storm over the last six hours has pushed one siren point to critical,
 * one to warning and two gauges to watch, while the rest stay normal. The alert rules run over
 * that history as if it had just arrived, so the desk opens with the storm's alerts on its wall.
 *
 * Also generated (no such data exists): each sump's drainage catchment, the Voronoi cell of the
 * sumps within the municipality, and the contacts and escalation chains, with fictitious names
 * and LINE ids but the municipality's real positions (Office of the Municipal Clerk).
 */
export async function seedFlood(tx: Queryable, now: Date): Promise<void> {
  const sirens = city.flood_sirens;
  await tx.query(
    `INSERT INTO sensors (id, code, kind, name_th, name_en, zone_id, reference, reference_m,
                          watch_rel_m, warning_rel_m, critical_rel_m, geom)
     SELECT n, s.code, 'siren', 'หอเตือนภัย ' || s.name_th, 'Siren point, ' || s.name_en,
            (SELECT z.id FROM zones z ORDER BY z.geom <-> ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326), z.id LIMIT 1),
            'road', round((1.1 + 0.2 * seed_unit(s.code))::numeric, 2), -0.6, -0.3, 0,
            ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326)
     FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::float8[]) WITH ORDINALITY
          AS s(code, name_th, name_en, lon, lat, n)`,
    [sirens.map((s) => s.code), sirens.map((s) => s.name_th), sirens.map((s) => s.name_en), sirens.map((s) => s.at[0]), sirens.map((s) => s.at[1])],
  );
  await tx.query(
    `WITH land AS MATERIALIZED (SELECT id, dry_land(geom) AS geom FROM zones) -- once per zone, not per sump
     INSERT INTO sensors (id, code, kind, name_th, name_en, zone_id, reference, reference_m,
                          watch_rel_m, warning_rel_m, critical_rel_m, geom)
     SELECT $1 + (z.id - 1) * $2 + k, 'WL' || z.id || lpad(k::text, 2, '0'), 'sump',
            'บ่อพักน้ำ เขต ' || z.id || ' จุดที่ ' || k, 'Drainage sump, zone ' || z.id || ' #' || k,
            z.id, 'bank', 1.8, -0.8, -0.4, 0, ST_GeometryN(seed_points(z.geom, 1, 'sump' || z.id || ':' || k), 1)
     FROM land z, generate_series(1, $2) AS k`,
    [sirens.length, SUMPS_PER_ZONE],
  );
  await tx.query("SELECT ensure_monthly_partitions('sensor_readings', $1::timestamptz - $2 * interval '1 hour', $1::timestamptz)", [now.toISOString(), HOURS]);
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
  await seedCatchments(tx);
  await seedContacts(tx);
  const readings = await tx.query<{ sensor_id: number; time: string; level_m: number; rain_mm: number | null }>(
    `SELECT sensor_id::int AS sensor_id, ${utcIso('recorded_at')} AS time, level_m, rain_mm
     FROM sensor_readings ORDER BY sensor_id, recorded_at`,
  );
  const bySensor = new Map<number, typeof readings>();
  for (const r of readings) bySensor.set(r.sensor_id, [...(bySensor.get(r.sensor_id) ?? []), r]);
  for (const [sensorId, series] of bySensor) {
    await evaluateReadings(
      tx,
      sensorId,
      series.map((r) => ({ time: new Date(r.time), level_m: r.level_m, rain_mm: r.rain_mm, battery_v: null })),
      now,
    );
  }
}

async function seedCatchments(tx: Queryable): Promise<void> {
  await tx.query(
    `INSERT INTO sensor_catchments (sensor_id, geom)
     SELECT s.id, ST_Multi(ST_CollectionExtract(ST_Intersection(cell.geom, m.geom, 1e-9), 3))
     FROM (SELECT (ST_Dump(ST_VoronoiPolygons(ST_Collect(geom)))).geom AS geom FROM sensors WHERE kind = 'sump') AS cell
     JOIN sensors s ON s.kind = 'sump' AND ST_Intersects(cell.geom, s.geom)
     CROSS JOIN municipality m`,
  );
}

/** The duty officer first, then the section head, then the Municipal Clerk; zone 1 has its own first step. */
async function seedContacts(tx: Queryable): Promise<void> {
  await tx.query(
    `INSERT INTO flood_contacts (id, name, position, channel, address, quiet_from, quiet_to)
     SELECT id, name, position, channel, CASE channel WHEN 'line' THEN 'U' || md5(name) ELSE address END, quiet_from, quiet_to
     FROM (VALUES
       (1, 'ประสิทธิ์ ศรีสุข', 'เจ้าหน้าที่เวรศูนย์ป้องกันและบรรเทาสาธารณภัย', 'line', NULL, NULL::time, NULL::time),
       (2, 'วิภาวรรณ แก้วมณี', 'หัวหน้าฝ่ายป้องกันและบรรเทาสาธารณภัย สำนักปลัดเทศบาล', 'line', NULL, '22:00', '06:00'),
       (3, 'ศูนย์วิทยุสื่อสาร เทศบาลนครขอนแก่น', 'ปลัดเทศบาล (ผ่านศูนย์วิทยุ)', 'webhook', 'http://127.0.0.1:9/radio-room', NULL, NULL),
       (4, 'ธนากร บุญมา', 'เจ้าหน้าที่เวร เขต 1', 'line', NULL, NULL, NULL)
     ) AS c(id, name, position, channel, address, quiet_from, quiet_to)`,
  );
  await tx.query(`SELECT setval(pg_get_serial_sequence('flood_contacts', 'id'), 4)`);
  await tx.query(
    `INSERT INTO escalation_steps (zone_id, step, contact_id, ack_within_s) VALUES
       (NULL, 0, 1, 600), (NULL, 1, 2, 900), (NULL, 2, 3, 1800),
       (1, 0, 4, 600), (1, 1, 2, 900), (1, 2, 3, 1800)`,
  );
}
