import type { api, ProjectFeature } from '../api/client.ts';

/** The sites list as the server answers it: the day it judged lateness on, and the sites. */
type SiteList = Awaited<ReturnType<typeof api.sites>>;

/** Why a project is on the evaluation's list of late projects; several may hold at once. */
export type LateRule = { rule: 'eplan' } | { rule: 'behind'; points: number } | { rule: 'overdue' };

export interface LateProject {
  project: ProjectFeature;
  rules: LateRule[];
}

/**
 * The late projects of a list, by either rule: the e-Plan's (budget approved, still no contract
 * once half the fiscal year is gone: the project's `late`), or its construction site's (behind
 * plan by the late threshold, or past its contract's end uncompleted, as the server judged it on
 * `today`). The largest approved budgets first.
 */
export function lateProjects(projects: readonly ProjectFeature[], sites: SiteList | null): LateProject[] {
  const siteOf = new Map((sites?.sites ?? []).map((site) => [site.project_id, site]));
  const late: LateProject[] = [];
  for (const project of projects) {
    const rules: LateRule[] = [];
    if (project.properties.late) rules.push({ rule: 'eplan' });
    const site = siteOf.get(project.properties.id);
    if (site?.late) {
      if (site.late_reason === 'behind') rules.push({ rule: 'behind', points: site.delay_pts ?? 0 });
      // Behind plan and past the end too: both are said. A completed site is never late.
      if (site.contract_end < (sites?.today ?? '') && !site.completed_on) rules.push({ rule: 'overdue' });
    }
    if (rules.length) late.push({ project, rules });
  }
  return late.sort((a, b) => (b.project.properties.approved_amount ?? 0) - (a.project.properties.approved_amount ?? 0));
}
