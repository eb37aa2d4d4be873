-- Evaluating the plan: goals and indicators under the strategies, a second kind of plan (the
-- integrity action plan, whose projects report a status instead of e-Plan stages), and the
-- figures a printed report gave, so the validation report can compare them with the records.
ALTER TABLE plans ADD COLUMN kind text NOT NULL DEFAULT 'development' CHECK (kind IN ('development', 'integrity'));

CREATE TABLE goals (
  id          text PRIMARY KEY,
  strategy_id text NOT NULL REFERENCES strategies (id),
  name_th     text NOT NULL,
  name_en     text NOT NULL
);

CREATE TABLE indicators (
  id      text PRIMARY KEY,
  goal_id text NOT NULL REFERENCES goals (id),
  name_th text NOT NULL,
  name_en text NOT NULL
);

-- A project of the integrity plan reports one of four statuses and a disbursed amount, and most
-- are measures without a place: stage and geometry may be absent, never both stage and status.
ALTER TABLE projects ALTER COLUMN stage DROP NOT NULL;
ALTER TABLE projects ALTER COLUMN geom DROP NOT NULL;
ALTER TABLE projects ADD COLUMN status text
  CHECK (status IN ('awaiting_report', 'in_progress', 'completed', 'not_possible'));
ALTER TABLE projects ADD COLUMN note text;
ALTER TABLE projects ADD CONSTRAINT projects_stage_or_status CHECK (stage IS NOT NULL OR status IS NOT NULL);

-- What a printed report said, figure by figure: `scope` is 'total', a mission or a strategy id;
-- `measure` one of the evaluation's columns (counts, amounts, percentages).
CREATE TABLE printed_figures (
  plan_id     text NOT NULL REFERENCES plans (id),
  fiscal_year smallint NOT NULL,
  scope       text NOT NULL,
  measure     text NOT NULL,
  value       numeric(18, 2) NOT NULL,
  source      text NOT NULL,
  PRIMARY KEY (plan_id, fiscal_year, scope, measure)
);
