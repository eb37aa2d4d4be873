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
