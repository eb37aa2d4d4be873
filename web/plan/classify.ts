/**
 * Class breaks and colours for the executive choropleth.
 *
 * Quantile classes: with four zones whose figures lie a few points apart, equal intervals over
 * 0–100 % would paint them all alike; quantiles give each zone its own class (unless two are
 * equal), and for the 95 communities about as many in each class.
 */

/** A sequential single-hue-to-navy ramp (ColorBrewer YlGnBu, 5 classes): light = low progress. */
const RAMP = ['#ffffcc', '#a1dab4', '#41b6c4', '#2c7fb8', '#253494'] as const;
const NO_DATA_COLOR = '#d5d5d5';

export interface Classes {
  /** One class per distinct value (few areas): the legend lists the values, not ranges. */
  exact: boolean;
  /** Upper bounds of each class but the last; class i holds values in (breaks[i-1], breaks[i]]. */
  breaks: number[];
  /** Lowest and highest value classified. */
  min: number;
  max: number;
  colors: string[];
}

/** Up to `maxClasses` quantile classes of the finite values; null when there is nothing to classify. */
export function quantileClasses(values: readonly (number | null | undefined)[], maxClasses = RAMP.length): Classes | null {
  const sorted = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const distinct = [...new Set(sorted)];
  const k = Math.max(1, Math.min(maxClasses, distinct.length));
  const breaks: number[] = [];
  if (distinct.length <= maxClasses) {
    // No more values than classes (the 4 zones): one class per value. Quantiles here would give
    // a first class from the lowest value to itself, and ranges with no area in them.
    breaks.push(...distinct.slice(0, -1));
  } else
    for (let i = 1; i < k; i++) {
      const at = sorted[Math.min(sorted.length - 1, Math.ceil((i * sorted.length) / k) - 1)]!;
      if (breaks.at(-1) !== at && at < sorted.at(-1)!) breaks.push(at);
    }
  const n = breaks.length + 1;
  // Spread the classes over the whole ramp, so two classes are never two near-identical tints.
  const colors = Array.from({ length: n }, (_, i) => RAMP[n === 1 ? RAMP.length - 1 : Math.round((i * (RAMP.length - 1)) / (n - 1))]!);
  return { exact: distinct.length <= maxClasses, breaks, min: sorted[0]!, max: sorted.at(-1)!, colors };
}

export function classOf(classes: Classes, value: number | null | undefined): number {
  if (value === null || value === undefined || !Number.isFinite(value)) return -1;
  const index = classes.breaks.findIndex((b) => value <= b);
  return index === -1 ? classes.breaks.length : index;
}

export function colorOf(classes: Classes | null, value: number | null | undefined): string {
  if (!classes) return NO_DATA_COLOR;
  const index = classOf(classes, value);
  return index < 0 ? NO_DATA_COLOR : classes.colors[index]!;
}

/** [from, to] of each class, for the legend; from === to for a class of one value. */
export function classRanges(classes: Classes): [number, number][] {
  if (classes.exact) {
    const values = [...classes.breaks, classes.max];
    return values.map((v) => [v, v]);
  }
  const bounds = [classes.min, ...classes.breaks, classes.max];
  return classes.colors.map((_, i) => [bounds[i]!, bounds[i + 1]!]);
}

/** A legend entry: a single value, the first class's closed range, or a later class's half-open one. */
export function classLabel([from, to]: [number, number], index: number, format: (v: number) => string): string {
  if (from === to) return `${format(from)}%`;
  return index === 0 ? `${format(from)} – ${format(to)}%` : `> ${format(from)} – ${format(to)}%`;
}

/** Dark text on the light classes, white on the dark ones. */
export function textColorOn(hex: string): string {
  const v = Number.parseInt(hex.slice(1), 16);
  const luminance = 0.299 * ((v >> 16) & 255) + 0.587 * ((v >> 8) & 255) + 0.114 * (v & 255);
  return luminance > 150 ? '#1f2328' : '#ffffff';
}
