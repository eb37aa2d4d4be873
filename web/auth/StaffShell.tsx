import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { LanguageToggle } from '../i18n/LanguageToggle.tsx';
import { Shell } from '../map/Shell.tsx';
import { Link, PATHS, usePath } from '../router.tsx';
import { useAuth } from './AuthProvider.tsx';
import { SessionNotice } from './SessionNotice.tsx';
import { UserMenu } from './UserMenu.tsx';

// Only auditors and administrators open it: everyone else never loads it.
const AuditPanel = lazy(() => import('../audit/AuditPanel.tsx').then((m) => ({ default: m.AuditPanel })));

const TABS = [
  ['city', PATHS.city],
  ['executive', PATHS.plan],
  ['flood', PATHS.flood],
] as const;
/**
 * The site, waste and tax workspaces are staff work: their tabs show once someone is signed in.
 * (The tax page also shows anyone the collection figures by zone, from a link.)
 */
const STAFF_TABS = [
  ['sites', PATHS.sites],
  ['waste', PATHS.waste],
  ['tax', PATHS.tax],
] as const;

/** A crowded header scrolls its tabs: the page's own tab, once it is the page's, is scrolled into sight. */
const keepInSight = (tab: HTMLAnchorElement | null) => tab?.scrollIntoView({ block: 'nearest', inline: 'nearest' });

/**
 * The staff pages' frame: the header with the page tabs, the account corner and the language
 * switch, the audit trail for those who may read it, and the note when a session ended.
 */
export function StaffShell({ className, children }: { className: string; children: ReactNode }) {
  const { t } = useLanguage();
  const { permissions, user } = useAuth();
  const path = usePath();
  const [auditOpen, setAuditOpen] = useState(false);
  const showAudit = auditOpen && permissions.audit.read;

  // Whoever signs in next opens the audit trail themselves.
  useEffect(() => {
    if (!permissions.audit.read) setAuditOpen(false);
  }, [permissions.audit.read]);

  const header = (
    <>
      <h1 data-testid="app-title">Mueang · เทศบาลนครขอนแก่น</h1>
      <nav className="view-tabs" data-testid="view-switch">
        {[...TABS, ...(user ? STAFF_TABS : [])].map(([view, href]) => {
          // A workspace's inner pages (a site, a truck's replay) are under its tab too.
          const current = path === href ? 'page' : href !== '/' && path.startsWith(`${href}/`) ? 'true' : undefined;
          return (
            <Link
              key={view}
              href={href}
              className={current ? 'view-tab active' : 'view-tab'}
              aria-current={current}
              ref={current ? keepInSight : undefined}
              data-testid={`view-${view}`}
            >
              {t(`view.${view}`)}
            </Link>
          );
        })}
      </nav>
      <div className="header-actions">
        <UserMenu auditOpen={showAudit} onToggleAudit={() => setAuditOpen((open) => !open)} />
        <LanguageToggle />
      </div>
    </>
  );

  return (
    <Shell header={header} className={className} mainClassName={showAudit ? 'audit-open' : undefined}>
      {children}
      <SessionNotice />
      {showAudit && (
        <Suspense fallback={null}>
          <AuditPanel onClose={() => setAuditOpen(false)} />
        </Suspense>
      )}
    </Shell>
  );
}
