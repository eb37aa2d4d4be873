import './alerts.css';
import type { FloodAlert } from '../api/client.ts';
import { formatAgo, formatDateTime, formatMetres } from '../i18n/format.ts';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { localName } from '../i18n/strings.ts';
import { severityColor } from './alerts.ts';

/** The part of an alert everyone may see: how bad, what, where, since when. */
type AlertFacts = Pick<FloodAlert, 'severity' | 'type' | 'status' | 'sensor_code' | 'sensor_name_th' | 'sensor_name_en' | 'zone_id' | 'level_m' | 'opened_at'>;

export function SeverityBadge({ severity }: { severity: FloodAlert['severity'] }) {
  const { t } = useLanguage();
  return (
    <span className="alert-severity" data-severity={severity} style={{ background: severityColor(severity) }}>
      {t(`flood.severity.${severity}`)}
    </span>
  );
}

/** An alert's facts as the wall and the public page both show them; `status` only for staff. */
export function AlertSummary({
  alert,
  now,
  status = false,
  types = [alert.type],
}: {
  alert: Omit<AlertFacts, 'status'> & Partial<AlertFacts>;
  now: Date;
  status?: boolean;
  /** Several kinds of trouble at one place, when the public page merges them. */
  types?: FloodAlert['type'][];
}) {
  const { t, lang } = useLanguage();
  return (
    <>
      <span className="alert-card-head">
        <SeverityBadge severity={alert.severity} />
        <span className="alert-type">{types.map((type) => t(`flood.type.${type}`)).join(' · ')}</span>
        {status && alert.status && (
          <span className="alert-status" data-testid="alert-status">
            {t(`flood.status.${alert.status}`)}
          </span>
        )}
      </span>
      <strong className="alert-sensor">{localName({ name_th: alert.sensor_name_th, name_en: alert.sensor_name_en }, lang)}</strong>
      <span className="alert-meta">
        {alert.sensor_code} · {t('field.zone')} {alert.zone_id}
        {alert.level_m !== null && (
          <>
            {' '}
            · {t('flood.level')} <b>{formatMetres(alert.level_m, lang)}</b>
          </>
        )}
      </span>
      <span className="alert-meta">
        {t('flood.since')} {formatAgo(alert.opened_at, lang, now)} · {formatDateTime(alert.opened_at, lang)}
      </span>
    </>
  );
}
