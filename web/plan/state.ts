import { useCallback, useMemo, useState } from 'react';
import { api, type EvaluationGrouping, type EvaluationRow } from '../api/client.ts';
import { useResource, type Resource } from '../api/useResource.ts';
import { useFirstFrameDrawn } from '../map/readiness.ts';
import { quantileClasses, type Classes } from './classify.ts';

/** The measures the choropleth can be coloured by (official count ratios, and money). */
export const MEASURES = ['approved_pct', 'contracted_pct', 'disbursed_pct', 'disbursed_budget_pct'] as const;
export type Measure = (typeof MEASURES)[number];

export const QUARTERS = ['Q1', 'Q2', 'Q3', 'Q4'] as const;
export type Quarter = (typeof QUARTERS)[number] | 'all';

/** Past this zoom the choropleth shows the 95 communities instead of the 4 zones. */
const COMMUNITY_ZOOM = 13.5;

/**
 * One evaluation grouping of one fiscal year; nothing is requested until the year is known
 * (`fy` null), so no grouping is ever asked for twice.
 */
function useEvaluation(
  by: EvaluationGrouping,
  fy: number | undefined | null,
  version: number,
  zone?: number,
): Resource<EvaluationRow[]> & { total: EvaluationRow | null } {
  const on = fy !== null;
  const key = on ? `evaluation?by=${by}&fy=${fy ?? ''}&zone=${zone ?? ''}#${version}` : 'evaluation-off';
  const resource = useResource(key, (signal) => (on ? api.evaluation({ by, fy, zone }, signal) : Promise.resolve(null)));
  return { data: resource.data?.rows ?? null, error: resource.error, total: resource.data?.total ?? null };
}

export function usePlanState(zoom: number) {
  const [measure, setMeasure] = useState<Measure>('approved_pct');
  const [fyChoice, setFy] = useState<number | undefined>(undefined);
  const [quarter, setQuarter] = useState<Quarter>('all');
  const [zone, setZone] = useState<number | null>(null);
  /** Bumped after the projects changed (an import): every figure is read again. */
  const [version, setVersion] = useState(0);
  const refresh = useCallback(() => {
    api.forgetPlan();
    setVersion((n) => n + 1);
  }, []);

  const plan = useResource(`plan#${version}`, () => api.plan(), { perViewer: false });
  /**
   * The year shown: the one chosen, else the plan's latest with projects (as the server
   * defaults). Derived here once, from the plan's outline, and never from an evaluation's
   * answer: taking the year the server echoes back would ask every grouping again for it.
   * Null until the outline is in; undefined for a plan without projects (the server decides).
   */
  const fy = fyChoice ?? (plan.data ? plan.data.fiscal_years.at(-1) : null);
  const byZone = useEvaluation('zone', fy, version);
  const showCommunities = zoom > COMMUNITY_ZOOM;
  // The communities' choropleth is for a closer zoom: fetched after the first frame, unless opened there.
  const communitiesWanted = useFirstFrameDrawn() || showCommunities;
  const byCommunity = useEvaluation('community', communitiesWanted ? fy : null, version);
  const byStrategy = useEvaluation('strategy', fy, version);
  /** The clicked zone's own strategies (the sidebar shows them instead of the city's). */
  const byZoneStrategy = useEvaluation('strategy', zone !== null ? fy : null, version, zone ?? undefined);
  const byMission = useEvaluation('mission', fy, version);
  const byQuarter = useEvaluation('quarter', fy, version);
  const checks = useResource(fy !== null ? `checks?fy=${fy ?? ''}#${version}` : 'checks-off', (signal) =>
    fy !== null ? api.evaluationChecks({ fy }, signal) : Promise.resolve(null),
  );

  const mapRows = showCommunities ? byCommunity.data : byZone.data;
  const classes: Classes | null = useMemo(() => (mapRows ? quantileClasses(mapRows.map((row) => row[measure])) : null), [mapRows, measure]);

  /** The KPI figures: the year's total, or the chosen quarter's row (null if it has no data). */
  const quarterRow = quarter === 'all' ? null : (byQuarter.data?.find((row) => row.key === quarter) ?? null);
  const kpi = quarter === 'all' ? byZone.total : quarterRow;

  return {
    measure,
    setMeasure,
    fy: fy ?? undefined,
    setFy,
    quarter,
    setQuarter,
    zone,
    setZone,
    fiscalYears: plan.data?.fiscal_years ?? [],
    quartersWithData: new Set((byQuarter.data ?? []).map((row) => row.key)),
    version,
    refresh,
    byZone,
    byCommunity,
    byStrategy,
    byZoneStrategy,
    byMission,
    findings: checks.data?.findings ?? null,
    error: plan.error ?? byZone.error ?? checks.error,
    showCommunities,
    communitiesWanted,
    classes,
    kpi,
  };
}

export type PlanState = ReturnType<typeof usePlanState>;
