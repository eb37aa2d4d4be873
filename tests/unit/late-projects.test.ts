import { describe, expect, it } from 'vitest';
import type { api, ProjectFeature } from '../../web/api/client.ts';
import { lateProjects } from '../../web/plan/lateness.ts';

type Site = Awaited<ReturnType<typeof api.sites>>['sites'][number];

const project = (id: number, late: boolean, approved: number) =>
  ({ type: 'Feature', geometry: null, properties: { id, late, approved_amount: approved } }) as unknown as ProjectFeature;

const site = (project_id: number, change: Partial<Site>) =>
  ({ project_id, late: false, late_reason: null, delay_pts: 0, contract_end: '2027-03-31', completed_on: null, ...change }) as Site;

describe("the plan evaluation's late projects (web/plan/lateness.ts)", () => {
  const projects = [
    project(1, true, 100),
    project(2, false, 900),
    project(3, false, 500),
    project(4, false, 300),
    project(5, true, 50),
    project(6, false, 700),
  ];
  const sites = {
    today: '2026-12-01',
    served_at: null,
    sites: [
      site(2, { late: true, late_reason: 'behind', delay_pts: 23.5 }),
      site(3, { late: true, late_reason: 'overdue', delay_pts: 4, contract_end: '2026-09-30' }),
      // Behind and past its end: both rules are said.
      site(5, { late: true, late_reason: 'behind', delay_pts: 12, contract_end: '2026-11-30' }),
      // On schedule, and a completed one past its end: not late.
      site(4, { delay_pts: 2 }),
      site(6, { contract_end: '2026-01-31', completed_on: '2026-01-20' }),
    ],
  };

  it('lists a project late by the e-Plan rule or by its site, saying which, largest approved budget first', () => {
    expect(lateProjects(projects, sites).map(({ project, rules }) => [project.properties.id, rules])).toEqual([
      [2, [{ rule: 'behind', points: 23.5 }]],
      [3, [{ rule: 'overdue' }]],
      [1, [{ rule: 'eplan' }]],
      [5, [{ rule: 'eplan' }, { rule: 'behind', points: 12 }, { rule: 'overdue' }]],
    ]);
  });

  it('uses the e-Plan rule alone without the sites (the public, or before they come)', () => {
    expect(lateProjects(projects, null).map(({ project, rules }) => [project.properties.id, rules.map((r) => r.rule)])).toEqual([
      [1, ['eplan']],
      [5, ['eplan']],
    ]);
  });
});
