import type { Geometry, Position } from 'geojson';

/** The point half-way along a line, by length (degrees are near enough square within a city). */
function midway(line: Position[]): Position | null {
  if (line.length === 0) return null;
  const lengths = line.slice(1).map((p, i) => Math.hypot(p[0]! - line[i]![0]!, p[1]! - line[i]![1]!));
  let left = lengths.reduce((a, b) => a + b, 0) / 2;
  for (const [i, length] of lengths.entries()) {
    if (length > 0 && left <= length) {
      const t = left / length;
      const [a, b] = [line[i]!, line[i + 1]!];
      return [a[0]! + (b[0]! - a[0]!) * t, a[1]! + (b[1]! - a[1]!) * t];
    }
    left -= length;
  }
  return line[0]!;
}

/** The mean of a ring's corners (its closing point counted once): inside any roughly convex plot. */
function middleOf(ring: Position[]): Position | null {
  const corners = ring.length > 1 ? ring.slice(0, -1) : ring;
  if (corners.length === 0) return null;
  return [corners.reduce((sum, p) => sum + p[0]!, 0) / corners.length, corners.reduce((sum, p) => sum + p[1]!, 0) / corners.length];
}

/**
 * Where a site's symbol goes: the works themselves for a point, half-way along a road or drain,
 * the middle of a building plot; the first part of a multi-part work. Null without a geometry.
 */
export function siteAnchor(geometry: Geometry | null): Position | null {
  switch (geometry?.type) {
    case 'Point':
      return geometry.coordinates;
    case 'MultiPoint':
      return geometry.coordinates[0] ?? null;
    case 'LineString':
      return midway(geometry.coordinates);
    case 'MultiLineString':
      return midway(geometry.coordinates[0] ?? []);
    case 'Polygon':
      return middleOf(geometry.coordinates[0] ?? []);
    case 'MultiPolygon':
      return middleOf(geometry.coordinates[0]?.[0] ?? []);
    default:
      return null;
  }
}
