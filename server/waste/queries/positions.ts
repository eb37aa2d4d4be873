import type { Queryable } from '../../db/index.ts';

export interface Position {
  time: string;
  lon: number;
  lat: number;
  speed_kmh: number;
  heading_deg: number;
}

/** Stores a truck's GPS fixes; a fix already stored for that truck and time is kept as it was. */
export async function insertPositions(db: Queryable, truckId: number, positions: Position[]): Promise<number> {
  const times = positions.map((p) => p.time);
  await db.query("SELECT ensure_monthly_partitions('truck_positions', min(t), max(t)) FROM unnest($1::timestamptz[]) AS t", [times]);
  const [row] = await db.query<{ inserted: number }>(
    `WITH added AS (
       INSERT INTO truck_positions (truck_id, recorded_at, speed_kmh, heading_deg, geom)
       SELECT $1, p.time, p.speed_kmh, p.heading_deg, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)
       FROM unnest($2::timestamptz[], $3::float8[], $4::float8[], $5::float8[], $6::float8[])
         AS p(time, lon, lat, speed_kmh, heading_deg)
       ON CONFLICT (truck_id, recorded_at) DO NOTHING
       RETURNING 1)
     SELECT count(*)::int AS inserted FROM added`,
    [truckId, times, positions.map((p) => p.lon), positions.map((p) => p.lat), positions.map((p) => p.speed_kmh), positions.map((p) => p.heading_deg)],
  );
  return row?.inserted ?? 0;
}
