import './flood-public.css';
import { useEffect, useMemo } from 'react';
import { api, CAP_FEED_URL, type AlertType, type FloodAlert } from '../api/client.ts';
import { useResource } from '../api/useResource.ts';
import { formatAgo, formatDateTime } from '../i18n/format.ts';
import { LanguageToggle } from '../i18n/LanguageToggle.tsx';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { fill } from '../i18n/strings.ts';
import { CityBase } from '../map/CityBase.tsx';
import { MapView } from '../map/MapView.tsx';
import { Panel, Shell } from '../map/Shell.tsx';
import { isPublicWarning, severityColor, type AffectedArea } from './alerts.ts';
import { AlertSummary } from './AlertSummary.tsx';
import { FloodLegend, latestReading } from './FloodLegend.tsx';
import { PublicFloodMap } from './PublicFloodMap.tsx';
import { useFloodLive, useLiveSensorsReady } from './useFloodLive.ts';
import { useNow } from './useNow.ts';

/** Its map is complete with the city frame, the zones and the live sensors. */
const REQUIRES = ['boundary', 'basemap', 'zones', 'sensors'] as const;

/** Room for the warnings panel on the right. */
const FRAME = { top: 24, bottom: 24, left: 40, right: 390 };

/**
 * One warning per sensor for a resident: its worst alert (the wall's order puts it first), and
 * every kind of trouble it has ("water level", "rising fast"). Two alerts of one place are
 * one warning to someone living there, and one area on the map.
 */
function bySensor(alerts: FloodAlert[]) {
  const warnings = new Map<string, FloodAlert & { types: AlertType[] }>();
  for (const alert of alerts.filter(isPublicWarning)) {
    const seen = warnings.get(alert.sensor_code);
    if (seen) seen.types.push(alert.type);
    else warnings.set(alert.sensor_code, { ...alert, types: [alert.type] });
  }
  return [...warnings.values()];
}
type PublicWarning = ReturnType<typeof bySensor>[number];

/**
 * The public flood page: sensors and the active orange and red warnings with the areas they
 * reach, what the colours mean, how fresh the readings are and the CAP feed. No sign-in, no
 * staff names, nothing to press but the language and the map.
 */
export function PublicFloodPage() {
  const { t, lang } = useLanguage();
  // The server answers as to the public, whoever is signed in in this browser.
  const live = useFloodLive({ publicView: true });
  const warnings = useMemo(() => bySensor(live.alerts), [live.alerts]);
  const latest = latestReading(live.sensors);
  const now = useNow();

  useLiveSensorsReady(live);

  const ids = warnings.map((w) => w.id).join(',');
  const affected = useResource(
    `public-affected:${ids}`,
    (signal) =>
      Promise.all(
        warnings.map((w) =>
          api
            .affected(w.id, signal)
            .then((a) => ({ alertId: w.id, severity: w.severity, area: a.area }))
            .catch(() => null),
        ),
      ),
    { perViewer: false },
  );
  const areas = useMemo(() => (affected.data ?? []).filter((a): a is AffectedArea => a !== null), [affected.data]);

  useEffect(() => {
    document.title = `${t('flood.public.title')} · Mueang`;
  }, [t]);

  const header = (
    <>
      <h1 data-testid="app-title">{t('flood.public.title')}</h1>
      <span className="app-subtitle">เทศบาลนครขอนแก่น · Khon Kaen City Municipality</span>
      <div className="header-actions">
        <a className="header-button" href={CAP_FEED_URL} data-testid="cap-link" type="application/atom+xml">
          {t('flood.public.cap')}
        </a>
        <LanguageToggle />
      </div>
    </>
  );

  return (
    <Shell header={header} className="flood-public">
      <MapView requires={REQUIRES}>
        <CityBase frame={FRAME} />
        <PublicFloodMap sensors={live.sensors} areas={areas} />
      </MapView>
      <Panel className="flood-public-panel" testId="flood-public" sheetTitle={t('flood.public.heading')}>
        <h2>{t('flood.public.heading')}</h2>
        <p className="flood-public-updated" data-testid="latest-reading">
          {t('flood.latestReading')}: {latest ? `${formatDateTime(latest, lang)} (${formatAgo(latest, lang, now)})` : '—'}
        </p>
        <h3>{fill(t('flood.public.warnings'), { count: warnings.length })}</h3>
        {live.connection === 'connecting' && <p className="hint">{t('flood.live.connecting')}</p>}
        {live.connection !== 'connecting' && warnings.length === 0 && <p className="flood-quiet">{t('flood.public.none')}</p>}
        <ol className="alert-list" data-testid="public-warnings">
          {warnings.map((w) => (
            <PublicWarningItem key={w.id} warning={w} now={now} />
          ))}
        </ol>
        <h3>{t('flood.public.colours')}</h3>
        <FloodLegend />
        <p className="flood-public-note">{t('flood.public.explain')}</p>
        <p className="flood-public-note">
          <a href={CAP_FEED_URL}>{t('flood.public.cap')}</a> · {t('flood.public.capHint')}
        </p>
      </Panel>
    </Shell>
  );
}

function PublicWarningItem({ warning, now }: { warning: PublicWarning; now: Date }) {
  return (
    <li
      className={`alert-card public severity-${warning.severity}`}
      data-testid="public-warning"
      data-severity={warning.severity}
      style={{ borderLeftColor: severityColor(warning.severity) }}
    >
      <div className="alert-card-main">
        <AlertSummary alert={warning} types={warning.types} now={now} />
      </div>
    </li>
  );
}
