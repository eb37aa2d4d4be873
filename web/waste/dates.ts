import { BANGKOK_OFFSET_MS } from '../i18n/format.ts';

/** Today's date on the Bangkok calendar, as the API's `date` parameters take it (YYYY-MM-DD). */
export const bangkokToday = (now = Date.now()): string => new Date(now + BANGKOK_OFFSET_MS).toISOString().slice(0, 10);

/** The day `days` after `date` (YYYY-MM-DD); calendar arithmetic, so no clock is involved. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The Monday of the week holding `date` (Thai offices count weeks from Monday, as ISO does). */
export function mondayOf(date: string): string {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(date, -((weekday + 6) % 7));
}

export const isDate = (value: string | null): value is string => value !== null && /^\d{4}-\d{2}-\d{2}$/.test(value);
