import type { Queryable } from '../../db/index.ts';

/** The statements of the printed reports (Form 2) and of the validation report, besides the evaluation. */

export interface StrategyTarget {
  strategy_id: string;
  name_th: string;
  fiscal_year: number;
  project_count: number;
  budget: number;
}

/** The development plan's targets: projects and budget per strategy and year (table T1). */
export const strategyTargets = (db: Queryable, plan: string) =>
  db.query<StrategyTarget>(
    `SELECT t.strategy_id, s.name_th, t.fiscal_year::int AS fiscal_year, t.project_count, t.budget::float8 AS budget
     FROM strategy_targets t JOIN strategies s ON s.id = t.strategy_id JOIN missions m ON m.id = s.mission_id
     WHERE m.plan_id = $1 ORDER BY length(t.strategy_id), t.strategy_id, t.fiscal_year`,
    [plan],
  );

/** The plan's name, the year's latest as-of date and the municipality's name, for a report's heading. */
export async function reportHeading(db: Queryable, plan: string, fy: number) {
  const [row] = await db.query<{ name_th: string; as_of: string | null; municipality: string }>(
    `SELECT pl.name_th, (SELECT to_char(max(p.as_of), 'YYYY-MM-DD') FROM projects p JOIN strategies s ON s.id = p.strategy_id
                         JOIN missions m ON m.id = s.mission_id WHERE m.plan_id = pl.id AND p.fiscal_year = $2) AS as_of,
            (SELECT name_th FROM municipality LIMIT 1) AS municipality
     FROM plans pl WHERE pl.id = $1`,
    [plan, fy],
  );
  return row;
}

export interface ProjectCheckRow {
  code: string;
  budget: number;
  approved: number | null;
  contract: number | null;
  disbursed: number | null;
  stage: string | null;
  status: string | null;
  has_geom: boolean;
  inside: boolean | null;
}

/** A plan year's projects with what the checks need: amounts, whether placed, whether inside the city. */
export const projectsToCheck = (db: Queryable, plan: string, fy: number) =>
  db.query<ProjectCheckRow>(
    `SELECT p.code, p.budget::float8 AS budget, p.approved_amount::float8 AS approved, p.contract_amount::float8 AS contract,
            p.disbursed_amount::float8 AS disbursed, p.stage, p.status, p.geom IS NOT NULL AS has_geom,
            -- about a metre of tolerance: clipping leaves lines a few millimetres over the edge
            (SELECT ST_Covers(ST_Buffer(m.geom, 1e-5), p.geom) FROM municipality m) AS inside
     FROM projects p JOIN strategies s ON s.id = p.strategy_id JOIN missions mi ON mi.id = s.mission_id
     WHERE mi.plan_id = $1 AND p.fiscal_year = $2 ORDER BY p.id`,
    [plan, fy],
  );

/** The figures a printed report gave for a plan year, as typed in from it. */
export const printedFigures = (db: Queryable, plan: string, fy: number) =>
  db.query<{ scope: string; measure: string; value: number }>(
    'SELECT scope, measure, value::float8 AS value FROM printed_figures WHERE plan_id = $1 AND fiscal_year = $2 ORDER BY scope, measure',
    [plan, fy],
  );
