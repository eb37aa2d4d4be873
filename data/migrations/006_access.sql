-- Who may see and change what: accounts, server-side sessions, login attempts (for rate
-- limiting across processes), device keys, and the append-only audit trail.
CREATE TABLE users (
  id            serial PRIMARY KEY,
  username      text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9_.-]{2,31}$'),
  display_name  text NOT NULL,
  role          text NOT NULL CHECK (role IN ('admin', 'executive', 'planner', 'engineer', 'disaster', 'tax', 'auditor')),
  zones         smallint[] CHECK (zones IS NULL OR cardinality(zones) > 0), -- NULL: every zone
  password_hash text NOT NULL,
  demo          boolean NOT NULL DEFAULT false,  -- created by demo mode; production refuses to start with any
  disabled      boolean NOT NULL DEFAULT false,
  locked_until  timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- The token itself is never stored, only its SHA-256: a copy of this table opens no session.
CREATE TABLE sessions (
  token_hash   text PRIMARY KEY,
  user_id      integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  ip           text,
  user_agent   text
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE login_attempts (
  id       bigserial PRIMARY KEY,
  username text NOT NULL,
  ip       text NOT NULL,
  at       timestamptz NOT NULL DEFAULT now(),
  success  boolean NOT NULL
);
CREATE INDEX login_attempts_username_idx ON login_attempts (username, at);
CREATE INDEX login_attempts_ip_idx ON login_attempts (ip, at);

-- One key per device (a flood sensor or a truck's GPS unit), stored as a SHA-256 of its secret.
CREATE TABLE devices (
  id         serial PRIMARY KEY,
  kind       text NOT NULL CHECK (kind IN ('sensor', 'truck')),
  sensor_id  smallint REFERENCES sensors (id),
  truck_id   smallint REFERENCES trucks (id),
  label      text NOT NULL,
  key_hash   text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  CHECK ((kind = 'sensor') = (sensor_id IS NOT NULL) AND (kind = 'truck') = (truck_id IS NOT NULL))
);

CREATE TABLE audit_log (
  id         bigserial PRIMARY KEY,
  at         timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor_kind text NOT NULL CHECK (actor_kind IN ('user', 'device', 'system')),
  actor_id   integer,
  actor_name text NOT NULL,
  action     text NOT NULL,
  entity     text NOT NULL,
  entity_id  text,
  before     jsonb,
  after      jsonb,
  ip         text
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id);

-- Append-only, whatever connects: no API offers to change it, and the database refuses too.
CREATE FUNCTION audit_log_is_append_only() RETURNS trigger
  LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
