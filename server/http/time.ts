import { z } from 'zod';

/** How far ahead of the server's clock a device's clock may run before its readings are refused. */
const CLOCK_SKEW_MS = 5 * 60_000;

/** An instant with its offset, not before 2000 and not in the future: device clocks go wrong. */
export const pastInstant = z.iso.datetime({ offset: true }).refine((s) => {
  const t = Date.parse(s);
  return t >= Date.UTC(2000, 0, 1) && t <= Date.now() + CLOCK_SKEW_MS;
}, 'must be between 2000 and now');
