import { BANGKOK_OFFSET_MS, formatDateTime, formatNumber } from '../i18n/format.ts';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { fill } from '../i18n/strings.ts';
import type { SiteSummary } from './types.ts';

const DAY_MS = 86_400_000;

/** The Bangkok calendar day (YYYY-MM-DD) of an instant. */
export const bangkokDay = (iso: string) => new Date(Date.parse(iso) + BANGKOK_OFFSET_MS).toISOString().slice(0, 10);

/** Whole days from one calendar day to another. */
export const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);

/** Why a site is late, in words: how far behind, or past its contract's end. */
export function DelayBadge({ site }: { site: Pick<SiteSummary, 'late' | 'late_reason' | 'delay_pts'> }) {
  const { t } = useLanguage();
  if (!site.late) return null;
  const text = site.late_reason === 'overdue' ? t('sites.late.overdue') : fill(t('sites.late.behind'), { pts: formatNumber(site.delay_pts, 1) });
  return (
    <span className="site-badge site-badge--late" data-testid="delay-badge">
      {text}
    </span>
  );
}

/** Planned and actual progress as two bars on one 0–100 scale. */
export function ProgressBars({ planned, actual }: { planned: number | null; actual: number | null }) {
  const { t } = useLanguage();
  const width = (pct: number | null) => `${Math.max(0, Math.min(100, pct ?? 0))}%`;
  return (
    <div className="site-bars">
      <div className="site-bar-row">
        <span className="site-bar-label">{t('sites.planned')}</span>
        <span className="site-bar">
          <span className="site-bar-fill site-bar-fill--planned" style={{ width: width(planned) }} />
        </span>
        <span className="site-bar-value">{formatNumber(planned, 1)}%</span>
      </div>
      <div className="site-bar-row">
        <span className="site-bar-label">{t('sites.actual')}</span>
        <span className="site-bar">
          <span className="site-bar-fill site-bar-fill--actual" style={{ width: width(actual) }} />
        </span>
        <span className="site-bar-value" data-testid="actual-pct">
          {actual === null ? '—' : `${formatNumber(actual, 1)}%`}
        </span>
      </div>
    </div>
  );
}

/** A cached answer's age is told when it is not fresh: the service worker served it, or the phone is offline. */
const FRESH_MS = 2 * 60_000;

export function ServedAt({ servedAt, online }: { servedAt: string | null | undefined; online: boolean }) {
  const { t, lang } = useLanguage();
  if (!servedAt) return null;
  if (online && Date.now() - Date.parse(servedAt) < FRESH_MS) return null;
  return (
    <p className="sites-served" data-testid="sites-served-at">
      {fill(t('sites.servedAt'), { time: formatDateTime(servedAt, lang) })}
    </p>
  );
}
