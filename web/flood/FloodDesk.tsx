import './flood.css';
import { useEffect, useState } from 'react';
import { sensorLevel, type Affected, type AlertDetail, type HydrographRange } from '../api/client.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { formatAgo, formatDateTime, formatMetres, formatNumber } from '../i18n/format.ts';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { fill, localName } from '../i18n/strings.ts';
import { SENSOR_LEVEL_COLORS } from '../map/palette.ts';
import { AffectedAreaLayer } from './AffectedAreaLayer.tsx';
import { AlertCard } from './AlertCard.tsx';
import { SeverityBadge } from './AlertSummary.tsx';
import { FloodContactsPanel } from './FloodContacts.tsx';
import { isActive } from './alerts.ts';
import { FloodLegend, latestReading } from './FloodLegend.tsx';
import { FloodSensorsLayer } from './FloodSensorsLayer.tsx';
import { Hydrograph } from './Hydrograph.tsx';
import type { FloodDeskState } from './state.ts';
import { useNow } from './useNow.ts';
import { Panel } from '../map/Shell.tsx';

/** The desk's map layers (inside <MapView>): live sensors over the affected area in focus. */
export function FloodDeskMap({ state, zoom }: { state: FloodDeskState; zoom: number }) {
  return (
    <>
      <AffectedAreaLayer areas={state.areas} />
      <FloodSensorsLayer sensors={state.live.sensors} zoom={zoom} selectedCode={state.focus?.code ?? null} />
    </>
  );
}

/** A new red alert, across the top of the desk until someone dismisses it. */
export function RedAlertBanner({ state }: { state: FloodDeskState }) {
  const { t, lang } = useLanguage();
  const { banner, dismiss } = state.cue;
  if (!banner) return null;
  const name = localName({ name_th: banner.sensor_name_th, name_en: banner.sensor_name_en }, lang);
  return (
    <div className="red-alert-banner" role="alert" data-testid="red-alert-banner" data-alert-id={banner.id}>
      <button type="button" className="red-alert-text" onClick={() => state.selectAlert(banner)}>
        <b>{t('flood.banner.title')}</b> {name} ({banner.sensor_code}) · {formatMetres(banner.level_m, lang)} · {formatDateTime(banner.opened_at, lang)}
      </button>
      <button type="button" className="close" data-testid="red-alert-dismiss" onClick={dismiss} aria-label={t('notice.close')} title={t('notice.close')}>
        ×
      </button>
    </div>
  );
}

/** The alert wall: active alerts by severity and age, resolved ones below, dimmed. */
export function FloodWall({ state }: { state: FloodDeskState }) {
  const { t, lang } = useLanguage();
  const { live, cue } = state;
  const now = useNow();
  const active = live.alerts.filter(isActive);
  const resolved = live.alerts.filter((a) => !isActive(a));
  const latest = latestReading(live.sensors);
  const { permissions } = useAuth();
  const canManageContacts = permissions.alerts.handle;
  const [contactsOpen, setContactsOpen] = useState(false);
  const showContacts = contactsOpen && canManageContacts;

  const card = (alert: (typeof live.alerts)[number]) => (
    <AlertCard
      key={alert.id}
      alert={alert}
      selected={state.focus?.alertId === alert.id}
      pulsing={cue.pulsing.has(alert.id)}
      onSelect={state.selectAlert}
      onActed={live.put}
      now={now}
    />
  );

  return (
    <>
      <Panel className="flood-wall" testId="flood-wall" sheetTitle={t('flood.wall.title')} data-connection={live.connection}>
        <header className="flood-wall-header">
          <h2>{t('flood.wall.title')}</h2>
          <span className={`live-dot live-${live.connection}`} data-testid="live-status">
            {t(`flood.live.${live.connection}`)}
          </span>
          <label className="sound-toggle" title={t('flood.sound.hint')}>
            <input type="checkbox" data-testid="sound-toggle" checked={cue.sound} onChange={(e) => cue.setSound(e.target.checked)} />
            {t('flood.sound.on')}
          </label>
          {canManageContacts && (
            <button
              type="button"
              className={showContacts ? 'flood-contacts-open active' : 'flood-contacts-open'}
              data-testid="flood-contacts-open"
              aria-pressed={showContacts}
              title={t('flood.contacts.openHint')}
              onClick={() => setContactsOpen((open) => !open)}
            >
              {t('flood.contacts.open')}
            </button>
          )}
        </header>
        <p className="flood-wall-summary">
          {fill(t('flood.wall.summary'), { active: active.length, red: active.filter((a) => a.severity === 'critical').length })}
          {latest && (
            <>
              {' '}
              · {t('flood.latestReading')} {formatAgo(latest, lang, now)}
            </>
          )}
        </p>
        {live.connection === 'connecting' && <p className="hint">{t('flood.live.connecting')}</p>}
        {live.connection !== 'connecting' && active.length === 0 && <p className="flood-quiet">{t('flood.wall.none')}</p>}
        <ol className="alert-list" data-testid="alert-list">
          {active.map(card)}
        </ol>
        {resolved.length > 0 && (
          <>
            <h3 className="flood-wall-sub">{t('flood.wall.resolved')}</h3>
            <ol className="alert-list resolved" data-testid="alert-list-resolved">
              {resolved.map(card)}
            </ol>
          </>
        )}
      </Panel>
      {showContacts && <FloodContactsPanel onClose={() => setContactsOpen(false)} />}
    </>
  );
}

/** The left panel: the sensor in focus, its hydrograph, and its alert's reach and history. */
export function FloodFocusPanel({ state }: { state: FloodDeskState }) {
  const { t, lang } = useLanguage();
  const { sensor, alert, focus } = state;

  // Esc closes the panel, as it does the sign-in dialog.
  const clear = state.clear;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') clear();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [clear]);

  if (!focus) {
    return (
      <Panel className="flood-focus flood-focus-empty" testId="flood-focus-empty" sheetTitle={t('flood.title')} startsCollapsedOnPhone>
        <h2>{t('flood.title')}</h2>
        <p>{t('flood.focus.hint')}</p>
        <FloodLegend />
      </Panel>
    );
  }

  const level = sensor ? sensorLevel(sensor) : 'offline';
  return (
    <Panel className="flood-focus" testId="flood-focus" sheetTitle={focus.code} data-sensor={focus.code} style={{ borderTopColor: SENSOR_LEVEL_COLORS[level] }}>
      <header className="flood-focus-header">
        <div>
          <p className="details-kind">
            {t('details.kind.sensor')} · {focus.code}
          </p>
          <h2>{sensor ? localName(sensor, lang) : focus.code}</h2>
          {sensor && (
            <p className="flood-focus-now">
              <span className="swatch swatch-dot" style={{ background: SENSOR_LEVEL_COLORS[level] }} />
              {t(`level.${level}`)} · {formatMetres(sensor.level_m, lang)} · {formatDateTime(sensor.recorded_at, lang)}
            </p>
          )}
        </div>
        <button type="button" className="close" onClick={state.clear} aria-label={t('details.close')} title={t('details.close')}>
          ×
        </button>
      </header>

      {/* biome-ignore lint/a11y/useSemanticElements: two toggle buttons, not a form section: a fieldset would bring its border and legend. */}
      <div className="range-toggle" role="group" aria-label={t('flood.hydrograph.range')}>
        {(['24h', '7d'] as const satisfies readonly HydrographRange[]).map((r) => (
          <button
            key={r}
            type="button"
            className={state.range === r ? 'active' : ''}
            aria-pressed={state.range === r}
            data-testid={`range-${r}`}
            onClick={() => state.setRange(r)}
          >
            {t(`flood.range.${r}`)}
          </button>
        ))}
      </div>
      {state.readings.data ? (
        <Hydrograph data={state.readings.data} />
      ) : (
        <p className="hint">{state.readings.error ? state.readings.error.message : t('exec.loading')}</p>
      )}

      {focus.alertId !== null && (
        <section className="flood-section" data-testid="alert-detail" data-alert-id={focus.alertId}>
          {alert && (
            <h3>
              <SeverityBadge severity={alert.severity} /> {t(`flood.type.${alert.type}`)} · {t(`flood.status.${alert.status}`)}
            </h3>
          )}
          <AffectedSummary affected={state.affected.data} error={state.affected.error} />
          {state.detail.data && <AlertHistory detail={state.detail.data} />}
        </section>
      )}
    </Panel>
  );
}

function AffectedSummary({ affected, error }: { affected: Affected | null; error: Error | null }) {
  const { t, lang } = useLanguage();
  if (error) return <p className="form-error">{error.message}</p>;
  if (!affected) return <p className="hint">{t('exec.loading')}</p>;
  const { totals } = affected;
  const figures = [
    ['communities', totals.communities],
    ['households', totals.households],
    ['population', totals.population],
    ['parcels', totals.parcels],
    ['projects', totals.projects],
  ] as const;
  return (
    <div className="affected" data-testid="affected">
      <h4>
        {t('flood.affected.title')}{' '}
        <span className="hint-inline">
          {affected.basis === 'catchment' ? t('flood.affected.catchment') : fill(t('flood.affected.radius'), { m: formatNumber(affected.radius_m) })}
          {' · '}
          {formatNumber(affected.area_km2, 2)} {lang === 'th' ? 'ตร.กม.' : 'km²'}
        </span>
      </h4>
      <dl className="affected-figures">
        {figures.map(([key, value]) => (
          <div key={key} data-testid={`affected-${key}`}>
            <dt>{t(`flood.affected.${key}`)}</dt>
            <dd>{formatNumber(value)}</dd>
          </div>
        ))}
      </dl>
      {affected.communities.length > 0 && (
        <ol className="affected-communities">
          {affected.communities.slice(0, 5).map((c) => (
            <li key={c.id}>
              <span>{localName(c, lang)}</span>
              <span className="affected-meta">
                {fill(t('flood.affected.community'), { pct: formatNumber(c.share * 100), people: formatNumber(c.population) })}
              </span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

/** The outbox's states (data/migrations/008_flood_desk.sql); the route types them as plain strings. */
const NOTIFY_STATUSES = ['pending', 'sending', 'sent', 'failed', 'cancelled'] as const;
const isNotifyStatus = (status: string): status is (typeof NOTIFY_STATUSES)[number] => (NOTIFY_STATUSES as readonly string[]).includes(status);

function AlertHistory({ detail }: { detail: AlertDetail }) {
  const { t, lang } = useLanguage();
  return (
    <>
      {detail.timeline.length > 0 && (
        <>
          <h4>{t('flood.timeline')}</h4>
          <ol className="alert-timeline" data-testid="alert-timeline">
            {detail.timeline.map((e) => (
              <li key={e.id}>
                <time>{formatDateTime(e.at, lang)}</time>
                <span>
                  <b>{t(`flood.change.${e.change}`)}</b>
                  {e.level_m !== null && <> · {formatMetres(e.level_m, lang)}</>}
                  {e.user_name && <> · {e.user_name}</>}
                  {e.contact_name && <> → {e.contact_name}</>}
                  {e.note && <q>{e.note}</q>}
                </span>
              </li>
            ))}
          </ol>
        </>
      )}
      {detail.notifications.length > 0 && (
        <>
          <h4>{t('flood.notifications')}</h4>
          <table className="alert-notifications" data-testid="alert-notifications">
            <tbody>
              {detail.notifications.map((n, i) => (
                <tr key={i} data-status={n.status}>
                  <td>
                    {n.contact}
                    <span className="affected-meta">
                      {n.position} · {n.channel}
                    </span>
                  </td>
                  <td>
                    {isNotifyStatus(n.status) ? t(`flood.notify.${n.status}`) : n.status}
                    <span className="affected-meta">{formatDateTime(n.sent_at ?? n.due_at, lang)}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}
