import { seedCity } from '../city/seed.ts';
import type { Db } from '../db/index.ts';
import { seedFlood } from '../flood/seed.ts';
import { seedParcels } from '../parcels/seed.ts';
import { seedPlan } from '../plan/seed.ts';
import { seedWaste } from '../waste/seed.ts';

export interface SeedOptions {
  /** Generated readings and truck positions end at this moment. */
  now: Date;
  /** Multiplies the number of parcels (1 ≈ 30,000), for benchmarks. */
  parcelScale: number;
}

/**
 * Fills an empty database with the Khon Kaen demo data, in one transaction: a half-seeded city
 * is never left behind. Returns false, and changes nothing, if the city is already there.
 */
export async function seedDemoData(db: Db, options: SeedOptions): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.query('LOCK TABLE municipality IN EXCLUSIVE MODE');
    const [existing] = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM municipality');
    if ((existing?.n ?? 0) > 0) return false;
    await seedCity(tx);
    await seedPlan(tx);
    await seedWaste(tx, options.now);
    await seedFlood(tx, options.now);
    await seedParcels(tx, options.parcelScale);
    return true;
  });
}
