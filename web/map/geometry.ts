import type { Geometry, Position } from 'geojson';

export type BBox = [number, number, number, number];

function visit(coords: unknown, box: BBox): void {
  if (Array.isArray(coords) && typeof coords[0] === 'number') {
    const [x, y] = coords as Position;
    if (x === undefined || y === undefined) return;
    if (x < box[0]) box[0] = x;
    if (y < box[1]) box[1] = y;
    if (x > box[2]) box[2] = x;
    if (y > box[3]) box[3] = y;
  } else if (Array.isArray(coords)) {
    for (const child of coords) visit(child, box);
  }
}

/** Bounding box of any geometry; a whole turf import for this one thing would triple the bundle math. */
export function geometryBBox(geometry: Geometry | null | undefined): BBox | null {
  if (!geometry) return null;
  const box: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  if (geometry.type === 'GeometryCollection') {
    for (const part of geometry.geometries) {
      const partBox = geometryBBox(part);
      if (partBox) visit([[partBox[0], partBox[1]], [partBox[2], partBox[3]]], box);
    }
  } else {
    visit(geometry.coordinates, box);
  }
  return Number.isFinite(box[0]) ? box : null;
}
