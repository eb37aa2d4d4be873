/** One measured figure of `npm run bench:map`, with the target it must meet when it has one. */
export interface Figure {
  /** What was measured, e.g. "cold tiles: server ÷ raw ST_AsMVT (PostGIS, 1×)". */
  what: string;
  value: number;
  /** "×" for a ratio, "ms", "KB", "tiles/s" … */
  unit: string;
  /** Met when value >= min, or value <= max. */
  target?: { min: number } | { max: number };
  /** The raw figures the value comes from, or why a gap remains. */
  detail?: string;
}

/** A part of the benchmark: starts what it needs, measures, stops it, and returns its figures. */
export type BenchPart = () => Promise<Figure[]>;

export const met = (figure: Figure): boolean | null =>
  !figure.target ? null : 'min' in figure.target ? figure.value >= figure.target.min : figure.value <= figure.target.max;

function targetText(figure: Figure): string {
  if (!figure.target) return '';
  return 'min' in figure.target ? `≥ ${figure.target.min}` : `≤ ${figure.target.max}`;
}

const shown = (value: number) => (Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3));

/** The figures as a table: what, value, target, met. */
export function formatFigures(figures: readonly Figure[]): string {
  const rows = figures.map((f) => {
    const ok = met(f);
    return [f.what, `${shown(f.value)} ${f.unit}`, targetText(f), ok === null ? '' : ok ? 'met' : 'MISSED', f.detail ?? ''];
  });
  const header = ['what', 'value', 'target', '', 'detail'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
