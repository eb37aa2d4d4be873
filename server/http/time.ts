import { z } from 'zod';
import { badRequest } from './errors.ts';

/** How far ahead of the server's clock a device's clock may run before its readings are refused. */
const CLOCK_SKEW_MS = 5 * 60_000;

/** An instant with its offset, not before 2000. */
export const instant = z.iso.datetime({ offset: true }).refine((s) => Date.parse(s) >= Date.UTC(2000, 0, 1), 'must not be before 2000');

/**
 * Refuses a batch whose items lie in the future of `now` (device clocks go wrong; the server's
 * clock is the one a drill may have moved), or, given a horizon, further back than it, naming
 * the first such item's field. Nothing of the batch is written then.
 */
export function refuseFuture(items: readonly { time: string }[], now: Date, field: string, horizonMs = Infinity): void {
  const oldest = now.getTime() - horizonMs;
  const wrong = items.findIndex((item) => {
    const at = Date.parse(item.time);
    return at > now.getTime() + CLOCK_SKEW_MS || at < oldest;
  });
  if (wrong < 0) return;
  const since = Number.isFinite(oldest) ? new Date(oldest).toISOString() : '2000';
  throw badRequest(`${field}.${wrong}.time`, `${field}.${wrong}.time: must be between ${since} and now`);
}
