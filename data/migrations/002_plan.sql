-- The development plan: missions → strategies → projects, and each project's execution
-- through the e-Plan stages (plan → budget approved → contract signed → disbursed).
-- A project's zone and community are not stored: they follow from its geometry.
CREATE TABLE plans (
  id        text PRIMARY KEY,
  name_th   text NOT NULL,
  name_en   text NOT NULL,
  first_fy  smallint NOT NULL,
  last_fy   smallint NOT NULL CHECK (last_fy >= first_fy)
);

CREATE TABLE missions (
  id      text PRIMARY KEY,
  plan_id text NOT NULL REFERENCES plans (id),
  name_th text NOT NULL,
  name_en text NOT NULL
);

CREATE TABLE strategies (
  id         text PRIMARY KEY,
  mission_id text NOT NULL REFERENCES missions (id),
  name_th    text NOT NULL,
  name_en    text NOT NULL
);

-- Table T1 of the M&E report: projects and budget per strategy and fiscal year, as planned.
CREATE TABLE strategy_targets (
  strategy_id   text NOT NULL REFERENCES strategies (id),
  fiscal_year   smallint NOT NULL,
  project_count integer NOT NULL,
  budget        numeric(16, 2) NOT NULL,
  PRIMARY KEY (strategy_id, fiscal_year)
);

CREATE TABLE divisions (
  id      text PRIMARY KEY,
  name_th text NOT NULL,
  name_en text NOT NULL
);

CREATE TABLE projects (
  id               serial PRIMARY KEY,
  code             text NOT NULL UNIQUE,
  fiscal_year      smallint NOT NULL CHECK (fiscal_year BETWEEN 2500 AND 2700), -- Buddhist era
  strategy_id      text NOT NULL REFERENCES strategies (id),
  division_id      text NOT NULL REFERENCES divisions (id),
  name_th          text NOT NULL,
  name_en          text NOT NULL,
  stage            text NOT NULL CHECK (stage IN ('plan', 'approved', 'contracted', 'disbursed')),
  budget           numeric(16, 2) NOT NULL CHECK (budget >= 0),
  approved_amount  numeric(16, 2) CHECK (approved_amount >= 0),
  contract_amount  numeric(16, 2) CHECK (contract_amount >= 0),
  disbursed_amount numeric(16, 2) CHECK (disbursed_amount >= 0),
  as_of            date NOT NULL,
  geom             geometry(Geometry, 4326) NOT NULL CHECK (ST_IsValid(geom))
);
CREATE INDEX projects_geom_idx ON projects USING gist (geom);
CREATE INDEX projects_fy_strategy_idx ON projects (fiscal_year, strategy_id);
