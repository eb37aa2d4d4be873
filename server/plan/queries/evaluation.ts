import type { Queryable } from '../../db/index.ts';
import type { Statement } from '../../db/types.ts';
import { statement } from '../../db/sql.ts';

/**
 * The evaluation engine: every figure of an M&E report, computed from the project records.
 *
 * - Count ratios are the official ones, chained (approved/plan, contracted/approved,
 *   disbursed/contracted) and truncated, not rounded, to 2 decimals, as the printed reports do.
 * - Amount ratios compare amounts at each stage (approved/plan budget, contract/approved,
 *   disbursed/contract, disbursed/plan budget).
 * - By zone or community, a project counts where its geometry is: a point wholly in the area that
 *   holds it; a line split by its length in each area, a polygon by its area. A project crossing
 *   two zones 70/30 adds 0.7 and 0.3 to their counts and shares its amounts the same way, so the
 *   zones still add up to the city. A project without geometry, or wholly outside the city, falls
 *   under "no place" (null), and so does the part of one that lies outside: zones plus "no place"
 *   add up to the whole. The shares are computed by the database when a project's geometry or the
 *   communities change, and stored (`project_shares`, the rule in SQL `community_shares`).
 */
export const GROUPINGS = ['plan', 'fiscal_year', 'quarter', 'mission', 'strategy', 'division', 'zone', 'community'] as const;
export type Grouping = (typeof GROUPINGS)[number];

interface GroupSql {
  key: string;
  name_th: string;
  name_en: string;
  join?: string;
}

// Fixed SQL per grouping: the request chooses among these, it never supplies SQL.
const GROUPS: Record<Grouping, GroupSql> = {
  plan: { key: 'pl.id', name_th: 'pl.name_th', name_en: 'pl.name_en' },
  fiscal_year: { key: 'p.fiscal_year::text', name_th: "'ปีงบประมาณ ' || p.fiscal_year", name_en: "'FY ' || p.fiscal_year" },
  // Thai fiscal quarters: Q1 is October–December. The quarter is the one the data is as of.
  quarter: {
    key: "'Q' || (((extract(month FROM p.as_of)::int + 2) % 12) / 3 + 1)",
    name_th: "'ไตรมาส ' || (((extract(month FROM p.as_of)::int + 2) % 12) / 3 + 1)",
    name_en: "'Quarter ' || (((extract(month FROM p.as_of)::int + 2) % 12) / 3 + 1)",
  },
  mission: { key: 'm.id', name_th: 'm.name_th', name_en: 'm.name_en' },
  strategy: { key: 's.id', name_th: 's.name_th', name_en: 's.name_en' },
  // Joined only here: every project has a division (NOT NULL, foreign key), so the join filters nothing.
  division: { key: 'd.id', name_th: 'd.name_th', name_en: 'd.name_en', join: 'JOIN divisions d ON d.id = p.division_id' },
  zone: { key: 'z.id::text', name_th: 'z.name_th', name_en: 'z.name_en', join: 'LEFT JOIN zones z ON z.id = sh.zone_id' },
  community: { key: 'c.id::text', name_th: 'c.name_th', name_en: 'c.name_en', join: 'LEFT JOIN communities c ON c.id = sh.community_id' },
};

export interface EvaluationRow {
  key: string | null;
  name_th: string | null;
  name_en: string | null;
  plan_count: number;
  approved_count: number;
  contract_count: number;
  disbursed_count: number;
  budget: number;
  approved_amount: number;
  contract_amount: number;
  disbursed_amount: number;
  approved_pct: number | null;
  contracted_pct: number | null;
  disbursed_pct: number | null;
  approved_budget_pct: number | null;
  contract_approved_pct: number | null;
  disbursed_contract_pct: number | null;
  disbursed_budget_pct: number | null;
  awaiting_report: number;
  in_progress: number;
  completed: number;
  not_possible: number;
}

export interface EvaluationFilter {
  plan?: string;
  fy?: number;
  zones: number[] | null;
}

const pct = (part: string, whole: string) => `trunc(100 * (${part})::numeric / nullif((${whole})::numeric, 0), 2)::float8`;

/**
 * The statement for a grouping, spatial or not: the text varies only by these, so there are at
 * most 14 prepared statements (6 groupings with and without a zone filter, zone, community). A
 * spatial one reads each project's stored shares (`project_shares`, kept by the database as
 * geometries and communities change: migration 011), so no request clips geometry.
 */
function evaluationStatement(by: Grouping, spatial: boolean): Statement {
  const group = GROUPS[by];
  // A project's weight: its share of the place (exact numeric, as stored), or 1 when not by place.
  const w = spatial ? 'sh.share' : '1';
  const weighted = (column: string) => (spatial ? `sum(sh.share * p.${column})` : `sum(p.${column})`);
  const reached = (stages: string) => `coalesce(sum(n) FILTER (WHERE stage IN (${stages})), 0)`;
  const status = (value: string) => `coalesce(sum(n) FILTER (WHERE status = '${value}'), 0)::float8`;
  // Two steps: the weighted sums per group, stage and status (a few dozen rows), then the
  // counts at each stage from those. The same sums as adding up every project under each
  // filter, in a third of the work per project.
  return statement(`
    WITH parts AS (
      SELECT ${group.key} AS key, ${group.name_th} AS name_th, ${group.name_en} AS name_en, p.stage, p.status,
             sum(${w}) AS n, ${weighted('budget')} AS budget, ${weighted('approved_amount')} AS approved_amount,
             ${weighted('contract_amount')} AS contract_amount, ${weighted('disbursed_amount')} AS disbursed_amount
      FROM projects p
      JOIN strategies s ON s.id = p.strategy_id
      JOIN missions m ON m.id = s.mission_id
      JOIN plans pl ON pl.id = m.plan_id
      ${spatial ? 'JOIN project_shares sh ON sh.project_id = p.id' : ''}
      ${group.join ?? ''}
      WHERE ($1::text IS NULL OR pl.id = $1)
        AND ($2::int IS NULL OR p.fiscal_year = $2)
        ${spatial ? 'AND ($3::int[] IS NULL OR sh.zone_id = ANY($3))' : 'AND $3::int[] IS NULL'}
      GROUP BY 1, 2, 3, 4, 5),
    rows AS (
      SELECT key, name_th, name_en,
             sum(n) AS plan_count,
             ${reached("'approved', 'contracted', 'disbursed'")} AS approved_count,
             ${reached("'contracted', 'disbursed'")} AS contract_count,
             ${reached("'disbursed'")} AS disbursed_count,
             coalesce(round(sum(budget), 2), 0) AS budget, coalesce(round(sum(approved_amount), 2), 0) AS approved_amount,
             coalesce(round(sum(contract_amount), 2), 0) AS contract_amount, coalesce(round(sum(disbursed_amount), 2), 0) AS disbursed_amount,
             ${status('awaiting_report')} AS awaiting_report, ${status('in_progress')} AS in_progress,
             ${status('completed')} AS completed, ${status('not_possible')} AS not_possible
      FROM parts
      GROUP BY 1, 2, 3)
    SELECT key, name_th, name_en,
           plan_count::float8, approved_count::float8, contract_count::float8, disbursed_count::float8,
           budget::float8, approved_amount::float8, contract_amount::float8, disbursed_amount::float8,
           ${pct('approved_count', 'plan_count')} AS approved_pct,
           ${pct('contract_count', 'approved_count')} AS contracted_pct,
           ${pct('disbursed_count', 'contract_count')} AS disbursed_pct,
           ${pct('approved_amount', 'budget')} AS approved_budget_pct,
           ${pct('contract_amount', 'approved_amount')} AS contract_approved_pct,
           ${pct('disbursed_amount', 'contract_amount')} AS disbursed_contract_pct,
           ${pct('disbursed_amount', 'budget')} AS disbursed_budget_pct,
           awaiting_report, in_progress, completed, not_possible
    FROM rows
    ORDER BY length(key), key`);
}

const statements = new Map<string, Statement>();

/** Evaluation rows grouped `by`, plus nothing else: the caller asks again with by='plan' for the total. */
export async function evaluate(db: Queryable, by: Grouping, filter: EvaluationFilter): Promise<EvaluationRow[]> {
  const spatial = by === 'zone' || by === 'community' || filter.zones !== null;
  const key = `${by}:${spatial}`;
  const prepared = statements.get(key) ?? evaluationStatement(by, spatial);
  statements.set(key, prepared);
  return db.query<EvaluationRow>(prepared, [filter.plan ?? null, filter.fy ?? null, filter.zones]);
}
