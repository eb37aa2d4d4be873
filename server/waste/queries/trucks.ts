import type { Point } from 'geojson';
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
}

/** Each truck at its latest reported position. */
export const latestTruckPositions = (db: Queryable) =>
  queryFeatures<Point, TruckProperties>(
    db,
    `
    SELECT t.id, t.code, t.plate, t.name_th, t.name_en, t.zone_id,
           to_char(p.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS recorded_at,
           p.speed_kmh::float8 AS speed_kmh, p.heading_deg::float8 AS heading_deg,
           CASE WHEN p.recorded_at < now() - interval '10 minutes' THEN 'offline'
                WHEN p.speed_kmh > 0 THEN 'moving' ELSE 'stopped' END AS state, p.geom
    FROM trucks t
    JOIN LATERAL (
      SELECT * FROM truck_positions tp WHERE tp.truck_id = t.id ORDER BY tp.recorded_at DESC LIMIT 1
    ) AS p ON true
    ORDER BY t.id`,
  );
