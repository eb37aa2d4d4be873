import { useState } from 'react';
import { SignInDialog } from '../auth/SignInDialog.tsx';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { PATHS } from '../router.tsx';

/** A truck's day replayed. */
export const replayHref = (code: string, date: string) => `${PATHS.wasteReplay}/${encodeURIComponent(code)}?date=${date}`;

/** The waste pages are staff work (their endpoints answer the public 401): the public is asked to sign in. */
export function SignInPrompt() {
  const { t } = useLanguage();
  const [open, setOpen] = useState(false);
  return (
    <div className="waste-sign-in" data-testid="waste-sign-in">
      <p>{t('waste.signIn')}</p>
      <button type="button" className="primary" onClick={() => setOpen(true)}>
        {t('auth.signIn')}
      </button>
      {open && <SignInDialog onClose={() => setOpen(false)} />}
    </div>
  );
}
