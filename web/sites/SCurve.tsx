import { formatDate, formatNumber } from '../i18n/format.ts';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { fill } from '../i18n/strings.ts';
import { bangkokDay } from './SiteBits.tsx';
import type { SiteDetail } from './types.ts';

const W = 360;
const H = 210;
const PAD = { left: 30, right: 14, top: 12, bottom: 34 };
const PCT_TICKS = [0, 25, 50, 75, 100];
/** A "today" further than this share of the contract past its end is drawn at the edge, behind a break. */
const MAX_OVERRUN = 0.35;

const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);

/**
 * A site's planned progress curve against what was inspected, drawn by hand in SVG: the planned
 * curve as a line, approved inspections as filled points joined by a line (the official
 * progress), the others hollow, and a rule at today. Years after a contract's end (the demo's
 * FY2561 sites) today would squeeze the contract into a sliver: it is then drawn at the right
 * edge behind a break, with its date.
 */
export function SCurve({ site }: { site: Pick<SiteDetail, 'plan' | 'inspections' | 'contract_start' | 'contract_end' | 'today' | 'delay_pts'> }) {
  const { t, lang } = useLanguage();
  const visits = [...site.inspections].sort((a, b) => a.visited_at.localeCompare(b.visited_at));
  const start = dayMs(site.contract_start);
  const lastSeen = Math.max(dayMs(site.contract_end), ...site.plan.map((p) => dayMs(p.on_date)), ...visits.map((v) => dayMs(bangkokDay(v.visited_at))));
  const today = dayMs(site.today);
  const span = Math.max(1, lastSeen - start);
  const broken = today > lastSeen + span * MAX_OVERRUN;
  const end = broken ? lastSeen + span * 0.12 : Math.max(lastSeen, today);
  const x = (ms: number) => PAD.left + ((ms - start) / (end - start)) * (W - PAD.left - PAD.right);
  const y = (pct: number) => H - PAD.bottom - (pct / 100) * (H - PAD.top - PAD.bottom);
  const todayX = broken ? W - PAD.right : x(today);
  const at = (v: (typeof visits)[number]) => `${x(Date.parse(v.visited_at)).toFixed(1)},${y(v.progress_pct).toFixed(1)}`;
  const approved = visits.filter((v) => v.status === 'approved');
  // After its last point the plan stays where it ended, up to today.
  const lastPlan = site.plan.at(-1);
  const planPoints = site.plan.map((p) => [x(dayMs(p.on_date)), y(p.planned_pct)]);
  if (lastPlan && todayX > (planPoints.at(-1)?.[0] ?? todayX)) planPoints.push([todayX, y(lastPlan.planned_pct)]);
  const planned = planPoints.map(([px, py]) => `${px?.toFixed(1)},${py?.toFixed(1)}`).join(' ');
  const delay = site.delay_pts ?? 0;

  return (
    <figure className="site-curve" data-testid="site-curve">
      <figcaption>{t('sites.curve')}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={t('sites.curve')}>
        {PCT_TICKS.map((pct) => (
          <g key={pct} className="curve-grid">
            <line x1={PAD.left} x2={W - PAD.right} y1={y(pct)} y2={y(pct)} />
            <text x={PAD.left - 4} y={y(pct) + 3} textAnchor="end">
              {pct}%
            </text>
          </g>
        ))}
        <text className="curve-axis" x={x(start)} y={H - PAD.bottom + 14} textAnchor="start">
          {formatDate(site.contract_start, lang)}
        </text>
        <text className="curve-axis" x={x(dayMs(site.contract_end))} y={H - PAD.bottom + 14} textAnchor={broken ? 'middle' : 'end'}>
          {formatDate(site.contract_end, lang)}
        </text>
        {broken && <path className="curve-break" d={`M${todayX - 14},${H - PAD.bottom - 4} l4,8 l4,-8 l4,8`} />}
        <g className="curve-today" data-testid="curve-today">
          <line x1={todayX} x2={todayX} y1={PAD.top} y2={H - PAD.bottom} />
          <text x={todayX} y={H - 4} textAnchor="end">
            {t('sites.today')} {formatDate(site.today, lang)}
          </text>
        </g>
        <polyline className="curve-planned" data-testid="curve-planned" data-points={site.plan.length} points={planned} />
        {approved.length > 1 && <polyline className="curve-actual" points={approved.map(at).join(' ')} />}
        {visits.map((v) => {
          const [cx, cy] = at(v).split(',');
          return (
            <circle
              key={v.id}
              className={v.status === 'approved' ? 'curve-point curve-point--approved' : 'curve-point'}
              data-testid={v.status === 'approved' ? 'curve-approved' : 'curve-other'}
              data-inspection-id={v.id}
              data-pct={v.progress_pct}
              cx={cx}
              cy={cy}
              r={4}
            />
          );
        })}
      </svg>
      <p className={delay > 0 ? 'curve-delay curve-delay--behind' : 'curve-delay'} data-testid="curve-delay">
        {delay > 0
          ? fill(t('sites.delay'), { pts: formatNumber(delay, 1), date: formatDate(site.today, lang) })
          : fill(t('sites.ahead'), { date: formatDate(site.today, lang) })}
      </p>
      <p className="curve-legend">
        <span className="curve-key curve-key--planned">{t('sites.planned')}</span>
        <span className="curve-key curve-key--approved">{t('sites.approved')}</span>
        <span className="curve-key curve-key--other">{t('sites.unapproved')}</span>
      </p>
    </figure>
  );
}
