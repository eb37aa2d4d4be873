import { bangkokWallClock } from '../../clock.ts';

const DAY_MS = 86_400_000;

/** "HH:MM[:SS]" to milliseconds after midnight. */
const timeOfDay = (hhmm: string): number => {
  const [h = 0, m = 0, s = 0] = hhmm.split(':').map(Number);
  return ((h * 60 + m) * 60 + s) * 1000;
};

/**
 * When a notification may be delivered to a contact with quiet hours (Bangkok time, possibly
 * across midnight, e.g. 22:00–06:00): at once outside them, at their end inside them. Red is
 * never held back: a critical level reaches someone at 3 a.m.
 */
export function deliverAt(now: Date, severity: string, quiet: { from: string; to: string } | null): Date {
  if (!quiet || severity === 'critical') return now;
  const local = bangkokWallClock(now).getTime();
  const sinceMidnight = ((local % DAY_MS) + DAY_MS) % DAY_MS;
  const from = timeOfDay(quiet.from);
  const to = timeOfDay(quiet.to);
  if (from === to) return now;
  const inside = from < to ? sinceMidnight >= from && sinceMidnight < to : sinceMidnight >= from || sinceMidnight < to;
  if (!inside) return now;
  const untilEnd = (to - sinceMidnight + DAY_MS) % DAY_MS;
  return new Date(now.getTime() + untilEnd);
}
