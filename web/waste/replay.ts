import type { TruckDay } from '../api/client.ts';

/** Where the truck was at `t` (epoch s): between two fixes, on the straight line joining them. */
export interface Fix {
  t: number;
  lon: number;
  lat: number;
  speed_kmh: number;
  /** Compass heading, clockwise from north, from the fixes around `t`. */
  heading_deg: number;
  /** The fix at or before `t`. */
  index: number;
}

/** The last index whose time is at or before `t` (0 before the first). */
function fixIndexAt(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length - 1;
  if (hi < 0 || t <= times[0]!) return 0;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (times[mid]! <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function bearing(lon1: number, lat1: number, lon2: number, lat2: number): number | null {
  if (lon1 === lon2 && lat1 === lat2) return null;
  const toRad = Math.PI / 180;
  const y = Math.sin((lon2 - lon1) * toRad) * Math.cos(lat2 * toRad);
  const x = Math.cos(lat1 * toRad) * Math.sin(lat2 * toRad) - Math.sin(lat1 * toRad) * Math.cos(lat2 * toRad) * Math.cos((lon2 - lon1) * toRad);
  return (((Math.atan2(y, x) / toRad) % 360) + 360) % 360;
}

/** The truck at `t`, null for a day without fixes. */
export function fixAt(track: TruckDay['track'], t: number): Fix | null {
  const n = track.t.length;
  if (n === 0) return null;
  const i = fixIndexAt(track.t, t);
  const j = Math.min(i + 1, n - 1);
  const t0 = track.t[i]!;
  const t1 = track.t[j]!;
  const f = j === i || t1 === t0 ? 0 : Math.min(1, Math.max(0, (t - t0) / (t1 - t0)));
  const lon = track.lon[i]! + (track.lon[j]! - track.lon[i]!) * f;
  const lat = track.lat[i]! + (track.lat[j]! - track.lat[i]!) * f;
  // Standing still, a truck keeps facing where it last drove.
  let heading = 0;
  for (let k = j; k > 0; k--) {
    const b = bearing(track.lon[k - 1]!, track.lat[k - 1]!, track.lon[k]!, track.lat[k]!);
    if (b !== null) {
      heading = b;
      break;
    }
  }
  return { t, lon, lat, speed_kmh: track.speed_kmh[i]!, heading_deg: heading, index: i };
}

/** The replay's speeds: a day is 24 h, and 60× still takes 24 minutes to watch. */
export const SPEEDS = [1, 5, 10, 30, 60] as const;
export type Speed = (typeof SPEEDS)[number];

/** "2 ชม. 05 นาที" / "2 h 05 min"; under an hour, minutes only. */
export function formatDuration(seconds: number, lang: 'th' | 'en'): string {
  const minutes = Math.round(seconds / 60);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return lang === 'th' ? `${m} นาที` : `${m} min`;
  const mm = String(m).padStart(2, '0');
  return lang === 'th' ? `${h} ชม. ${mm} นาที` : `${h} h ${mm} min`;
}
