-- Construction sites (issue 12): a plan project with physical works, its contract and planned
-- progress curve, the inspections engineers record at the site (with defects and photos), and
-- the review each inspection goes through before it counts as the site's official progress.
--
-- Ids of inspections, defects and photos are made by the client (a phone, offline): a resend
-- of the same write finds its row and changes nothing, so a lost acknowledgement on a bad
-- network never duplicates a record.

-- Who reviews inspections: the chief engineer of the Engineering Bureau's construction section,
-- and the bureau's director.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
  CHECK (role IN ('admin', 'executive', 'planner', 'engineer', 'chief_engineer', 'director', 'disaster', 'tax', 'auditor'));

CREATE TABLE sites (
  project_id     integer PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
  contractor     text NOT NULL,
  contract_no    text NOT NULL UNIQUE,
  contract_start date NOT NULL,
  contract_end   date NOT NULL CHECK (contract_end > contract_start),
  contract_value numeric(16, 2) NOT NULL CHECK (contract_value >= 0),
  -- Set when the works are accepted (ตรวจรับงาน); a site past its end without it is late.
  completed_on   date
);

-- The planned progress curve: planned % by date, read between points by straight lines; before
-- the first point 0, after the last its value. An S-curve from the contract dates by default.
CREATE TABLE site_plan_points (
  project_id  integer NOT NULL REFERENCES sites (project_id) ON DELETE CASCADE,
  on_date     date NOT NULL,
  planned_pct numeric(5, 2) NOT NULL CHECK (planned_pct BETWEEN 0 AND 100),
  PRIMARY KEY (project_id, on_date)
);

-- The planned % of a site on a day (null: the site has no curve).
CREATE FUNCTION site_planned_pct(site integer, on_day date) RETURNS numeric
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$
    WITH before AS (
      SELECT on_date, planned_pct FROM site_plan_points WHERE project_id = site AND on_date <= on_day ORDER BY on_date DESC LIMIT 1),
    after AS (
      SELECT on_date, planned_pct FROM site_plan_points WHERE project_id = site AND on_date > on_day ORDER BY on_date LIMIT 1)
    SELECT CASE
      WHEN NOT EXISTS (SELECT 1 FROM site_plan_points WHERE project_id = site) THEN NULL
      WHEN NOT EXISTS (SELECT 1 FROM before) THEN 0
      WHEN NOT EXISTS (SELECT 1 FROM after) THEN (SELECT planned_pct FROM before)
      ELSE round((SELECT b.planned_pct + (a.planned_pct - b.planned_pct) * (on_day - b.on_date)::numeric / (a.on_date - b.on_date)
                  FROM before b, after a), 2)
    END
  $$;

-- The review an inspection goes through, step by step: each step names the role that decides.
-- A step with min_contract_value applies only to sites whose contract is worth at least that
-- (the director signs off large contracts only). Configurable: change the rows.
CREATE TABLE inspection_review_steps (
  step               smallint PRIMARY KEY CHECK (step > 0),
  role               text NOT NULL,
  name_th            text NOT NULL,
  name_en            text NOT NULL,
  min_contract_value numeric(16, 2)
);
INSERT INTO inspection_review_steps (step, role, name_th, name_en, min_contract_value) VALUES
  (1, 'chief_engineer', 'หัวหน้าฝ่ายแผนงานและก่อสร้าง', 'Chief engineer, planning and construction', NULL),
  (2, 'director', 'ผู้อำนวยการสำนักการช่าง', 'Director of the Engineering Bureau', 5000000);

CREATE TABLE inspections (
  id           uuid PRIMARY KEY,
  project_id   integer NOT NULL REFERENCES sites (project_id) ON DELETE CASCADE,
  author_id    integer NOT NULL REFERENCES users (id),
  visited_at   timestamptz NOT NULL,
  progress_pct numeric(5, 2) NOT NULL CHECK (progress_pct BETWEEN 0 AND 100),
  notes        text NOT NULL DEFAULT '',
  work_done    text NOT NULL DEFAULT '',
  weather      text CHECK (weather IN ('clear', 'cloudy', 'rain', 'storm')),
  -- submitted: with the reviewer of `review_step`; returned: back with its author; approved: done.
  status       text NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'returned', 'approved')),
  review_step  smallint,
  -- SHA-256 of the write as the client sent it: the same write again changes nothing.
  request_hash text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inspections_site_idx ON inspections (project_id, visited_at DESC);
CREATE INDEX inspections_status_idx ON inspections (status, review_step);

CREATE TABLE inspection_reviews (
  id            serial PRIMARY KEY,
  inspection_id uuid NOT NULL REFERENCES inspections (id) ON DELETE CASCADE,
  step          smallint NOT NULL,
  reviewer_id   integer NOT NULL REFERENCES users (id),
  decision      text NOT NULL CHECK (decision IN ('approve', 'return')),
  note          text NOT NULL DEFAULT '',
  at            timestamptz NOT NULL DEFAULT now(),
  -- A returned inspection needs a reason its author can act on.
  CHECK (decision = 'approve' OR note <> '')
);
CREATE INDEX inspection_reviews_inspection_idx ON inspection_reviews (inspection_id, at);

CREATE TABLE defects (
  id            uuid PRIMARY KEY,
  inspection_id uuid NOT NULL REFERENCES inspections (id) ON DELETE CASCADE,
  description   text NOT NULL CHECK (description <> ''),
  severity      text NOT NULL CHECK (severity IN ('minor', 'major', 'critical')),
  assignee      text NOT NULL DEFAULT '',
  due_on        date,
  status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  closed_at     timestamptz,
  CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);
CREATE INDEX defects_inspection_idx ON defects (inspection_id);

-- A photo's bytes are files (content-addressed by their SHA-256, server/sites/photos/), not rows:
-- here is what is known of them. `geom` and `bearing` come from the photo's EXIF or, without
-- it, from the phone's location when it was taken (`position_source`).
CREATE TABLE photos (
  id              uuid PRIMARY KEY,
  inspection_id   uuid NOT NULL REFERENCES inspections (id) ON DELETE CASCADE,
  sha256          text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  content_type    text NOT NULL,
  bytes           integer NOT NULL CHECK (bytes > 0),
  width           integer NOT NULL CHECK (width > 0),
  height          integer NOT NULL CHECK (height > 0),
  taken_at        timestamptz,
  geom            geometry(Point, 4326),
  bearing         real CHECK (bearing >= 0 AND bearing < 360),
  position_source text CHECK (position_source IN ('exif', 'device')),
  -- Metres from the site's geometry, computed by the database when the photo is recorded.
  distance_m      real,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((geom IS NULL) = (position_source IS NULL))
);
CREATE INDEX photos_inspection_idx ON photos (inspection_id);
CREATE INDEX photos_geom_idx ON photos USING gist (geom);

-- How far a place is from a site's works, in metres (0 on them). Used when a photo is recorded
-- and when the desk lists photos taken far from their site: one rule for both.
CREATE FUNCTION site_distance_m(site integer, g geometry) RETURNS double precision
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$
    SELECT ST_Distance(p.geom::geography, g::geography) FROM projects p WHERE p.id = site
  $$;
