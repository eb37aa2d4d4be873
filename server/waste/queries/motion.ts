import type { WasteSettings } from '../../config.ts';
import type { Queryable } from '../../db/index.ts';

/**
 * Advances a truck's trips and stops over its positions not processed yet (017_truck_motion.sql),
 * in the caller's transaction: the ingest after storing a batch, the seed after its positions.
 * `since`, the earliest fix just stored, rewinds the state machine when it is older than the last
 * fix processed (late or out-of-order data). Returns how many fixes were processed.
 */
export async function advanceMotion(tx: Queryable, truckId: number, rules: WasteSettings['trips'], since?: string): Promise<number> {
  const [row] = await tx.query<{ processed: number }>('SELECT advance_truck_motion($1::smallint, $2, $3, $4, $5, $6, $7) AS processed', [
    truckId,
    since ?? null,
    rules.minDistanceM,
    rules.minDurationS,
    rules.minParkingS,
    rules.gapS,
    rules.motionKmh,
  ]);
  return row?.processed ?? 0;
}

/**
 * Drops the months of positions older than the city keeps (retention_cutoff, as for sensor
 * readings) and the trips and stops that ended before them; the open segment and each truck's
 * latest state stay whatever their age. Returns the partitions dropped.
 */
export async function dropOldPositions(tx: Queryable, now: Date, keepMonths: number): Promise<string[]> {
  await tx.query('DELETE FROM truck_segments WHERE NOT open AND ended_at < retention_cutoff($1, $2)', [now.toISOString(), keepMonths]);
  const [row] = await tx.query<{ dropped: string[] }>("SELECT drop_monthly_partitions('truck_positions', retention_cutoff($1, $2)) AS dropped", [
    now.toISOString(),
    keepMonths,
  ]);
  return row?.dropped ?? [];
}
