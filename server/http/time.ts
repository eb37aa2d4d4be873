import { z } from 'zod';
import { badRequest } from './errors.ts';

/** How far ahead of the server's clock a device's clock may run before its readings are refused. */
export const CLOCK_SKEW_MS = 5 * 60_000;

/** An instant with its offset, not before 2000. */
export const instant = z.iso.datetime({ offset: true }).refine((s) => Date.parse(s) >= Date.UTC(2000, 0, 1), 'must not be before 2000');

/**
 * Refuses a batch whose items lie in the future of `now` (device clocks go wrong; the server's
 * clock is the one a drill may have moved), naming the first such item's field.
 */
export function refuseFuture(items: readonly { time: string }[], now: Date, field: string): void {
  const ahead = items.findIndex((item) => Date.parse(item.time) > now.getTime() + CLOCK_SKEW_MS);
  if (ahead >= 0) throw badRequest(`${field}.${ahead}.time`, `${field}.${ahead}.time: must be between 2000 and now`);
}
