import { useRef, useState } from 'react';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { roleLabel, zoneScopeLabel } from './access.ts';
import { useAuth } from './AuthProvider.tsx';
import { SignInDialog } from './SignInDialog.tsx';

interface UserMenuProps {
  /** Shown only to those who may read the audit trail. */
  auditOpen: boolean;
  onToggleAudit: () => void;
}

/** The header's account corner: "Sign in", or who is signed in, as what, where, and "Sign out". */
export function UserMenu({ auditOpen, onToggleAudit }: UserMenuProps) {
  const { t, lang } = useLanguage();
  const { user, permissions, signOut } = useAuth();
  /** The opening of the sign-in dialog now showing (each gets a fresh dialog), or null. */
  const [dialog, setDialog] = useState<number | null>(null);
  const openings = useRef(0);
  const [signOutFailed, setSignOutFailed] = useState(false);

  if (!user) {
    return (
      <>
        <button type="button" className="header-button" data-testid="sign-in" onClick={() => setDialog(++openings.current)}>
          {t('auth.signIn')}
        </button>
        {dialog !== null && <SignInDialog key={dialog} onClose={() => setDialog((current) => (current === dialog ? null : current))} />}
      </>
    );
  }

  const scope = zoneScopeLabel(user.zones, lang);
  const role = t(roleLabel(user.role));
  return (
    <>
      {permissions.audit.read && (
        <button type="button" className="header-button" data-testid="audit-toggle" aria-pressed={auditOpen} onClick={onToggleAudit}>
          {t('audit.open')}
        </button>
      )}
      <div className="user-badge" data-testid="user-badge" data-role={user.role} title={`${t('auth.signedInAs')} ${user.username}`}>
        <span className="user-name" data-testid="user-name">
          {user.display_name}
        </span>
        <span className="user-role" data-testid="user-role">
          {role}
          {scope && <span className="user-scope"> · {scope}</span>}
        </span>
      </div>
      <button
        type="button"
        className="header-button"
        data-testid="sign-out"
        title={signOutFailed ? t('auth.signOutFailed') : undefined}
        onClick={() => {
          setSignOutFailed(false);
          signOut().catch(() => setSignOutFailed(true));
        }}
      >
        {t('auth.signOut')}
      </button>
    </>
  );
}
