import { canReadPhotoOriginal, type Viewer } from '../../auth/policy.ts';

/** A photo's row as the site's history and the upload answer both read it. */
export interface PhotoFacts {
  id: string;
  inspection_id: string;
  sha256: string;
  content_type: string;
  bytes: number;
  width: number;
  height: number;
  taken_at: string | null;
  lon: number | null;
  lat: number | null;
  bearing: number | null;
  position_source: 'exif' | 'device' | null;
  /** Metres from the site's works, computed by the database when recorded (site_distance_m). */
  distance_m: number | null;
}

/** A photo as the API describes it to one viewer. */
export interface PhotoMeta extends PhotoFacts {
  /** Taken further than PHOTO_FAR_M from its site's works. */
  far: boolean;
  /** The original (with its EXIF) only for those who may read it. */
  urls: { thumb: string; display: string; original?: string };
}

/** The one place a photo's facts become what `viewer` is told of it, in the site's zone. */
export function describePhoto(viewer: Viewer, zoneId: number | null, farMetres: number, facts: PhotoFacts): PhotoMeta {
  const url = (size: string) => `/api/photos/${facts.id}?size=${size}`;
  // Field by field: a row may carry more (its zone, for the policy) than the API tells.
  const { id, inspection_id, sha256, content_type, bytes, width, height, taken_at, lon, lat, bearing, position_source, distance_m } = facts;
  return {
    id,
    inspection_id,
    sha256,
    content_type,
    bytes,
    width,
    height,
    taken_at,
    lon,
    lat,
    bearing,
    position_source,
    distance_m,
    far: facts.distance_m !== null && facts.distance_m > farMetres,
    urls: { thumb: url('thumb'), display: url('display'), ...(canReadPhotoOriginal(viewer, zoneId) ? { original: url('original') } : {}) },
  };
}
