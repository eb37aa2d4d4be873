import { useState, type FormEvent } from 'react';
import { api, ApiError, type AlertActionResult, type FloodAlert } from '../api/client.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { formatClock } from '../i18n/format.ts';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { fill } from '../i18n/strings.ts';
import { canHandle, isActive, severityColor } from './alerts.ts';
import { AlertSummary } from './AlertSummary.tsx';

interface AlertCardProps {
  alert: FloodAlert;
  selected: boolean;
  pulsing: boolean;
  onSelect: (alert: FloodAlert) => void;
  /** The server's answer to an action, so the wall shows it at once. */
  onActed: (alert: FloodAlert) => void;
  /** The wall's clock, so ages keep counting between events. */
  now: Date;
}

type Action = 'acknowledge' | 'resolve' | 'close' | 'note' | 'assign';

/** One alert on the wall: what, where, how bad, since when, who knows; and what may be done. */
export function AlertCard({ alert, selected, pulsing, onSelect, onActed, now }: AlertCardProps) {
  const { t, lang } = useLanguage();
  const { permissions } = useAuth();
  const handles = canHandle(permissions, alert);
  const full = alert.view === 'full' ? alert : null;
  const classes = ['alert-card', `severity-${alert.severity}`, `status-${alert.status}`];
  if (selected) classes.push('selected');
  if (pulsing && alert.status === 'open') classes.push('pulsing');

  return (
    <li
      className={classes.join(' ')}
      data-testid="alert-card"
      data-alert-id={alert.id}
      data-severity={alert.severity}
      data-status={alert.status}
      data-sensor={alert.sensor_code}
      style={{ borderLeftColor: severityColor(alert.severity) }}
    >
      <button type="button" className="alert-card-main" onClick={() => onSelect(alert)} aria-pressed={selected}>
        <AlertSummary alert={alert} now={now} status />
        {full && (
          <span className="alert-people" data-testid="alert-people">
            {full.acknowledged_by && <span data-testid="alert-acknowledged-by">{fill(t('flood.acknowledgedBy'), { name: full.acknowledged_by })}</span>}
            {full.assignee_name && <span>{fill(t('flood.assignedTo'), { name: full.assignee_name })}</span>}
            {isActive(full) && (
              <span data-testid="alert-escalation">
                {fill(t('flood.escalation'), { step: full.escalation_step + 1 })}
                {' · '}
                {full.notified ? fill(t('flood.told'), { contact: full.notified }) : t('flood.notToldYet')}
                {full.status === 'open' && full.next_escalation_at && (
                  <> · {fill(t('flood.nextEscalation'), { time: formatClock(full.next_escalation_at, lang) })}</>
                )}
              </span>
            )}
          </span>
        )}
      </button>
      {handles && <AlertActions alert={alert} onActed={onActed} />}
    </li>
  );
}

function AlertActions({ alert, onActed }: { alert: FloodAlert; onActed: (alert: FloodAlert) => void }) {
  const { t } = useLanguage();
  const { user } = useAuth();
  const [open, setOpen] = useState<'note' | 'assign' | null>(null);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = async (action: Action) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    const note = text.trim() || undefined;
    try {
      let result: AlertActionResult;
      switch (action) {
        case 'acknowledge':
          result = await api.acknowledgeAlert(alert.id, note);
          break;
        case 'resolve':
          result = await api.resolveAlert(alert.id, note);
          break;
        case 'close':
          result = await api.closeAlert(alert.id, note);
          break;
        case 'note':
          result = await api.noteAlert(alert.id, note ?? '');
          break;
        case 'assign':
          result = await api.assignAlert(alert.id, note ?? null);
          break;
      }
      if (result.alert) onActed(result.alert);
      setText('');
      setOpen(null);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.detail : t('flood.action.failed'));
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (open) void run(open);
  };

  return (
    <div className="alert-actions">
      <div className="alert-buttons">
        {alert.status === 'open' && (
          <button type="button" className="button button-primary" data-testid="alert-acknowledge" disabled={busy} onClick={() => run('acknowledge')}>
            {t('flood.action.acknowledge')}
          </button>
        )}
        {isActive(alert) && (
          <button type="button" className="button" data-testid="alert-resolve" disabled={busy} onClick={() => run('resolve')}>
            {t('flood.action.resolve')}
          </button>
        )}
        {alert.status === 'resolved' && (
          <button type="button" className="button" data-testid="alert-close" disabled={busy} onClick={() => run('close')}>
            {t('flood.action.close')}
          </button>
        )}
        <button
          type="button"
          className="button button-quiet"
          data-testid="alert-note"
          aria-pressed={open === 'note'}
          onClick={() => setOpen(open === 'note' ? null : 'note')}
        >
          {t('flood.action.note')}
        </button>
        <button
          type="button"
          className="button button-quiet"
          data-testid="alert-assign"
          aria-pressed={open === 'assign'}
          onClick={() => {
            setOpen(open === 'assign' ? null : 'assign');
            if (open !== 'assign' && user) setText(user.username);
          }}
        >
          {t('flood.action.assign')}
        </button>
      </div>
      {open && (
        <form className="alert-form" onSubmit={submit}>
          <input
            data-testid={`alert-${open}-input`}
            aria-label={t(open === 'note' ? 'flood.action.notePlaceholder' : 'flood.action.assignPlaceholder')}
            placeholder={t(open === 'note' ? 'flood.action.notePlaceholder' : 'flood.action.assignPlaceholder')}
            value={text}
            maxLength={open === 'note' ? 2000 : 32}
            onChange={(e) => setText(e.target.value)}
            // biome-ignore lint/a11y/noAutofocus: the form opens on the person's own click of Note or Assign: the cursor goes where they asked to type.
            autoFocus
          />
          <button type="submit" className="button button-primary" disabled={busy || (open === 'note' && !text.trim())}>
            {t(open === 'note' ? 'flood.action.save' : 'flood.action.assignSubmit')}
          </button>
        </form>
      )}
      {error && (
        <p className="form-error" role="alert" data-testid="alert-error">
          {error}
        </p>
      )}
    </div>
  );
}
