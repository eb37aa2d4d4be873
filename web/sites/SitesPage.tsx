import type { Geometry } from 'geojson';
import './sites.css';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { api } from '../api/client.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { StaffShell } from '../auth/StaffShell.tsx';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { fill, localName } from '../i18n/strings.ts';
import { beginPage, markReady } from '../map/readiness.ts';
import { usePath } from '../router.tsx';
import { InspectionForm } from './InspectionForm.tsx';
import { OutboxPanel } from './OutboxPanel.tsx';
import { installWorkspace } from './pwa.ts';
import { useOutbox } from './useOutbox.ts';

installWorkspace();

const subscribeOnline = (listener: () => void) => {
  window.addEventListener('online', listener);
  window.addEventListener('offline', listener);
  return () => {
    window.removeEventListener('online', listener);
    window.removeEventListener('offline', listener);
  };
};
const useOnline = () => useSyncExternalStore(subscribeOnline, () => navigator.onLine);

/**
 * The site workspace (`/sites`, `/sites/{id}`), phone first: what the phone still has to send,
 * and on a site's page the inspection form. The engineer's site list and a site's history come
 * with the sites API.
 */
export function SitesPage() {
  const { t, lang } = useLanguage();
  const { known, user } = useAuth();
  const online = useOnline();
  const outbox = useOutbox();
  const path = usePath();
  const siteId = Number(/^\/sites\/(\d+)$/.exec(path)?.[1] ?? Number.NaN);
  const [detail, setDetail] = useState<Awaited<ReturnType<typeof api.site>> | null>(null);
  useEffect(() => {
    if (Number.isInteger(siteId)) api.site(siteId).then(setDetail, () => setDetail(null));
  }, [siteId]);
  const site = Number.isInteger(siteId)
    ? {
        id: siteId,
        name: detail ? localName(detail, lang) : fill(t('sites.site'), { id: siteId }),
        // GeoJSON from ST_AsGeoJSON; the API's JSON typing only loses a collection's members' type.
        geometry: (detail?.geometry ?? null) as Geometry | null,
        planned_pct: detail?.planned_pct,
      }
    : null;
  const returned = detail?.inspections.find((i) => i.status === 'returned' && i.author.id === user?.id);

  // No map here: the page is complete once the outbox has been read.
  useEffect(() => beginPage([]), []);
  const loaded = outbox.entries !== null;
  useEffect(() => {
    if (loaded) markReady();
  }, [loaded]);

  const unsent = outbox.counts.waiting + outbox.counts.sending;
  return (
    <StaffShell className="page-sites">
      <div className="sites-page">
        <h2 className="sites-title">{site ? site.name : t('sites.title')}</h2>
        {!online && (
          <p className="sites-note" data-testid="sites-offline">
            {t('sites.offline')}
          </p>
        )}
        {online && known && !user && unsent > 0 && <p className="sites-note">{t('sites.signInToSend')}</p>}
        {site && <InspectionForm key={returned?.id ?? 'new'} site={site} resubmit={returned} />}
        <OutboxPanel outbox={outbox} />
      </div>
    </StaffShell>
  );
}
