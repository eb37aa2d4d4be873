import type { Point } from 'geojson';
import type { Queryable } from '../../db/index.ts';
import { queryFeatures } from '../../db/geojson.ts';

export const PICKUP_STATUSES = ['served', 'late', 'missed', 'pending'] as const;

export interface PickupProperties {
  id: number;
  round_id: number;
  round_code: string;
  zone_id: number;
  seq: number;
  kind: string;
  name_th: string;
  name_en: string;
  window_start: string;
  window_end: string;
  status: (typeof PICKUP_STATUSES)[number];
  served_at: string | null;
  dwell_s: number | null;
}

/** When a pickup point counts as served (config.waste.pickup). */
export interface PickupRule {
  radiusM: number;
  dwellS: number;
}

/** The pickup points of the rounds that run on `date` in `zones` (null: all), with their status at `now`. */
export const pickups = (db: Queryable, rule: PickupRule, now: Date, date: string, filter: { zones: number[] | null; zone?: number; round?: number }) =>
  queryFeatures<Point, PickupProperties>(
    db,
    `SELECT pp.id, pp.round_id, r.code AS round_code, r.zone_id, pp.seq, pp.kind, pp.name_th, pp.name_en,
            to_char(r.window_start, 'HH24:MI') AS window_start, to_char(r.window_end, 'HH24:MI') AS window_end,
            v.status, to_char(v.served_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS served_at,
            round(v.dwell_s)::int AS dwell_s, pp.geom
     FROM pickup_visits($1::date, $2, $3, $4) AS v
     JOIN pickup_points pp ON pp.id = v.point_id
     JOIN rounds r ON r.id = v.round_id
     WHERE ($5::int[] IS NULL OR r.zone_id = ANY ($5::int[]))
       AND ($6::int IS NULL OR r.zone_id = $6) AND ($7::int IS NULL OR r.id = $7)
     ORDER BY r.id, pp.seq`,
    [date, now.toISOString(), rule.radiusM, rule.dwellS, filter.zones, filter.zone ?? null, filter.round ?? null],
  );

export interface SummaryRow {
  zone_id: number;
  round_id?: number;
  round_code?: string;
  served: number;
  late: number;
  missed: number;
  pending: number;
  total: number;
  served_pct: number | null;
}

/**
 * Points served, late, missed and pending from `from` to `to` (Bangkok dates, both included), by
 * zone (every zone, with zeros where no round ran) or by round (in `zones`); served_pct is of the
 * points whose outcome is known (pending ones are not yet).
 */
export async function summary(
  db: Queryable,
  rule: PickupRule,
  now: Date,
  from: string,
  to: string,
  by: 'zone' | 'round',
  zones: number[] | null,
): Promise<SummaryRow[]> {
  const rows = await db.query<SummaryRow>(
    `WITH visits AS (
       SELECT v.* FROM generate_series($1::date, $2::date, interval '1 day') AS d,
            LATERAL pickup_visits(d::date, $3, $4, $5) AS v),
     groups AS (
       SELECT z.id AS zone_id, r.id AS round_id, r.code AS round_code
       FROM zones z LEFT JOIN rounds r ON r.zone_id = z.id AND $6 = 'round'
       WHERE $7::int[] IS NULL OR z.id = ANY ($7::int[]))
     SELECT g.zone_id, g.round_id, g.round_code,
            count(*) FILTER (WHERE v.status = 'served')::int AS served,
            count(*) FILTER (WHERE v.status = 'late')::int AS late,
            count(*) FILTER (WHERE v.status = 'missed')::int AS missed,
            count(*) FILTER (WHERE v.status = 'pending')::int AS pending,
            count(v.status)::int AS total,
            round(100.0 * count(*) FILTER (WHERE v.status = 'served')
                  / nullif(count(*) FILTER (WHERE v.status IN ('served', 'late', 'missed')), 0), 1)::float8 AS served_pct
     FROM groups g
     LEFT JOIN rounds r ON r.zone_id = g.zone_id AND (g.round_id IS NULL OR r.id = g.round_id)
     LEFT JOIN visits v ON v.round_id = r.id
     GROUP BY g.zone_id, g.round_id, g.round_code
     ORDER BY g.zone_id, g.round_id`,
    [from, to, now.toISOString(), rule.radiusM, rule.dwellS, by, by === 'round' ? zones : null],
  );
  return by === 'round' ? rows : rows.map(({ round_id: _, round_code: __, ...row }) => row);
}
