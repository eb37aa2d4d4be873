import { useMemo, useState } from 'react';
import { api, type EvaluationGrouping, type EvaluationRow } from '../api/client.ts';
import { useResource, type Resource } from '../api/useResource.ts';
import { quantileClasses, type Classes } from './classify.ts';

/** The measures the choropleth can be coloured by (official count ratios, and money). */
export const MEASURES = ['approved_pct', 'contracted_pct', 'disbursed_pct', 'disbursed_budget_pct'] as const;
export type Measure = (typeof MEASURES)[number];

export const QUARTERS = ['Q1', 'Q2', 'Q3', 'Q4'] as const;
export type Quarter = (typeof QUARTERS)[number] | 'all';

/** Past this zoom the choropleth shows the 95 communities instead of the 4 zones. */
export const COMMUNITY_ZOOM = 13.5;

/** One evaluation grouping for the chosen year; nothing is requested while the view is closed. */
function useEvaluation(active: boolean, by: EvaluationGrouping, fy: number | undefined): Resource<EvaluationRow[]> & { total: EvaluationRow | null; fy: number | null } {
  const key = active ? `evaluation?by=${by}&fy=${fy ?? ''}` : 'evaluation-off';
  const resource = useResource(key, (signal) => (active ? api.evaluation({ by, fy }, signal) : Promise.resolve(null)));
  return {
    data: resource.data?.rows ?? null,
    error: resource.error,
    total: resource.data?.total ?? null,
    fy: resource.data?.fiscal_year ?? null,
  };
}

export function useExecutiveState(active: boolean, zoom: number) {
  const [measure, setMeasure] = useState<Measure>('approved_pct');
  const [fyChoice, setFy] = useState<number | undefined>(undefined);
  const [quarter, setQuarter] = useState<Quarter>('all');
  const [zone, setZone] = useState<number | null>(null);

  const plan = useResource(active ? 'plan' : 'plan-off', () => (active ? api.plan() : Promise.resolve(null)), { perViewer: false });
  const byZone = useEvaluation(active, 'zone', fyChoice);
  const fy = fyChoice ?? byZone.fy ?? undefined;
  const byCommunity = useEvaluation(active, 'community', fy);
  const byStrategy = useEvaluation(active, 'strategy', fy);
  const byMission = useEvaluation(active, 'mission', fy);
  const byQuarter = useEvaluation(active, 'quarter', fy);
  const checks = useResource(active ? `checks?fy=${fy ?? ''}` : 'checks-off', (signal) =>
    active ? api.evaluationChecks({ fy }, signal) : Promise.resolve(null));

  const showCommunities = zoom > COMMUNITY_ZOOM;
  const mapRows = showCommunities ? byCommunity.data : byZone.data;
  const classes: Classes | null = useMemo(
    () => (mapRows ? quantileClasses(mapRows.map((row) => row[measure])) : null),
    [mapRows, measure],
  );

  /** The KPI figures: the year's total, or the chosen quarter's row (null if it has no data). */
  const quarterRow = quarter === 'all' ? null : byQuarter.data?.find((row) => row.key === quarter) ?? null;
  const kpi = quarter === 'all' ? byZone.total : quarterRow;

  return {
    measure, setMeasure,
    fy, setFy,
    quarter, setQuarter,
    zone, setZone,
    fiscalYears: plan.data?.fiscal_years ?? (fy ? [fy] : []),
    quartersWithData: new Set((byQuarter.data ?? []).map((row) => row.key)),
    byZone, byCommunity, byStrategy, byMission,
    findings: checks.data?.findings ?? null,
    error: byZone.error ?? checks.error,
    showCommunities,
    classes,
    kpi,
  };
}

export type ExecutiveState = ReturnType<typeof useExecutiveState>;
