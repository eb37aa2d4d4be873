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
 * are purged): now, and every hour after, in the background. Start-up does not wait for it (2 s
 * over the demo's 90,000 bills on the embedded engine, where the demo's own statuses are already
 * right); a failure is logged and the next hour tries again. Payments refresh their own parcel.
 */
export function startTaxStatus(db: Db, clock: Clock): { stop(): Promise<void> } {
  let underway: Promise<void> | null = null;
  const refresh = () => {
    // One at a time: a refresh still running an hour later means the database is struggling.
    underway ??= (async () => {
      const today = bangkokDate(clock.now());
      await refreshTaxStatus(db, taxYearOn(today), today, null);
    })()
      .catch((error: unknown) => logError('tax status refresh failed', error))
      .finally(() => {
        underway = null;
      });
  };
  refresh();
  const timer = setInterval(refresh, REFRESH_MS);
  // Never keeps the process alive on its own.
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await underway;
    },
  };
}
