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
