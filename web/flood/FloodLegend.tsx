import './alerts.css';
import type { LiveSensor } from '../api/client.ts';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { SENSOR_LEVEL_COLORS } from '../map/palette.ts';

export const latestReading = (sensors: LiveSensor[]): string | null =>
  sensors.reduce<string | null>((max, s) => (s.recorded_at && (!max || s.recorded_at > max) ? s.recorded_at : max), null);

/** What the colours mean, for the desk and the public page alike. */
export function FloodLegend() {
  const { t } = useLanguage();
  return (
    <ul className="flood-legend" data-testid="flood-legend">
      {(['critical', 'warning', 'watch', 'normal', 'offline'] as const).map((level) => (
        <li key={level}>
          <span
            className={level === 'offline' ? 'swatch swatch-dot swatch-hollow' : 'swatch swatch-dot'}
            style={level === 'offline' ? { color: SENSOR_LEVEL_COLORS[level] } : { background: SENSOR_LEVEL_COLORS[level] }}
            aria-hidden="true"
          />
          <b>{t(`level.${level}`)}</b> {t(`flood.legend.${level}`)}
        </li>
      ))}
    </ul>
  );
}
