import './auth.css';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../api/client.ts';
import { formatDateTime } from '../i18n/format.ts';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { fill, type Lang, type MessageKey } from '../i18n/strings.ts';
import { useAuth } from './AuthProvider.tsx';

type T = (key: MessageKey) => string;

/** One sentence a person can act on, for each way a sign-in can fail. */
function signInErrorMessage(error: unknown, t: T, lang: Lang): string {
  if (!(error instanceof ApiError)) return t('auth.error.network');
  switch (error.status) {
    case 401:
      return t('auth.error.credentials');
    case 423: {
      // "account locked after repeated failed sign-ins, until 2025-11-21T08:45:00Z"
      const until = /until (\S+?)\.?$/.exec(error.detail)?.[1];
      const time = until ? formatDateTime(until, lang) : '—';
      return time === '—' ? t('auth.error.lockedNoTime') : fill(t('auth.error.locked'), { until: time });
    }
    case 429:
      return error.retryAfter ? fill(t('auth.error.tooMany'), { minutes: Math.max(1, Math.ceil(error.retryAfter / 60)) }) : t('auth.error.tooManyNoTime');
    case 400:
      return fill(t('auth.error.invalid'), { detail: error.detail });
    default:
      return fill(t('auth.error.other'), { detail: `${error.status}: ${error.detail}` });
  }
}

/**
 * The staff sign-in form, as a modal dialog: Esc or Cancel closes it, Enter submits, focus
 * starts in the username and stays inside until it closes. Password managers find the fields
 * by their autocomplete attributes.
 *
 * Mounted for one opening only (the header gives each opening a new key): every opening starts
 * empty, as it should on a shared office computer, and the browser's asynchronous `close` event
 * of one opening can never be mistaken for the next.
 */
export function SignInDialog({ onClose }: { onClose: () => void }) {
  const { t, lang } = useLanguage();
  const { signIn } = useAuth();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const usernameRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<{ status: number | null; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = useId();

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    usernameRef.current?.focus();
    return () => {
      if (dialog.open) dialog.close();
    };
  }, []);

  const close = () => dialogRef.current?.close();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await signIn(username, password);
      onClose();
    } catch (caught) {
      setError({ status: caught instanceof ApiError ? caught.status : null, message: signInErrorMessage(caught, t, lang) });
      // Wrong password: the username was probably right; try the password again.
      setPassword('');
      passwordRef.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  const errorId = `${ids}-error`;
  return (
    <dialog ref={dialogRef} className="sign-in-dialog" data-testid="sign-in-dialog" aria-labelledby={`${ids}-title`} onClose={onClose}>
      <form onSubmit={submit} noValidate={false}>
        <h2 id={`${ids}-title`}>{t('auth.signInTitle')}</h2>
        <p className="dialog-hint">{t('auth.signInHint')}</p>
        <label htmlFor={`${ids}-username`}>{t('auth.username')}</label>
        <input
          ref={usernameRef}
          id={`${ids}-username`}
          name="username"
          data-testid="sign-in-username"
          autoComplete="username"
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          required
          maxLength={64}
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          aria-invalid={error?.status === 401 || undefined}
          aria-describedby={error ? errorId : undefined}
        />
        <label htmlFor={`${ids}-password`}>{t('auth.password')}</label>
        <input
          ref={passwordRef}
          id={`${ids}-password`}
          name="password"
          type="password"
          data-testid="sign-in-password"
          autoComplete="current-password"
          required
          maxLength={256}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-invalid={error?.status === 401 || undefined}
          aria-describedby={error ? errorId : undefined}
        />
        <p id={errorId} className="form-error" role="alert" data-testid="sign-in-error" data-status={error?.status ?? undefined}>
          {error?.message}
        </p>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={close}>
            {t('auth.cancel')}
          </button>
          <button type="submit" className="button button-primary" data-testid="sign-in-submit" disabled={busy}>
            {busy ? t('auth.signingIn') : t('auth.signIn')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
