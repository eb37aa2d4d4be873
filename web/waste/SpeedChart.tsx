import type { MouseEvent } from 'react';
import { formatClock, formatNumber } from '../i18n/format.ts';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import type { TruckDay } from '../api/client.ts';

const W = 600;
const H = 140;

/**
 * The day's speed against time (traccar-web #1968), linked to the replay: a cursor line at the
 * replay's time, and a click anywhere on the chart seeks there. Drawn in the SVG's own units
 * and stretched to its box; strokes keep their width (`non-scaling-stroke`).
 */
export function SpeedChart({
  track,
  from,
  to,
  time,
  onSeek,
}: {
  track: TruckDay['track'];
  from: number;
  to: number;
  time: number;
  onSeek: (t: number) => void;
}) {
  const { t, lang } = useLanguage();
  const span = Math.max(1, to - from);
  const top = Math.max(10, ...track.speed_kmh);
  const x = (s: number) => ((s - from) / span) * W;
  const y = (kmh: number) => H - (kmh / top) * (H - 6);
  const points = track.t.map((s, i) => `${x(s).toFixed(1)},${y(track.speed_kmh[i]!).toFixed(1)}`).join(' ');
  const seek = (event: MouseEvent<SVGSVGElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    onSeek(from + ((event.clientX - box.left) / box.width) * span);
  };
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => from + f * span);
  return (
    <figure className="speed-chart" data-testid="speed-chart">
      <figcaption>
        {t('waste.replay.speedChart')}{' '}
        <span className="hint-inline">
          ({formatNumber(top, 0)} {t('waste.kmhUnit')} max)
        </span>
      </figcaption>
      {/* biome-ignore lint/a11y/useKeyWithClickEvents: the slider beside it is the keyboard's way to seek; this is a pointer shortcut. */}
      <svg
        viewBox={`0 0 ${W} ${H}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={t('waste.replay.speedChart')}
        onClick={seek}
        data-cursor-t={Math.round(time)}
      >
        <line x1={0} x2={W} y1={y(0)} y2={y(0)} className="speed-chart-axis" vectorEffect="non-scaling-stroke" />
        <polyline points={points} className="speed-chart-line" vectorEffect="non-scaling-stroke" />
        <line x1={x(time)} x2={x(time)} y1={0} y2={H} className="speed-chart-cursor" data-testid="speed-cursor" vectorEffect="non-scaling-stroke" />
      </svg>
      <div className="speed-chart-ticks" aria-hidden="true">
        {ticks.map((s) => (
          <span key={s}>{formatClock(s * 1000, lang)}</span>
        ))}
      </div>
    </figure>
  );
}
