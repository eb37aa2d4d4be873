import { distance, point, pointToLineDistance, pointToPolygonDistance } from '@turf/turf';
import type { Feature, Geometry, Point } from 'geojson';

const units = { units: 'meters' } as const;

function metresTo(here: Feature<Point>, g: Geometry): number {
  switch (g.type) {
    case 'Point':
      return distance(here, g, units);
    case 'MultiPoint':
      return Math.min(...g.coordinates.map((c) => distance(here, c, units)));
    case 'LineString':
      return pointToLineDistance(here, g, units);
    case 'MultiLineString':
      return Math.min(...g.coordinates.map((line) => pointToLineDistance(here, { type: 'LineString', coordinates: line }, units)));
    case 'Polygon':
    case 'MultiPolygon':
      // Negative inside: a photo inside the works is at the works.
      return Math.max(0, pointToPolygonDistance(here, g, units));
    case 'GeometryCollection':
      return Math.min(...g.geometries.map((part) => metresTo(here, part)));
  }
}

/**
 * Metres from a point to a site's works, in the browser, so that a photo taken far away is
 * flagged before it is sent, with or without a network. Like the server's `site_distance_m`
 * (PostGIS geography `ST_Distance`): 0 inside an area, else to the nearest part. The server
 * computes it again when the photo arrives; its `far` flag is the one that counts.
 *
 * Loaded only once a photo has a position (web/sites/PhotoList.tsx): turf stays out of the
 * workspace's first frame.
 */
export function metresToSite(lon: number, lat: number, site: Geometry): number {
  return metresTo(point([lon, lat]), site);
}
