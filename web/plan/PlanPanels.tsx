import { useMemo, useState } from 'react';
import { api, type EvaluationFinding, type EvaluationRow } from '../api/client.ts';
import { useResource } from '../api/useResource.ts';
import { formatBaht, formatDate, formatNumber } from '../i18n/format.ts';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { fill, localName, type Lang } from '../i18n/strings.ts';
import { bangkokToday, currentPosting, isoDate, nextRounds, type ReportRound, type ReportSchedule } from './calendar.ts';
import { showsSites } from '../auth/access.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { classLabel, classRanges } from './classify.ts';
import { ImportPanel } from './ImportPanel.tsx';
import { type LateRule, lateProjects } from './lateness.ts';
import { MEASURES, QUARTERS, type PlanState, type Measure, type Quarter } from './state.ts';
import { Panel } from '../map/Shell.tsx';

const pct = (value: number | null | undefined) => `${formatNumber(value, 2)}%`;

/** Controls, legend and the headline figures: the left column of the executive view. */
export function PlanControls({ state, onImported }: { state: PlanState; onImported: () => void }) {
  const { t, lang } = useLanguage();
  const { permissions } = useAuth();
  const { kpi, classes } = state;
  return (
    <Panel className="exec-controls" testId="exec-controls" sheetTitle={t('exec.title')}>
      <h2>{t('exec.title')}</h2>
      <div className="exec-selectors">
        <select data-testid="exec-fy" aria-label={t('filter.fiscalYear')} value={state.fy ?? ''} onChange={(e) => state.setFy(Number(e.target.value))}>
          {state.fiscalYears.map((fy) => (
            <option key={fy} value={fy}>
              {fill(t('exec.fiscalYear'), { fy })}
            </option>
          ))}
        </select>
        <select data-testid="exec-quarter" aria-label={t('exec.quarter')} value={state.quarter} onChange={(e) => state.setQuarter(e.target.value as Quarter)}>
          <option value="all">{t('exec.quarter.all')}</option>
          {QUARTERS.map((q) => {
            const has = state.quartersWithData.has(q);
            return (
              <option key={q} value={q} disabled={!has}>
                {t(`exec.quarter.${q.slice(1) as '1' | '2' | '3' | '4'}`)}
                {has ? '' : ` – ${t('exec.quarter.noData')}`}
              </option>
            );
          })}
        </select>
      </div>
      {state.quarter !== 'all' && <p className="hint">{kpi ? t('exec.quarter.asOf') : t('exec.quarter.empty')}</p>}
      {state.error && (
        <p className="exec-error" role="alert">
          {t('exec.error')}: {state.error.message}
        </p>
      )}

      <div className="exec-kpis" data-testid="exec-kpis">
        <Kpi id="projects" label={t('exec.kpi.projects')} value={formatNumber(kpi?.plan_count)} note={t('exec.kpi.projectsUnit')} />
        <Kpi
          id="approved"
          label={t('exec.kpi.approved')}
          value={pct(kpi?.approved_pct)}
          note={`${formatNumber(kpi?.approved_count)} ${t('exec.kpi.projectsUnit')} · ${t('exec.kpi.ofPlan')}`}
        />
        <Kpi
          id="contracted"
          label={t('exec.kpi.contracted')}
          value={pct(kpi?.contracted_pct)}
          note={`${formatNumber(kpi?.contract_count)} ${t('exec.kpi.projectsUnit')} · ${t('exec.kpi.ofApproved')}`}
        />
        <Kpi
          id="disbursed"
          label={t('exec.kpi.disbursed')}
          value={pct(kpi?.disbursed_pct)}
          note={`${formatNumber(kpi?.disbursed_count)} ${t('exec.kpi.projectsUnit')} · ${t('exec.kpi.ofContracted')}`}
        />
        <Kpi id="budget" label={t('exec.kpi.budget')} value={formatBaht(kpi?.budget, lang)} wide />
        <Kpi id="disbursed-amount" label={t('exec.kpi.disbursedAmount')} value={formatBaht(kpi?.disbursed_amount, lang)} wide />
        <Kpi id="disbursed-budget" label={t('exec.kpi.disbursedBudget')} value={pct(kpi?.disbursed_budget_pct)} />
      </div>

      <label className="exec-measure">
        <span>{t('exec.measure')}</span>
        <select data-testid="exec-measure" value={state.measure} onChange={(e) => state.setMeasure(e.target.value as Measure)}>
          {MEASURES.map((m) => (
            <option key={m} value={m}>
              {t(`exec.measure.${m}`)}
            </option>
          ))}
        </select>
      </label>
      <div className="exec-legend" data-testid="exec-legend" data-classes={classes?.colors.length ?? 0}>
        <p className="exec-legend-title">
          {t(`exec.measure.${state.measure}`)} · {t(state.showCommunities ? 'exec.legend.communities' : 'exec.legend.zones')}
        </p>
        {classes && (
          <ul>
            {classRanges(classes).map(([from, to], i) => (
              <li key={i}>
                <span className="swatch swatch-square" style={{ background: classes.colors[i] }} aria-hidden="true" />
                {classLabel([from, to], i, (v) => formatNumber(v, 2))}
              </li>
            ))}
          </ul>
        )}
        {!state.showCommunities && <p className="hint">{t('exec.legend.communitiesHint')}</p>}
      </div>

      <div className="exec-exports" data-testid="exec-exports">
        <a data-testid="exec-export-strategy" href={api.evaluationCsvUrl({ fy: state.fy, by: 'strategy' })} download>
          {t('exec.export.csvStrategy')}
        </a>
        <a data-testid="exec-export-zone" href={api.evaluationCsvUrl({ fy: state.fy, by: 'zone' })} download>
          {t('exec.export.csvZone')}
        </a>
        <a data-testid="exec-export-form2" href={api.form2Url({ fy: state.fy })} target="_blank" rel="noopener">
          {t('exec.export.form2')}
        </a>
      </div>
      {permissions.projects.create && <ImportPanel onImported={onImported} />}
    </Panel>
  );
}

function Kpi({ id, label, value, note, wide }: { id: string; label: string; value: string; note?: string; wide?: boolean }) {
  return (
    <div className={wide ? 'exec-kpi wide' : 'exec-kpi'} data-testid={`kpi-${id}`}>
      <span className="exec-kpi-label">{label}</span>
      <strong className="exec-kpi-value">{value}</strong>
      {note && <span className="exec-kpi-note">{note}</span>}
    </div>
  );
}

/** The right column: the clicked zone, the bars per strategy and mission, findings, calendar. */
export function PlanSidebar({ state }: { state: PlanState }) {
  const { t, lang } = useLanguage();
  const zoneRow = state.byZone.data?.find((r) => r.key === String(state.zone)) ?? null;
  const zoneName = zoneRow ? localName(zoneRow, lang) : `${t('field.zone')} ${state.zone ?? ''}`;
  return (
    <Panel className="exec-sidebar" testId="exec-sidebar" sheetTitle={state.zone !== null ? zoneName : t('exec.byStrategy')} startsCollapsedOnPhone>
      {state.zone !== null && <ZonePanel state={state} zone={state.zone} />}
      {state.zone !== null ? (
        <Bars testId="exec-bars-strategy" title={fill(t('exec.zone.strategiesOf'), { zone: zoneName })} rows={state.byZoneStrategy.data} zone={state.zone} />
      ) : (
        <Bars testId="exec-bars-strategy" title={t('exec.byStrategy')} rows={state.byStrategy.data} />
      )}
      <Bars testId="exec-bars-mission" title={t('exec.byMission')} rows={state.byMission.data} />
      <Findings findings={state.findings} />
      <Calendar />
    </Panel>
  );
}

const BAR_MEASURES = [
  ['approved_pct', 'exec.bar.approved', '#8a6cc8'],
  ['contracted_pct', 'exec.bar.contracted', '#5143a6'],
  ['disbursed_pct', 'exec.bar.disbursed', '#1f2a6b'],
] as const;

function Bars({ testId, title, rows, zone }: { testId: string; title: string; rows: EvaluationRow[] | null; zone?: number }) {
  const { t, lang } = useLanguage();
  return (
    <section className="exec-section" data-testid={testId} data-zone={zone ?? ''}>
      <h3>{title}</h3>
      <ul className="exec-bar-key">
        {BAR_MEASURES.map(([key, label, color]) => (
          <li key={key}>
            <span className="swatch swatch-square" style={{ background: color }} />
            {t(label)}
          </li>
        ))}
      </ul>
      {!rows && <p className="hint">{t('exec.loading')}</p>}
      {rows?.map((row) => (
        <div key={row.key} className="exec-bar-group" title={localName(row, lang)}>
          <div className="exec-bar-name">
            <b>{row.key}</b> {localName(row, lang)}
          </div>
          {BAR_MEASURES.map(([key, label, color]) => (
            <div key={key} className="exec-bar" role="img" aria-label={`${t(label)} ${pct(row[key])}`}>
              <span className="exec-bar-track">
                <span className="exec-bar-fill" style={{ width: `${Math.min(100, Math.max(0, row[key] ?? 0))}%`, background: color }} />
              </span>
              <span className="exec-bar-value">{pct(row[key])}</span>
            </div>
          ))}
        </div>
      ))}
    </section>
  );
}

/** What a late project's row says about why it is late. */
function ruleLabel(rule: LateRule, t: ReturnType<typeof useLanguage>['t']): string {
  if (rule.rule === 'eplan') return t('exec.late.rule.eplan');
  if (rule.rule === 'behind') return fill(t('exec.late.rule.behind'), { n: formatNumber(rule.points, 1) });
  return t('exec.late.rule.overdue');
}

/** The zone's construction sites: how many, how many late, and how far behind plan on average. */
function ZoneSiteFigures({ zone, summary }: { zone: number; summary: Awaited<ReturnType<typeof api.sitesSummary>> }) {
  const { t } = useLanguage();
  const row = summary.rows.find((r) => r.zone_id === zone);
  return (
    <dl className="exec-zone-figures" data-testid="exec-zone-sites">
      <div>
        <dt>{t('exec.zone.sites')}</dt>
        <dd data-testid="exec-zone-sites-count">{formatNumber(row?.sites ?? 0)}</dd>
      </div>
      <div>
        <dt>{t('exec.zone.sitesLate')}</dt>
        <dd data-testid="exec-zone-sites-late" className={row?.late ? 'exec-zone-late' : undefined}>
          {formatNumber(row?.late ?? 0)}
        </dd>
      </div>
      <div>
        <dt>{t('exec.zone.avgDelay')}</dt>
        <dd data-testid="exec-zone-avg-delay">
          {row?.avg_delay_pts === null || row?.avg_delay_pts === undefined ? '—' : fill(t('exec.zone.points'), { n: formatNumber(row.avg_delay_pts, 1) })}
        </dd>
      </div>
    </dl>
  );
}

function ZonePanel({ state, zone }: { state: PlanState; zone: number }) {
  const { t, lang } = useLanguage();
  const row = state.byZone.data?.find((r) => r.key === String(zone)) ?? null;
  const fy = state.fy;
  const projects = useResource(`exec-zone-projects?fy=${fy ?? ''}&zone=${zone}#${state.version}`, (signal) => api.projects({ fy, zone }, signal));
  const plan = useResource('plan', () => api.plan(), { perViewer: false });
  // Construction sites are staff work (showsSites): the public's evaluation neither asks for them nor shows them.
  const withSites = showsSites(useAuth().permissions);
  const sites = useResource(`exec-sites#${withSites}`, (signal) => (withSites ? api.sites(signal) : Promise.resolve(null)));
  const sitesSummary = useResource(`exec-sites-summary#${withSites}`, (signal) => (withSites ? api.sitesSummary(signal) : Promise.resolve(null)));
  // Without the sites yet, the list waits for them rather than showing the e-Plan rule's part and then growing.
  const late = useMemo(
    () => (projects.data && (!withSites || sites.data || sites.error) ? lateProjects(projects.data.features, sites.data) : null),
    [projects.data, withSites, sites.data, sites.error],
  );
  const strategyName = (id: string) =>
    localName(
      plan.data?.strategies.find((s) => s.id === id),
      lang,
    );

  return (
    <section className="exec-section exec-zone" data-testid="exec-zone-panel" data-zone={zone}>
      <header>
        <h3>{row ? localName(row, lang) : `${t('field.zone')} ${zone}`}</h3>
        <button type="button" className="close" onClick={() => state.setZone(null)} aria-label={t('details.close')}>
          ×
        </button>
      </header>
      {row && (
        <dl className="exec-zone-figures">
          {MEASURES.map((m) => (
            <div key={m}>
              <dt>{t(`exec.measure.${m}`)}</dt>
              <dd>{pct(row[m])}</dd>
            </div>
          ))}
          <div>
            <dt>{t('exec.kpi.projects')}</dt>
            <dd data-testid="exec-zone-count">{formatNumber(row.plan_count, 0)}</dd>
          </div>
          <div>
            <dt>{t('exec.kpi.budget')}</dt>
            <dd>{formatBaht(Math.round(row.budget), lang)}</dd>
          </div>
          <div>
            <dt>{t('exec.kpi.disbursedAmount')}</dt>
            <dd>{formatBaht(Math.round(row.disbursed_amount), lang)}</dd>
          </div>
        </dl>
      )}
      {sitesSummary.data && <ZoneSiteFigures zone={zone} summary={sitesSummary.data} />}
      <h4>
        {t('exec.zone.late')} ({late ? late.length : '…'})
      </h4>
      <p className="hint">{t(withSites ? 'exec.zone.lateHintSites' : 'exec.zone.lateHint')}</p>
      {late && late.length === 0 && <p>{t('exec.zone.noLate')}</p>}
      <ol className="exec-late" data-testid="exec-late-projects">
        {late?.map(({ project: f, rules }) => (
          <li key={f.properties.id} data-project-id={f.properties.id} data-rules={rules.map((r) => r.rule).join(' ')}>
            <span className="exec-late-name">{localName(f.properties, lang)}</span>
            <span className="exec-late-meta">
              {f.properties.strategy_id} {strategyName(f.properties.strategy_id)} · {formatBaht(f.properties.approved_amount, lang)}
            </span>
            <span className="exec-late-rules">
              {rules.map((rule) => (
                <span key={rule.rule} className={`exec-late-rule exec-late-rule-${rule.rule}`} data-testid="exec-late-rule">
                  {ruleLabel(rule, t)}
                </span>
              ))}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}

const SEVERITY_ORDER: Record<string, number> = { error: 0, warning: 1 };

function Findings({ findings }: { findings: EvaluationFinding[] | null }) {
  const { t, lang } = useLanguage();
  const sorted = useMemo(() => [...(findings ?? [])].sort((a, b) => (SEVERITY_ORDER[a.severity] ?? 2) - (SEVERITY_ORDER[b.severity] ?? 2)), [findings]);
  return (
    <section className="exec-section" data-testid="exec-findings">
      <h3>
        {t('exec.findings')} {findings ? `(${findings.length})` : ''}
      </h3>
      {!findings && <p className="hint">{t('exec.loading')}</p>}
      {findings?.length === 0 && <p>{t('exec.findings.none')}</p>}
      <ul className="exec-findings">
        {sorted.map((f, i) => (
          <li key={i} className={`finding-${f.severity}`} data-severity={f.severity}>
            <span className="finding-badge">{t(f.severity === 'error' ? 'exec.severity.error' : 'exec.severity.warning')}</span>
            {lang === 'th' ? f.message_th : f.message_en}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Calendar() {
  const { t, lang } = useLanguage();
  const [schedule, setSchedule] = useState<ReportSchedule>('twice-yearly');
  const today = bangkokToday(new Date());
  const rounds = nextRounds(today, schedule, 2);
  const current = currentPosting(today, schedule);
  return (
    <section className="exec-section" data-testid="exec-calendar">
      <h3>{t('exec.calendar')}</h3>
      <label className="exec-measure">
        <span>{t('exec.calendar.schedule')}</span>
        <select data-testid="exec-schedule" value={schedule} onChange={(e) => setSchedule(e.target.value as ReportSchedule)}>
          <option value="twice-yearly">{t('exec.calendar.twice')}</option>
          <option value="yearly">{t('exec.calendar.yearly')}</option>
        </select>
      </label>
      {current && (
        <p className="exec-current">
          {t('exec.calendar.current')}: {t(`exec.calendar.round.${current.round}`)} — {t('exec.calendar.post')} {beDate(current.postUntil, lang)}
        </p>
      )}
      {rounds.map((round) => (
        <RoundDates key={isoDate(round.reportBy)} round={round} lang={lang} />
      ))}
    </section>
  );
}

function RoundDates({ round, lang }: { round: ReportRound; lang: Lang }) {
  const { t } = useLanguage();
  return (
    <dl className="exec-round">
      <dt className="exec-round-name">{t(`exec.calendar.round.${round.round}`)}</dt>
      <dd />
      <dt>{t('exec.calendar.report')}</dt>
      <dd>{beDate(round.reportBy, lang)}</dd>
      <dt>{t('exec.calendar.announce')}</dt>
      <dd>{beDate(round.announceBy, lang)}</dd>
      <dt>{t('exec.calendar.post')}</dt>
      <dd>{beDate(round.postUntil, lang)}</dd>
    </dl>
  );
}

/** "30 เม.ย. 2570" / "30 Apr 2570 BE": the publication dates are read against Thai documents. */
function beDate(date: ReportRound['reportBy'], lang: Lang): string {
  const text = formatDate(isoDate(date), 'th');
  if (lang === 'th') return text;
  return new Intl.DateTimeFormat('en-GB-u-ca-buddhist', { timeZone: 'Asia/Bangkok', day: 'numeric', month: 'short', year: 'numeric' }).format(
    new Date(isoDate(date)),
  );
}
