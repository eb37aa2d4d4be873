import { bangkokDate, type Clock } from '../clock.ts';
import type { Db } from '../db/index.ts';
import { logError } from '../failures.ts';
import { refreshTaxStatus } from './queries/bills.ts';
import { taxYearOn } from './taxYear.ts';

/** A bill becomes overdue the day after its due date: once an hour finds it within the hour. */
const REFRESH_MS = 3600_000;

/**
 * Keeps parcels.tax_status, the current year's status the tax roles' tiles colour by, right as
 * days pass (refresh_tax_status writes only the rows whose status changed, so only their tiles
 * are purged). Once now (start-up waits for it: the first tiles are right) and every hour, in the
 * background; a failure is logged and the next hour tries again. Payments refresh their own parcel.
 */
export async function startTaxStatus(db: Db, clock: Clock): Promise<{ stop(): Promise<void> }> {
  const refresh = async () => {
    const today = bangkokDate(clock.now());
    await refreshTaxStatus(db, taxYearOn(today), today, null);
  };
  await refresh().catch((error: unknown) => logError('tax status refresh failed', error));
  let underway: Promise<void> | null = null;
  const timer = setInterval(() => {
    // One at a time: an hour is long enough that a refresh still running means the database is struggling.
    underway ??= refresh()
      .catch((error: unknown) => logError('tax status refresh failed', error))
      .finally(() => {
        underway = null;
      });
  }, REFRESH_MS);
  // Never keeps the process alive on its own.
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await underway;
    },
  };
}
