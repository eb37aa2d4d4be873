import type { Point } from 'geojson';
import type { Queryable } from '../db/index.ts';
import { queryFeatures } from '../db/geojson.ts';

/** What a truck reports it is doing; the web app's legend imports the list too. */
export const TRUCK_STATUSES = ['collecting', 'driving', 'idle', 'depot'] as const;

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
  status: (typeof TRUCK_STATUSES)[number];
}

/** Each truck at its latest reported position. */
export const latestTruckPositions = (db: Queryable) =>
  queryFeatures<Point, TruckProperties>(
    db,
    `
    SELECT t.id, t.code, t.plate, t.name_th, t.name_en, t.zone_id,
           to_char(p.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS recorded_at,
           p.speed_kmh::float8 AS speed_kmh, p.heading_deg::float8 AS heading_deg, p.status, p.geom
    FROM trucks t
    JOIN LATERAL (
      SELECT * FROM truck_positions tp WHERE tp.truck_id = t.id ORDER BY tp.recorded_at DESC LIMIT 1
    ) AS p ON true
    ORDER BY t.id`,
  );

export interface Position {
  time: string;
  lon: number;
  lat: number;
  speed_kmh: number;
  heading_deg: number;
  status: TruckProperties['status'];
}

/** Stores a truck's GPS fixes; a fix already stored for that truck and time is kept as it was. */
export async function insertPositions(db: Queryable, truckId: number, positions: Position[]): Promise<number> {
  const [row] = await db.query<{ inserted: number }>(
    `WITH added AS (
       INSERT INTO truck_positions (truck_id, recorded_at, speed_kmh, heading_deg, status, geom)
       SELECT $1, p.time, p.speed_kmh, p.heading_deg, p.status, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)
       FROM unnest($2::timestamptz[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::text[])
         AS p(time, lon, lat, speed_kmh, heading_deg, status)
       ON CONFLICT (truck_id, recorded_at) DO NOTHING
       RETURNING 1)
     SELECT count(*)::int AS inserted FROM added`,
    [
      truckId,
      positions.map((p) => p.time),
      positions.map((p) => p.lon),
      positions.map((p) => p.lat),
      positions.map((p) => p.speed_kmh),
      positions.map((p) => p.heading_deg),
      positions.map((p) => p.status),
    ],
  );
  return row?.inserted ?? 0;
}
