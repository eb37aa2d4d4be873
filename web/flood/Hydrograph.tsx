import './hydrograph.css';
import { useMemo, useState, type MouseEvent } from 'react';
import type { Hydrograph as HydrographData, HydrographPoint, HydrographRange } from '../api/client.ts';
import { BANGKOK_OFFSET_MS, formatClock, formatDateTime, formatDayMonth, formatNumber } from '../i18n/format.ts';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { SENSOR_LEVEL_COLORS } from '../map/palette.ts';

const W = 440;
const H = 236;
const PAD = { left: 40, right: 62, top: 10, bottom: 22 };
/** The rain bars' own strip along the bottom of the plot, with its own scale. */
const RAIN_H = 34;
const HOUR = 3600_000;
const TICK_MS: Record<HydrographRange, number> = { '24h': 3 * HOUR, '7d': 24 * HOUR };

const THRESHOLDS = [
  ['watch_m', 'watch'],
  ['warning_m', 'warning'],
  ['critical_m', 'critical'],
] as const;

/** Right-margin labels at least this far apart, pushed down in order (the bank often is the red line). */
const LABEL_GAP = 11;

function spreadLabels(ys: number[]): number[] {
  const order = ys.map((y, i) => [y, i] as const).sort((a, b) => a[0] - b[0]);
  const out = [...ys];
  let last = -Infinity;
  for (const [y, i] of order) {
    const placed = Math.max(y, last + LABEL_GAP);
    out[i] = placed;
    last = placed;
  }
  return out;
}

/** Tick instants at whole Bangkok hours (or days), so labels read 00:00, 03:00… and not 02:17. */
function ticks(from: number, to: number, step: number): number[] {
  const first = Math.ceil((from + BANGKOK_OFFSET_MS) / step) * step - BANGKOK_OFFSET_MS;
  const out: number[] = [];
  for (let t = first; t <= to; t += step) out.push(t);
  return out;
}

/**
 * A sensor's water level over time, drawn by hand in SVG: the level line (with its min–max band
 * when the server grouped readings into buckets), rain as bars along the bottom, the three
 * alert lines and the bank or road level the thresholds are measured against.
 */
export function Hydrograph({ data }: { data: HydrographData }) {
  const { t, lang } = useLanguage();
  const [hover, setHover] = useState<HydrographPoint | null>(null);
  const { sensor, points, bucket_s } = data;
  const from = Date.parse(data.from);
  const to = Date.parse(data.to);

  const scale = useMemo(() => {
    const lines = [sensor.watch_m, sensor.warning_m, sensor.critical_m, sensor.reference_m];
    const lows = points.map((p) => p.min_m ?? p.level_m);
    const highs = points.map((p) => p.max_m ?? p.level_m);
    let lo = Math.min(...lows, ...lines);
    let hi = Math.max(...highs, ...lines);
    const pad = (hi - lo) * 0.08 || 0.5;
    lo -= pad;
    hi += pad;
    const plotBottom = H - PAD.bottom - RAIN_H;
    const maxRain = Math.max(0, ...points.map((p) => p.rain_mm ?? 0));
    return {
      x: (ms: number) => PAD.left + ((ms - from) / (to - from)) * (W - PAD.left - PAD.right),
      y: (m: number) => plotBottom - ((m - lo) / (hi - lo)) * (plotBottom - PAD.top),
      rain: (mm: number) => (maxRain > 0 ? (mm / maxRain) * (RAIN_H - 4) : 0),
      lo,
      hi,
      maxRain,
      plotBottom,
    };
  }, [points, sensor, from, to]);

  const times = useMemo(() => points.map((p) => Date.parse(p.t)), [points]);
  const bucketed = bucket_s !== null;
  const line = points.map((p, i) => `${scale.x(times[i]!).toFixed(1)},${scale.y(p.level_m).toFixed(1)}`).join(' ');
  const band = bucketed
    ? [
        ...points.map((p, i) => `${scale.x(times[i]!).toFixed(1)},${scale.y(p.max_m).toFixed(1)}`),
        ...points.map((p, i) => `${scale.x(times[i]!).toFixed(1)},${scale.y(p.min_m).toFixed(1)}`).reverse(),
      ].join(' ')
    : null;
  const barWidth = Math.max(1, Math.min(8, ((W - PAD.left - PAD.right) / Math.max(1, points.length)) * 0.7));
  const levelTicks = niceTicks(scale.lo, scale.hi, 5);
  const timeTicks = ticks(from, to, TICK_MS[data.range]);
  const unit = lang === 'th' ? 'ม.' : 'm';
  const lineYs = [...THRESHOLDS.map(([field]) => scale.y(sensor[field])), scale.y(sensor.reference_m)];
  const labelYs = spreadLabels(lineYs.map((y) => y + 3));

  const onMove = (event: MouseEvent<SVGSVGElement>) => {
    if (points.length === 0) return;
    const box = event.currentTarget.getBoundingClientRect();
    const ms = from + ((((event.clientX - box.left) / box.width) * W - PAD.left) / (W - PAD.left - PAD.right)) * (to - from);
    let best = 0;
    for (let i = 1; i < times.length; i++) if (Math.abs(times[i]! - ms) < Math.abs(times[best]! - ms)) best = i;
    setHover(points[best]!);
  };

  return (
    <figure className="hydrograph" data-testid="hydrograph" data-points={points.length} data-bucketed={bucketed}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={t('flood.hydrograph.aria')} onMouseMove={onMove} onMouseLeave={() => setHover(null)}>
        {levelTicks.map((v) => (
          <g key={v} className="hg-grid">
            <line x1={PAD.left} x2={W - PAD.right} y1={scale.y(v)} y2={scale.y(v)} />
            <text x={PAD.left - 4} y={scale.y(v) + 3} textAnchor="end">
              {formatNumber(v, 1)}
            </text>
          </g>
        ))}
        <text className="hg-unit" x={4} y={PAD.top + 2}>
          {unit}
        </text>
        {timeTicks.map((ms) => (
          <g key={ms} className="hg-grid">
            <line x1={scale.x(ms)} x2={scale.x(ms)} y1={PAD.top} y2={H - PAD.bottom} />
            <text x={scale.x(ms)} y={H - 6} textAnchor="middle">
              {data.range === '24h' ? formatClock(ms, lang) : formatDayMonth(ms, lang)}
            </text>
          </g>
        ))}

        <g className="hg-rain" data-testid="hydrograph-rain">
          {scale.maxRain > 0 &&
            points.map((p, i) =>
              p.rain_mm ? (
                <rect
                  key={p.t}
                  x={scale.x(times[i]!) - barWidth / 2}
                  y={H - PAD.bottom - scale.rain(p.rain_mm)}
                  width={barWidth}
                  height={scale.rain(p.rain_mm)}
                />
              ) : null,
            )}
          <text x={PAD.left + 3} y={H - PAD.bottom - RAIN_H + 8}>
            {t('flood.hydrograph.rain')} {scale.maxRain > 0 ? `(${t('flood.hydrograph.rainMax')} ${formatNumber(scale.maxRain, 1)})` : '0'}
          </text>
        </g>

        {THRESHOLDS.map(([field, level], i) => (
          <g key={level} className="hg-threshold" data-testid={`threshold-${level}`}>
            <line x1={PAD.left} x2={W - PAD.right} y1={scale.y(sensor[field])} y2={scale.y(sensor[field])} stroke={SENSOR_LEVEL_COLORS[level]} />
            <text x={W - PAD.right + 4} y={labelYs[i]} fill={SENSOR_LEVEL_COLORS[level]}>
              {t(`level.${level}`)}
            </text>
          </g>
        ))}
        <g className="hg-reference" data-testid="threshold-reference">
          <line x1={PAD.left} x2={W - PAD.right} y1={scale.y(sensor.reference_m)} y2={scale.y(sensor.reference_m)} />
          <text x={W - PAD.right + 4} y={labelYs[THRESHOLDS.length]}>
            {t(`flood.reference.${sensor.reference}`)}
          </text>
        </g>

        {band && <polygon className="hg-band" points={band} />}
        {points.length > 0 && <polyline className="hg-level" data-testid="hydrograph-level" points={line} />}

        {hover && (
          <g className="hg-hover">
            <line x1={scale.x(Date.parse(hover.t))} x2={scale.x(Date.parse(hover.t))} y1={PAD.top} y2={H - PAD.bottom} />
            <circle cx={scale.x(Date.parse(hover.t))} cy={scale.y(hover.level_m)} r={3.5} />
          </g>
        )}
      </svg>
      <figcaption className="hg-readout" data-testid="hydrograph-readout">
        {points.length === 0
          ? t('flood.hydrograph.empty')
          : hover
            ? `${formatDateTime(hover.t, lang)} · ${formatNumber(hover.level_m, 2)} ${unit}` +
              (bucketed ? ` (${formatNumber(hover.min_m, 2)}–${formatNumber(hover.max_m, 2)})` : '') +
              (hover.rain_mm !== null ? ` · ${t('flood.hydrograph.rain')} ${formatNumber(hover.rain_mm, 1)} ${t('unit.mm')}` : '')
            : `${t('flood.hydrograph.hint')}${bucketed ? ` · ${t('flood.hydrograph.band')}` : ''}`}
      </figcaption>
    </figure>
  );
}

/** Round level ticks (0.5, 1.0, 1.5…) that cover the domain. */
function niceTicks(lo: number, hi: number, count: number): number[] {
  const raw = (hi - lo) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * magnitude).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) out.push(Math.round(v * 1000) / 1000);
  return out;
}
