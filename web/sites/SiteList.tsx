import { useEffect, useMemo, useState } from 'react';
import { api } from '../api/client.ts';
import { useResource } from '../api/useResource.ts';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { fill, localName } from '../i18n/strings.ts';
import { Link } from '../router.tsx';
import { bangkokDay, daysBetween, DelayBadge, ProgressBars, ServedAt } from './SiteBits.tsx';
import type { SiteSummary } from './types.ts';

const FILTERS = ['all', 'late', 'review'] as const;
type Filter = (typeof FILTERS)[number];

const PASSES: Record<Filter, (site: SiteSummary) => boolean> = {
  all: () => true,
  late: (site) => site.late,
  review: (site) => site.awaiting_review > 0,
};

/**
 * The engineer's sites in the server's order of attention (late first, then not visited lately,
 * then awaiting sign-off): filtering and searching only leave rows out, never reorder them.
 */
export function SiteList({ online, onSettled }: { online: boolean; onSettled: () => void }) {
  const { t } = useLanguage();
  const list = useResource('sites', (signal) => api.sites(signal));
  const [filter, setFilter] = useState<Filter>('all');
  const [query, setQuery] = useState('');
  const settled = list.data !== null || list.error !== null;
  useEffect(() => {
    if (settled) onSettled();
  }, [settled, onSettled]);

  const sites = list.data?.sites;
  const rows = useMemo(() => {
    const words = query.trim().toLowerCase();
    const found = (s: SiteSummary) => !words || [s.name_th, s.name_en, s.code].some((text) => text.toLowerCase().includes(words));
    return (sites ?? []).filter((s) => PASSES[filter](s) && found(s));
  }, [sites, filter, query]);

  return (
    <section className="site-list-section">
      <h2 className="sites-title">{t('sites.title')}</h2>
      <ServedAt servedAt={list.data?.served_at} online={online} />
      <div className="site-filters">
        {FILTERS.map((f) => (
          <button key={f} type="button" className="site-chip" aria-pressed={filter === f} data-testid={`sites-filter-${f}`} onClick={() => setFilter(f)}>
            {t(`sites.filter.${f}`)} <span className="site-filter-count">{(sites ?? []).filter(PASSES[f]).length}</span>
          </button>
        ))}
      </div>
      <input
        type="search"
        className="site-search"
        placeholder={t('sites.search')}
        aria-label={t('sites.search')}
        value={query}
        data-testid="sites-search"
        onChange={(e) => setQuery(e.target.value)}
      />
      {list.error && !list.data && (
        <p className="sites-error" role="alert">
          {t('app.error')}: {list.error.message}
        </p>
      )}
      <ol className="site-list" data-testid="site-list">
        {list.data && rows.map((site) => <SiteRow key={site.project_id} site={site} today={list.data?.today ?? ''} />)}
      </ol>
      {list.data && rows.length === 0 && <p className="sites-none">{t('sites.none')}</p>}
    </section>
  );
}

function SiteRow({ site, today }: { site: SiteSummary; today: string }) {
  const { t, lang } = useLanguage();
  const days = site.last_inspection_at ? daysBetween(bangkokDay(site.last_inspection_at), today) : null;
  return (
    <li className={site.late ? 'site-row site-row--late' : 'site-row'} data-testid="site-row" data-site-id={site.project_id} data-late={String(site.late)}>
      <Link href={`/sites/${site.project_id}`} className="site-row-link">
        <div className="site-row-head">
          <span className="site-name">{localName(site, lang)}</span>
          <DelayBadge site={site} />
        </div>
        <div className="site-row-meta">
          {site.code} · {site.zone_id === null ? '—' : fill(t('sites.zone'), { n: site.zone_id })} · {site.contractor}
        </div>
        <ProgressBars planned={site.planned_pct} actual={site.actual_pct} />
        <div className="site-row-counts">
          <span className={site.stale ? 'site-count site-count--stale' : 'site-count'}>
            {days === null ? t('sites.neverVisited') : fill(t('sites.daysSince'), { n: days })}
          </span>
          {site.awaiting_review > 0 && <span className="site-count site-count--review">{fill(t('sites.awaiting'), { n: site.awaiting_review })}</span>}
          {site.open_defects > 0 && <span className="site-count site-count--defects">{fill(t('sites.openDefects'), { n: site.open_defects })}</span>}
        </div>
      </Link>
    </li>
  );
}
