import type { ExpressionSpecification } from 'maplibre-gl';
import type { RGBA } from './palette.ts';

/** A value per key of a feature property, as a MapLibre `match` (numeric keys match numbers). */
export function byProperty(property: string, values: Record<string, string | number>, fallback: string | number): ExpressionSpecification {
  return [
    'match',
    ['get', property],
    ...Object.entries(values).flatMap(([key, value]) => [Number.isNaN(Number(key)) ? key : Number(key), value]),
    fallback,
  ] as unknown as ExpressionSpecification;
}

/** A palette colour as CSS, for MapLibre's paint properties. */
export const cssColor = ([r, g, b, a]: RGBA) => `rgba(${r}, ${g}, ${b}, ${(a / 255).toFixed(3)})`;

/*
 * MapLibre compiles one shader program per layer type and per set of paint properties that vary
 * by feature, and the first draw with each new one is slow where the GPU is software (Chromium
 * here) or weak: about 0.1 s each on this machine, several per page. So the pages' layers keep to
 * few combinations: areas vary only their colour by feature (AREA_PAINT), lines only theirs
 * (a width that differs by kind of line is another layer), and circles vary everything by
 * feature, from the properties their features carry (CIRCLE_PAINT).
 */

/** An area's fill, its colour by feature (an expression or the feature's `color`). */
export const areaPaint = (color: ExpressionSpecification = ['get', 'color'], opacity = 1) =>
  ({ 'fill-color': color, 'fill-opacity': opacity, 'fill-antialias': false }) as const;

/** The paint of every circle layer, from its features' properties (see CircleStyle). */
export const CIRCLE_PAINT = {
  'circle-color': ['get', 'color'],
  'circle-radius': ['get', 'radius'],
  'circle-opacity': ['get', 'opacity'],
  'circle-stroke-color': ['get', 'stroke'],
  'circle-stroke-width': ['get', 'strokeWidth'],
} as const satisfies Record<string, ExpressionSpecification>;

/** What a circle layer's features carry for CIRCLE_PAINT. */
export interface CircleStyle {
  color: string;
  radius: number;
  opacity: number;
  stroke: string;
  strokeWidth: number;
}
