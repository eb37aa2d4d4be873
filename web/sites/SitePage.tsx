import type { Geometry } from 'geojson';
import { Component, lazy, type ReactNode, Suspense, useEffect, useMemo, useState } from 'react';
import { api } from '../api/client.ts';
import { useResource } from '../api/useResource.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { formatBaht, formatDate } from '../i18n/format.ts';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { fill, localName } from '../i18n/strings.ts';
import { Link, PATHS } from '../router.tsx';
import { Compare } from './Compare.tsx';
import { InspectionForm } from './InspectionForm.tsx';
import { InspectionItem } from './InspectionItem.tsx';
import { PhotoTimeline, type TimelinePhoto, timelinePhotos } from './PhotoTimeline.tsx';
import { PhotoViewer } from './PhotoViewer.tsx';
import { SCurve } from './SCurve.tsx';
import { DelayBadge, ProgressBars, ServedAt } from './SiteBits.tsx';
import type { SiteDetail, SiteInspection } from './types.ts';

/**
 * MapLibre comes with the map, after the page's text: a chunk of its own, asked for as soon as
 * this page's code runs, so that it downloads while the site's answer is on its way.
 */
const loadSiteMap = () => import('./SiteMap.tsx');
const SiteMap = lazy(loadSiteMap);
loadSiteMap().catch(() => undefined);

/**
 * One construction site: its contract, its planned curve against what was inspected, its photos
 * (and before/after), its map, its inspection history with the reviewers' decisions, and the
 * inspection form for those who record them. `sent` (the outbox's count of sent writes) loads
 * the site again when something recorded here has reached the server.
 */
/**
 * One request per site and version at a time. A site's page first renders as its chunk arrives,
 * and a render React throws away and starts again (the outbox's count arriving meanwhile) would
 * otherwise ask twice, and wait for the later answer (measured: 0.28 s later on this machine).
 */
const inFlight = new Map<string, Promise<SiteDetail>>();

function loadSite(key: string, id: number): Promise<SiteDetail> {
  let answer = inFlight.get(key);
  if (!answer) {
    answer = api.site(id);
    inFlight.set(key, answer);
    answer.finally(() => inFlight.delete(key)).catch(() => undefined);
  }
  return answer;
}

export function SitePage({ id, online, sent, onSettled }: { id: number; online: boolean; sent: number; onSettled: () => void }) {
  const { t, lang } = useLanguage();
  const { known, permissions } = useAuth();
  // Offline, nobody can say who this is: the form is offered, and the outbox sends it under its author once they are known.
  const mayRecord = permissions.sites.record || !known;
  const [changes, setChanges] = useState(0);
  const key = `site:${id}:${changes}:${sent}`;
  const detail = useResource(key, () => loadSite(key, id));
  const site = detail.data?.project_id === id ? detail.data : null;
  const [resubmit, setResubmit] = useState<SiteInspection | null>(null);
  const [viewing, setViewing] = useState<TimelinePhoto | null>(null);
  const [comparing, setComparing] = useState(false);
  const [mapFailed, setMapFailed] = useState(false);
  const photos = useMemo(() => (site ? timelinePhotos(site.inspections) : []), [site]);

  // With the site there is a map to wait for (it marks the page ready); without, the page is what it shows.
  const failed = !site && detail.error !== null;
  useEffect(() => {
    if (failed || mapFailed) onSettled();
  }, [failed, mapFailed, onSettled]);

  if (!site) {
    return (
      <section className="site-page" data-testid="site-page" data-site-id={id}>
        <Link href={PATHS.sites} className="sites-back">
          {t('sites.back')}
        </Link>
        {detail.error && (
          <p className="sites-error" role="alert">
            {t('app.error')}: {detail.error.message}
          </p>
        )}
        {/* A site never opened on this phone has no cached answer offline: its inspection can still be recorded. */}
        {detail.error && mayRecord && <InspectionForm site={{ id, name: fill(t('sites.site'), { id }), geometry: null }} />}
      </section>
    );
  }

  const reload = () => setChanges((n) => n + 1);
  const open = (photo: TimelinePhoto) => {
    setViewing(photo);
    setComparing(false);
  };
  const name = localName(site, lang);
  // The typed client turns a recursive GeoJSON type into JSON values at its one recursive spot (a collection's members).
  const geometry = site.geometry as Geometry | null;
  return (
    <section className="site-page" data-testid="site-page" data-site-id={id}>
      <Link href={PATHS.sites} className="sites-back">
        {t('sites.back')}
      </Link>
      <h2 className="sites-title">{name}</h2>
      <div className="site-page-tags">
        <span className="site-code">{site.code}</span>
        {site.zone_id !== null && <span>{fill(t('sites.zone'), { n: site.zone_id })}</span>}
        <DelayBadge site={site} />
      </div>
      <ServedAt servedAt={site.served_at} online={online} />
      <ContractFacts site={site} />
      <ProgressBars planned={site.planned_pct} actual={site.actual_pct} />
      <SCurve site={site} />

      {viewing && !comparing && <PhotoViewer photo={viewing} onCompare={() => setComparing(true)} onClose={() => setViewing(null)} />}
      {viewing && comparing && <Compare key={viewing.id} first={viewing} photos={photos} onClose={() => setComparing(false)} />}
      <PhotoTimeline photos={photos} onOpen={open} />

      <section className="site-section">
        <h3>{t('sites.map')}</h3>
        {mapFailed ? (
          <p className="sites-none">{t('sites.mapFailed')}</p>
        ) : (
          <MapBoundary onError={() => setMapFailed(true)}>
            <Suspense fallback={<div className="site-map site-map--loading" />}>
              <SiteMap geometry={geometry} photos={photos} onOpen={open} />
            </Suspense>
          </MapBoundary>
        )}
      </section>

      {mayRecord && (
        <InspectionForm
          key={resubmit?.id ?? 'new'}
          site={{ id: site.project_id, name, geometry, planned_pct: site.planned_pct }}
          resubmit={resubmit ?? undefined}
        />
      )}

      <section className="site-section">
        <h3>{t('sites.history')}</h3>
        <ol className="inspection-list">
          {site.inspections.map((inspection) => (
            <InspectionItem
              key={inspection.id}
              inspection={inspection}
              rights={{ closeDefects: permissions.sites.close_defects }}
              onChanged={reload}
              onResubmit={(i) => {
                setResubmit(i);
                // The form is above the history: bring it into view to edit.
                requestAnimationFrame(() => document.querySelector('[data-testid="inspection-form"]')?.scrollIntoView({ block: 'start' }));
              }}
            />
          ))}
        </ol>
      </section>
    </section>
  );
}

function ContractFacts({ site }: { site: SiteDetail }) {
  const { t, lang } = useLanguage();
  return (
    <dl className="site-facts" data-testid="site-facts">
      <dt>{t('sites.contractor')}</dt>
      <dd>{site.contractor}</dd>
      <dt>{t('sites.contractNo')}</dt>
      <dd>{site.contract_no}</dd>
      <dt>{t('sites.period')}</dt>
      <dd>
        {formatDate(site.contract_start, lang)} – {formatDate(site.contract_end, lang)}
      </dd>
      <dt>{t('sites.value')}</dt>
      <dd>{formatBaht(site.contract_value, lang)}</dd>
      {site.completed_on && (
        <>
          <dt>{t('sites.completed')}</dt>
          <dd>{formatDate(site.completed_on, lang)}</dd>
        </>
      )}
    </dl>
  );
}

/** A map that cannot load (its chunk offline, no WebGL) leaves the rest of the page as it is. */
class MapBoundary extends Component<{ onError: () => void; children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override componentDidCatch() {
    this.props.onError();
  }
  override render() {
    return this.state.failed ? null : this.props.children;
  }
}
