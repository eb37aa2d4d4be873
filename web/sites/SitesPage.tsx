import './sites.css';
import { lazy, Suspense, useCallback, useEffect, useLayoutEffect, useState } from 'react';
import { useAuth } from '../auth/AuthProvider.tsx';
import { StaffShell } from '../auth/StaffShell.tsx';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { beginPage, markReady } from '../map/readiness.ts';
import { usePath } from '../router.tsx';
import { OutboxPanel } from './OutboxPanel.tsx';
import { installWorkspace } from './pwa.ts';
import { SiteList } from './SiteList.tsx';
import { useOnline } from './useOnline.ts';
import { useOutbox } from './useOutbox.ts';

installWorkspace();

/**
 * A site's page is a chunk of its own (precached for offline use with this one, see
 * scripts/lib/pwa.ts): the list, which the engineer opens first, stays small on 3G.
 */
const loadSitePage = () => import('./SitePage.tsx').then((m) => ({ default: m.SitePage }));
const SitePage = lazy(loadSitePage);
// Opened at a site's address: its chunk is asked for now, not a render and a session check later.
if (/^\/sites\/\d+\/?$/.test(window.location.pathname)) loadSitePage().catch(() => undefined);

/**
 * The site workspace (`/sites`, `/sites/{id}`), phone first: the engineer's sites, or one site,
 * and below either what the phone still has to send.
 */
export function SitesPage() {
  const { t } = useLanguage();
  const { known, user } = useAuth();
  const online = useOnline();
  const outbox = useOutbox();
  const path = usePath();
  const siteId = Number(/^\/sites\/(\d+)$/.exec(path)?.[1] ?? Number.NaN);
  const isSite = Number.isInteger(siteId);

  // The list is complete once it and the outbox are read. A site's page is complete with its map's
  // first frame (web/map/MapView.tsx marks it), or once it knows it has nothing to draw.
  const [settledPath, setSettledPath] = useState<string | null>(null);
  const settle = useCallback(() => setSettledPath(path), [path]);
  // Before any child's effect can report its content settled (layout effects run before all effects).
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new path is a new page, whose readiness starts again.
  useLayoutEffect(() => {
    beginPage([]);
    setSettledPath(null);
  }, [path]);
  const loaded = outbox.entries !== null;
  useEffect(() => {
    if (loaded && settledPath === path) markReady();
  }, [loaded, settledPath, path]);

  const unsent = outbox.counts.waiting + outbox.counts.sending;
  return (
    <StaffShell className="page-sites">
      <div className="sites-page">
        {!online && (
          <p className="sites-note" data-testid="sites-offline">
            {t('sites.offline')}
          </p>
        )}
        {online && known && !user && unsent > 0 && <p className="sites-note">{t('sites.signInToSend')}</p>}
        {isSite ? (
          <Suspense fallback={null}>
            <SitePage id={siteId} online={online} sent={outbox.counts.sent} onSettled={settle} />
          </Suspense>
        ) : (
          <SiteList online={online} onSettled={settle} />
        )}
        <OutboxPanel outbox={outbox} />
      </div>
    </StaffShell>
  );
}
