import type { Point } from 'geojson';
import city from '../../../data/khonkaen/city.json' with { type: 'json' };
import type { WasteSettings } from '../../config.ts';
import type { Queryable } from '../../db/index.ts';
import { queryFeatures } from '../../db/geojson.ts';

/** What a truck is doing, derived from its positions (never reported); the web app's legend imports the list too. */
export const TRUCK_STATES = ['moving', 'stopped', 'depot', 'offline'] as const;

export interface TruckProperties {
  id: number;
  code: string;
  plate: string;
  name_th: string;
  name_en: string;
  zone_id: number;
  recorded_at: string;
  speed_kmh: number;
  heading_deg: number;
  state: (typeof TRUCK_STATES)[number];
  /** The round it drives today whose window holds now, else its next one today. */
  round: { id: number; code: string } | null;
}

/** What a truck's state is judged by: the settings, the city's depot and the server's "now". */
export interface TruckRules {
  now: Date;
  offlineMinutes: number;
  depotRadiusM: number;
  motionKmh: number;
  /** The depot's [lon, lat] (city.json): a parameter, so the distance is measured in SQL. */
  depot: readonly number[];
}

export const truckRules = (waste: WasteSettings, now: Date): TruckRules => ({
  now,
  offlineMinutes: waste.offlineMinutes,
  depotRadiusM: waste.depotRadiusM,
  motionKmh: waste.trips.motionKmh,
  depot: city.waste_depot.at,
});

/**
 * Each truck (or one, `truckId`) at its latest position, with its state and round of the day.
 * Offline is judged by the server's clock (`rules.now`: a manual clock in drills and tests),
 * never the database's now(). A truck that never reported is not listed: it has no position.
 */
export const trucksNow = (db: Queryable, rules: TruckRules, truckId: number | null = null) =>
  queryFeatures<Point, TruckProperties>(
    db,
    // TODO(lead, at MOTION's merge): read the latest fix and `moving` from truck_state (MOTION
    // maintains it at ingest) instead of each truck's latest position and its speed.
    `
    SELECT t.id, t.code, t.plate, t.name_th, t.name_en, t.zone_id,
           to_char(p.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS recorded_at,
           p.speed_kmh::float8 AS speed_kmh, p.heading_deg::float8 AS heading_deg,
           CASE WHEN p.recorded_at < $1::timestamptz - make_interval(mins => $2::int) THEN 'offline'
                WHEN ST_DWithin(p.geom::geography, ST_SetSRID(ST_MakePoint($4, $5), 4326)::geography, $3) THEN 'depot'
                WHEN p.speed_kmh > $6 THEN 'moving' ELSE 'stopped' END AS state,
           CASE WHEN r.id IS NULL THEN NULL ELSE json_build_object('id', r.id, 'code', r.code) END AS round,
           p.geom
    FROM trucks t
    JOIN LATERAL (
      SELECT * FROM truck_positions tp WHERE tp.truck_id = t.id ORDER BY tp.recorded_at DESC LIMIT 1
    ) AS p ON true
    CROSS JOIN LATERAL (SELECT $1::timestamptz AT TIME ZONE 'Asia/Bangkok' AS local) AS bangkok
    LEFT JOIN LATERAL (
      -- Today's rounds not over yet: the one under way first, else the next to start.
      SELECT r.id, r.code FROM rounds r
      WHERE r.truck_id = t.id AND extract(isodow FROM bangkok.local)::smallint = ANY (r.days) AND r.window_end > bangkok.local::time
      ORDER BY r.window_start <= bangkok.local::time DESC, r.window_start
      LIMIT 1
    ) AS r ON true
    WHERE $7::int IS NULL OR t.id = $7
    ORDER BY t.id`,
    [rules.now.toISOString(), rules.offlineMinutes, rules.depotRadiusM, rules.depot[0], rules.depot[1], rules.motionKmh, truckId],
  );
