import { seedCity } from '../city/seed.ts';
import type { WasteSettings } from '../config.ts';
import type { Db, Queryable } from '../db/index.ts';
import { seedFlood } from '../flood/seed.ts';
import { seedParcels } from '../parcels/seed.ts';
import { seedPlan } from '../plan/seed.ts';
import { seedSites } from '../sites/seed.ts';
import { seedTaxRegister } from '../tax/seed.ts';
import { seedWasteNetwork, seedWastePositions } from '../waste/seed.ts';

export interface SeedOptions {
  /** Generated readings and truck positions end at this moment. */
  now: Date;
  /** Multiplies the number of parcels (1 ≈ 30,000), for benchmarks. */
  parcelScale: number;
  /** The rules the trucks' trips and stops are made by (the server's configuration). */
  trips: WasteSettings['trips'];
}

/**
 * Fills an empty database with the Khon Kaen demo data, in one transaction: a half-seeded city
 * is never left behind. Returns false, and changes nothing, if the demo data is already there.
 * The demo accounts come first (ensureDemoAccounts): the construction sites' inspections are theirs.
 *
 * A database made from the prebuilt image (server/seed/image.ts) already holds the part that does
 * not depend on the moment of seeding; what does (the trucks' positions since yesterday, the sensors' last
 * day and the alerts it raised) is seeded here, at its first start, so that it ends now.
 */
export async function seedDemoData(db: Db, options: SeedOptions): Promise<boolean> {
  const seeded = await db.transaction(async (tx) => {
    const lasting = await seedLasting(tx, options.parcelScale);
    // Sensors are never deleted, nor are positions until their month is dropped: none of them
    // means this part was never seeded.
    const [recent] = await tx.query<{ positions: boolean; sensors: boolean }>(
      'SELECT EXISTS (SELECT FROM truck_positions) AS positions, EXISTS (SELECT FROM sensors) AS sensors',
    );
    if (!recent?.positions) await seedWastePositions(tx, options.now, options.trips);
    if (!recent?.sensors) await seedFlood(tx, options.now);
    return { lasting, any: lasting || !recent?.positions || !recent?.sensors };
  });
  // Freshly written rows carry no hint bits and no page is all-visible yet, so each of the first
  // reads rewrites what it touches; the embedded engine never vacuums on its own. Measured on the
  // tax register's zone-scoped reads: 33 s before, 1.8 s after (the vacuum itself: 3.4 s). The
  // image already ships vacuumed (scripts/build-seed.ts), so a start from it does not pay this.
  if (seeded.lasting) await db.exec('VACUUM ANALYZE');
  return seeded.any;
}

/** The part of the demo data that does not depend on when it is seeded: what the image holds. */
export async function seedLastingDemoData(db: Db): Promise<void> {
  await db.transaction((tx) => seedLasting(tx, 1));
}

async function seedLasting(tx: Queryable, parcelScale: number): Promise<boolean> {
  await tx.query('LOCK TABLE municipality IN EXCLUSIVE MODE');
  const [existing] = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM municipality');
  const fresh = (existing?.n ?? 0) === 0;
  if (fresh) {
    await seedCity(tx);
    await seedPlan(tx);
    await seedParcels(tx, parcelScale);
  }
  // Sites, rounds and the tax register came later than the rest (issues 12, 13 and 14): a demo
  // database seeded before them gets them now.
  const sites = await seedSites(tx);
  const rounds = await seedWasteNetwork(tx);
  const register = await seedTaxRegister(tx);
  return fresh || sites || rounds || register;
}
