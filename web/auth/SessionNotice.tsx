import { useEffect } from 'react';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { useAuth } from './AuthProvider.tsx';

const SHOW_MS = 12_000;

/** A short note when a session ended by itself, so the changed view is not a mystery. */
export function SessionNotice() {
  const { t } = useLanguage();
  const { notice, dismissNotice } = useAuth();

  useEffect(() => {
    if (!notice) return;
    const timer = window.setTimeout(dismissNotice, SHOW_MS);
    return () => window.clearTimeout(timer);
  }, [notice, dismissNotice]);

  if (!notice) return null;
  return (
    <div className="notice" role="status" data-testid="session-notice">
      <span>{t('auth.expired')}</span>
      <button type="button" className="close" onClick={dismissNotice} aria-label={t('notice.close')} title={t('notice.close')}>
        ×
      </button>
    </div>
  );
}
