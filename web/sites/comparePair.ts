import { distance } from '@turf/turf';

/** What the proposal needs of a photo: where it was taken, which way, and on which day. */
export interface PlacedPhoto {
  id: string;
  lon: number | null;
  lat: number | null;
  bearing: number | null;
  /** The Bangkok calendar day it was taken (or its inspection's). */
  day: string;
}

/** Degrees between two compass bearings, 0–180. */
export function bearingGap(a: number, b: number): number {
  const gap = Math.abs(a - b) % 360;
  return gap > 180 ? 360 - gap : gap;
}

/**
 * Metres a degree of bearing is worth: two photos 10 m apart facing the same way show more of
 * the same scene than two from one spot 60° apart. An unknown bearing counts as a quarter turn.
 */
const METRES_PER_DEGREE = 0.5;
const UNKNOWN_GAP = 90;

export interface Counterpart<P extends PlacedPhoto> {
  photo: P;
  metres: number;
  /** null: a bearing is unknown. */
  degrees: number | null;
}

/**
 * The photo of another day taken from nearest the same spot, facing nearest the same way, as
 * `photo`: its before or after. Ties go to the nearest day (the visit before or after). Null when
 * `photo` has no position or no other day's photo has one.
 */
export function proposeCounterpart<P extends PlacedPhoto>(photo: P, photos: readonly P[]): Counterpart<P> | null {
  if (photo.lon === null || photo.lat === null) return null;
  const from: [number, number] = [photo.lon, photo.lat];
  let best: (Counterpart<P> & { score: number; days: number }) | null = null;
  for (const other of photos) {
    if (other.day === photo.day || other.lon === null || other.lat === null) continue;
    const metres = distance(from, [other.lon, other.lat], { units: 'meters' });
    const degrees = photo.bearing === null || other.bearing === null ? null : bearingGap(photo.bearing, other.bearing);
    const score = metres + (degrees ?? UNKNOWN_GAP) * METRES_PER_DEGREE;
    const days = Math.abs(Date.parse(other.day) - Date.parse(photo.day));
    if (!best || score < best.score - 1e-9 || (Math.abs(score - best.score) <= 1e-9 && days < best.days)) {
      best = { photo: other, metres, degrees, score, days };
    }
  }
  return best && { photo: best.photo, metres: best.metres, degrees: best.degrees };
}
