import { useAuth } from '../auth/AuthProvider.tsx';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { formatDateTime } from '../i18n/format.ts';
import { fill } from '../i18n/strings.ts';
import { discard, mayBeSentBy, type OutboxEntry, type OutboxState, retry } from './outbox.ts';
import type { OutboxView } from './useOutbox.ts';

const STATES: readonly OutboxState[] = ['failed', 'waiting', 'sending', 'sent'];

/**
 * What the phone has not sent yet, what it is sending, what went and what was refused: failed
 * entries first, each with the server's reason and the two buttons only the person may press.
 */
export function OutboxPanel({ outbox }: { outbox: OutboxView }) {
  const { t, lang } = useLanguage();
  const { user } = useAuth();
  const { entries, counts } = outbox;
  const byKey = new Map((entries ?? []).map((e) => [e.key, e]));

  const onDiscard = (entry: OutboxEntry) => {
    const dependants = (entries ?? []).filter((e) => e.dependsOn === entry.key).length;
    if (window.confirm(fill(t('outbox.discardConfirm'), { count: dependants + 1 }))) void discard(entry.key);
  };

  return (
    <section className="outbox" data-testid="outbox" aria-label={t('outbox.title')}>
      <h2>{t('outbox.title')}</h2>
      <p className="outbox-counts">
        {STATES.map((state) => (
          <span key={state} className={`outbox-count outbox-${state}`} data-testid={`outbox-count-${state}`} data-count={counts[state]}>
            {t(`outbox.state.${state}`)} {counts[state]}
          </span>
        ))}
      </p>
      {entries !== null && entries.length === 0 && <p className="outbox-empty">{t('outbox.empty')}</p>}
      <ol className="outbox-entries">
        {STATES.flatMap((state) => (entries ?? []).filter((e) => e.state === state)).map((entry) => {
          const blocked = entry.state === 'waiting' && entry.dependsOn !== null && byKey.get(entry.dependsOn)?.state !== 'sent';
          // Someone else's writes, on a phone they share: sent when they sign in, never under this person's name.
          const othersAuthor = entry.state === 'waiting' && entry.author && user && !mayBeSentBy(entry, user.id) ? entry.author.name : null;
          return (
            <li key={entry.key} className={`outbox-entry outbox-${entry.state}`} data-testid="outbox-entry" data-key={entry.key} data-state={entry.state}>
              <div className="outbox-line">
                <span className="outbox-state">{t(`outbox.state.${entry.state}`)}</span>
                <span className="outbox-kind">{t(`outbox.kind.${entry.kind}`)}</span>
              </div>
              <div className="outbox-what">
                {entry.site.name} · {formatDateTime(entry.visitedAt, lang)}
              </div>
              {blocked && <div className="outbox-note">{t('outbox.waitsForInspection')}</div>}
              {othersAuthor && <div className="outbox-note">{fill(t('outbox.waitsForAuthor'), { name: othersAuthor })}</div>}
              {entry.lastError && entry.state !== 'sent' && (
                <div className="outbox-error" data-testid="outbox-error">
                  {entry.lastError}
                  {entry.attempts > 1 && ` · ${fill(t('outbox.attempts'), { n: entry.attempts })}`}
                </div>
              )}
              {entry.state === 'failed' && (
                <div className="outbox-actions">
                  <button type="button" data-testid="outbox-retry" onClick={() => void retry(entry.key)}>
                    {t('outbox.retry')}
                  </button>
                  <button type="button" data-testid="outbox-discard" onClick={() => onDiscard(entry)}>
                    {t('outbox.discard')}
                  </button>
                </div>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
