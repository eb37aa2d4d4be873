/**
 * Where the server reads "now" for anything with a deadline (alert escalation, offline
 * sensors, quiet hours). Tests and drills run on a manual clock they can move forward.
 */
export interface Clock {
  now(): Date;
  /** Only a manual clock can be moved; the system clock says so by being `null` here. */
  readonly manual: ManualClock | null;
}

export const systemClock: Clock = { now: () => new Date(), manual: null };

/** Real time plus an offset that only grows: time passes as usual and can be skipped ahead. */
export class ManualClock implements Clock {
  private offsetMs = 0;
  readonly manual = this;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(seconds: number): Date {
    this.offsetMs += seconds * 1000;
    return this.now();
  }
}

/** Thailand keeps UTC+7 all year (no daylight saving), so a fixed offset is exact. */
const BANGKOK_OFFSET_MS = 7 * 3600_000;
/** The offset as ISO 8601 and EXIF write it. */
export const BANGKOK_OFFSET = '+07:00';

/**
 * The wall-clock time in Bangkok at `instant`, as a Date whose UTC fields read Bangkok's
 * (getUTCHours() is the hour on a Khon Kaen clock): for dates, times of day and captions.
 */
export const bangkokWallClock = (instant: Date): Date => new Date(instant.getTime() + BANGKOK_OFFSET_MS);

/** The date in Bangkok at `instant`, YYYY-MM-DD: "today" for the sites' lateness. */
export const bangkokDate = (instant: Date): string => bangkokWallClock(instant).toISOString().slice(0, 10);
