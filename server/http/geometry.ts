import type { Geometry } from 'geojson';
import { z } from 'zod';
import { geometryValidity } from '../db/geojson.ts';
import type { Queryable } from '../db/index.ts';
import { badRequest } from './errors.ts';

/** Thailand's extent, with a margin: a coordinate outside it is a mistake (often lat/lon swapped). */
export const THAILAND = { minLon: 97.3, maxLon: 105.7, minLat: 5.6, maxLat: 20.5 } as const;
const MAX_VERTICES = 5000;

// Exactly [lon, lat]: the columns are 2-D, and PostGIS refuses a height (or a measure) there.
const lonLat = z.tuple([z.number(), z.number()], { error: 'a position is [longitude, latitude], two numbers' }).superRefine(([lon, lat], ctx) => {
  if (lon < THAILAND.minLon || lon > THAILAND.maxLon || lat < THAILAND.minLat || lat > THAILAND.maxLat) {
    ctx.addIssue({
      code: 'custom',
      message: `[${lon}, ${lat}] is outside Thailand (longitude ${THAILAND.minLon}–${THAILAND.maxLon}, latitude ${THAILAND.minLat}–${THAILAND.maxLat}); are longitude and latitude swapped?`,
    });
  }
});
const line = z.array(lonLat).min(2, 'a line needs at least 2 positions');
const ring = z
  .array(lonLat)
  .min(4, 'a ring needs at least 4 positions')
  .refine((r) => r[0]?.[0] === r.at(-1)?.[0] && r[0]?.[1] === r.at(-1)?.[1], 'a ring must end where it starts');
const polygon = z.array(ring).min(1, 'a polygon needs a ring');

const shape = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('Point'), coordinates: lonLat }).strict(),
    z.object({ type: z.literal('LineString'), coordinates: line }).strict(),
    z.object({ type: z.literal('Polygon'), coordinates: polygon }).strict(),
    z.object({ type: z.literal('MultiPoint'), coordinates: z.array(lonLat).min(1) }).strict(),
    z.object({ type: z.literal('MultiLineString'), coordinates: z.array(line).min(1) }).strict(),
    z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(polygon).min(1) }).strict(),
  ],
  { error: 'expected a GeoJSON geometry: Point, LineString, Polygon or their Multi forms' },
);

const countPositions = (coordinates: unknown): number =>
  Array.isArray(coordinates) && typeof coordinates[0] === 'number'
    ? 1
    : Array.isArray(coordinates)
      ? coordinates.reduce((n: number, part) => n + countPositions(part), 0)
      : 0;

/** A GeoJSON geometry the city could really have: in Thailand, well-formed, not absurdly large. */
export const geometry = shape
  .superRefine((g, ctx) => {
    const positions = countPositions(g.coordinates);
    if (positions > MAX_VERTICES) ctx.addIssue({ code: 'custom', message: `${positions} vertices; at most ${MAX_VERTICES}` });
  })
  .transform((g) => g as Geometry);

/**
 * What zod cannot see: self-intersections, rings that cross, holes outside their shell.
 * PostGIS decides, and its reason becomes the message.
 */
export async function requireValidGeometry(db: Queryable, field: string, value: Geometry): Promise<void> {
  const row = await geometryValidity(db, value);
  if (!row?.valid) throw badRequest(field, `${field}: invalid geometry: ${row?.reason ?? 'unreadable'}`);
}
