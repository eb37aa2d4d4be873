-- The flood desk: thresholds relative to the bank or road a sensor watches, readings kept in
-- monthly partitions, each sensor's current state, alerts with their lifecycle and timeline,
-- the contacts and escalation chains that are told, and the notifications sent to them.

-- Thresholds were absolute heights above the gauge zero. Staff think in "how far below the
-- bank (or the road)": the reference height is stored once and the thresholds relative to it,
-- so re-surveying a bank moves all three lines together. The absolute lines are derived.
ALTER TABLE sensors
  ADD COLUMN zone_id         smallint REFERENCES zones (id),
  ADD COLUMN reference       text NOT NULL DEFAULT 'bank' CHECK (reference IN ('bank', 'road')),
  ADD COLUMN reference_m     double precision,
  ADD COLUMN watch_rel_m     double precision,
  ADD COLUMN warning_rel_m   double precision,
  ADD COLUMN critical_rel_m  double precision,
  -- A level must fall this far below a line before the band drops: a level hovering at a line
  -- does not flap between colours.
  ADD COLUMN hysteresis_m    double precision NOT NULL DEFAULT 0.05 CHECK (hysteresis_m >= 0),
  -- Rate-of-rise: a rise of rise_m within rise_window_s is an alert of its own (Delft-FEWS).
  ADD COLUMN rise_m          double precision NOT NULL DEFAULT 0.30 CHECK (rise_m > 0),
  ADD COLUMN rise_window_s   integer NOT NULL DEFAULT 1800 CHECK (rise_window_s > 0),
  -- Silent for longer than this: offline. Two missed readings at the default 10-minute interval.
  ADD COLUMN offline_after_s integer NOT NULL DEFAULT 1200 CHECK (offline_after_s > 0),
  -- Who is affected: the drainage catchment when one is drawn, otherwise this distance.
  ADD COLUMN affect_radius_m double precision NOT NULL DEFAULT 500 CHECK (affect_radius_m > 0 AND affect_radius_m <= 5000);

UPDATE sensors SET
  zone_id = (SELECT z.id FROM zones z ORDER BY z.geom <-> sensors.geom, z.id LIMIT 1),
  reference_m = critical_m,
  watch_rel_m = watch_m - critical_m,
  warning_rel_m = warning_m - critical_m,
  critical_rel_m = 0;

ALTER TABLE sensors DROP CONSTRAINT sensors_check;
ALTER TABLE sensors DROP COLUMN watch_m, DROP COLUMN warning_m, DROP COLUMN critical_m;
ALTER TABLE sensors
  ALTER COLUMN zone_id SET NOT NULL,
  ALTER COLUMN reference_m SET NOT NULL,
  ALTER COLUMN watch_rel_m SET NOT NULL,
  ALTER COLUMN warning_rel_m SET NOT NULL,
  ALTER COLUMN critical_rel_m SET NOT NULL,
  ADD CONSTRAINT sensors_thresholds_ordered CHECK (watch_rel_m < warning_rel_m AND warning_rel_m < critical_rel_m),
  ADD COLUMN watch_m    double precision GENERATED ALWAYS AS (reference_m + watch_rel_m) STORED,
  ADD COLUMN warning_m  double precision GENERATED ALWAYS AS (reference_m + warning_rel_m) STORED,
  ADD COLUMN critical_m double precision GENERATED ALWAYS AS (reference_m + critical_rel_m) STORED;

-- A drawn drainage catchment per sensor (optional).
CREATE TABLE sensor_catchments (
  sensor_id smallint PRIMARY KEY REFERENCES sensors (id),
  geom      geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom))
);
CREATE INDEX sensor_catchments_geom_idx ON sensor_catchments USING gist (geom);

-- Readings in monthly partitions: a year of one reading a minute from 200 sensors is about
-- 105 million rows; queries over recent days touch one or two partitions, and old months are
-- dropped or archived whole instead of deleted row by row (see scripts/bench-readings.ts).
ALTER TABLE sensor_readings RENAME TO sensor_readings_before_008;
ALTER TABLE sensor_readings_before_008 RENAME CONSTRAINT sensor_readings_pkey TO sensor_readings_before_008_pkey;
CREATE TABLE sensor_readings (
  sensor_id   smallint NOT NULL REFERENCES sensors (id),
  recorded_at timestamptz NOT NULL,
  level_m     double precision NOT NULL,
  rain_mm     double precision,
  battery_v   double precision,
  PRIMARY KEY (sensor_id, recorded_at)
) PARTITION BY RANGE (recorded_at);

-- Creates the monthly partitions (UTC months) that cover [from_at, to_at]. Ingest calls it for
-- the months a batch touches; a lock keeps two processes from racing to create the same one.
CREATE FUNCTION ensure_reading_partitions(from_at timestamptz, to_at timestamptz) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  month timestamp := date_trunc('month', from_at AT TIME ZONE 'UTC');
  last  timestamp := date_trunc('month', to_at AT TIME ZONE 'UTC');
  name  text;
  made  integer := 0;
BEGIN
  WHILE month <= last LOOP
    name := 'sensor_readings_' || to_char(month, 'YYYYMM');
    IF to_regclass(name) IS NULL THEN
      PERFORM pg_advisory_xact_lock(724002);
      IF to_regclass(name) IS NULL THEN
        EXECUTE format('CREATE TABLE %I PARTITION OF sensor_readings FOR VALUES FROM (%L) TO (%L)',
                       name, (month AT TIME ZONE 'UTC'), ((month + interval '1 month') AT TIME ZONE 'UTC'));
        made := made + 1;
      END IF;
    END IF;
    month := month + interval '1 month';
  END LOOP;
  RETURN made;
END $$;

-- Drops the monthly partitions that end on or before `cutoff`. How long raw readings are kept is
-- the city's decision (READINGS_KEEP_MONTHS); dropping a month is instant where DELETE is not.
CREATE FUNCTION drop_reading_partitions(cutoff timestamptz) RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE
  part    text;
  dropped text[] := '{}';
BEGIN
  FOR part IN
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'sensor_readings'::regclass AND c.relname ~ '^sensor_readings_[0-9]{6}$'
      AND (to_date(right(c.relname, 6), 'YYYYMM')::timestamp AT TIME ZONE 'UTC') + interval '1 month' <= cutoff
    ORDER BY c.relname
  LOOP
    EXECUTE format('DROP TABLE %I', part);
    dropped := dropped || part;
  END LOOP;
  RETURN dropped;
END $$;

-- The primary key serves one sensor's history; a BRIN index (a few pages per partition) serves
-- questions across all sensors over a time window, such as the highest level in the last hour.
CREATE INDEX sensor_readings_time_brin ON sensor_readings USING brin (recorded_at);

SELECT ensure_reading_partitions(min(recorded_at), max(recorded_at))
FROM sensor_readings_before_008 HAVING count(*) > 0;
INSERT INTO sensor_readings SELECT sensor_id, recorded_at, level_m, rain_mm, battery_v FROM sensor_readings_before_008;
DROP TABLE sensor_readings_before_008;

-- Each sensor's latest reading and the state the alert rules keep between readings, so the
-- map and the live stream never scan the readings to find "now".
CREATE TABLE sensor_state (
  sensor_id    smallint PRIMARY KEY REFERENCES sensors (id),
  recorded_at  timestamptz NOT NULL,
  level_m      double precision NOT NULL,
  rain_mm      double precision,
  battery_v    double precision,
  -- The band after hysteresis: what the map colours the sensor.
  band         text NOT NULL CHECK (band IN ('normal', 'watch', 'warning', 'critical')),
  -- Whether the rate-of-rise condition held at the latest reading.
  rising       boolean NOT NULL DEFAULT false,
  offline      boolean NOT NULL DEFAULT false
);

-- A database that already has readings starts from each sensor's latest one. Alerts open on a
-- change of band, so the band starts at normal: the first reading after the upgrade opens the
-- alerts its level calls for. The first sweep flags sensors that have gone silent.
INSERT INTO sensor_state (sensor_id, recorded_at, level_m, rain_mm, battery_v, band)
SELECT DISTINCT ON (sensor_id) sensor_id, recorded_at, level_m, rain_mm, battery_v, 'normal'
FROM sensor_readings
ORDER BY sensor_id, recorded_at DESC;

-- Contacts the desk notifies, through a channel adapter. Quiet hours (Bangkok time) hold back
-- yellow and orange notifications until they end; red is always sent at once.
CREATE TABLE flood_contacts (
  id         serial PRIMARY KEY,
  name       text NOT NULL,
  position   text NOT NULL,
  user_id    integer REFERENCES users (id),
  channel    text NOT NULL CHECK (channel IN ('webhook', 'line')),
  address    text NOT NULL,
  quiet_from time,
  quiet_to   time,
  active     boolean NOT NULL DEFAULT true,
  CHECK ((quiet_from IS NULL) = (quiet_to IS NULL))
);

-- Who is told, in order, while nobody acknowledges: a zone's chain, or the city's (zone_id NULL).
CREATE TABLE escalation_steps (
  zone_id      smallint REFERENCES zones (id),
  step         smallint NOT NULL CHECK (step >= 0),
  contact_id   integer NOT NULL REFERENCES flood_contacts (id),
  -- How long this contact has to acknowledge before the next one is told.
  ack_within_s integer NOT NULL CHECK (ack_within_s > 0),
  UNIQUE NULLS NOT DISTINCT (zone_id, step)
);

CREATE TABLE flood_alerts (
  id                 serial PRIMARY KEY,
  sensor_id          smallint NOT NULL REFERENCES sensors (id),
  type               text NOT NULL CHECK (type IN ('level', 'rise', 'offline')),
  severity           text NOT NULL CHECK (severity IN ('watch', 'warning', 'critical')),
  peak_severity      text NOT NULL CHECK (peak_severity IN ('watch', 'warning', 'critical')),
  status             text NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved', 'closed')),
  opened_at          timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL,
  level_m            double precision,
  reading_at         timestamptz,
  acknowledged_at    timestamptz,
  acknowledged_by    integer REFERENCES users (id),
  resolved_at        timestamptz,
  closed_at          timestamptz,
  closed_by          integer REFERENCES users (id),
  assignee_id        integer REFERENCES users (id),
  escalation_step    smallint NOT NULL DEFAULT 0,
  next_escalation_at timestamptz
);
-- At most one alert per sensor and type that is not closed: a condition that comes back while
-- its alert is still on the wall reopens that alert instead of adding another.
CREATE UNIQUE INDEX flood_alerts_one_per_sensor_type ON flood_alerts (sensor_id, type) WHERE status <> 'closed';
CREATE INDEX flood_alerts_escalation_idx ON flood_alerts (next_escalation_at) WHERE next_escalation_at IS NOT NULL;

-- An alert's timeline: what happened to it, when, by whom, with notes.
CREATE TABLE flood_alert_events (
  id         bigserial PRIMARY KEY,
  alert_id   integer NOT NULL REFERENCES flood_alerts (id),
  at         timestamptz NOT NULL,
  change     text NOT NULL CHECK (change IN ('opened', 'raised', 'lowered', 'escalated', 'acknowledged', 'assigned',
                                             'noted', 'resolved', 'reopened', 'closed')),
  severity   text NOT NULL,
  level_m    double precision,
  user_id    integer REFERENCES users (id),
  contact_id integer REFERENCES flood_contacts (id),
  note       text
);
CREATE INDEX flood_alert_events_alert_idx ON flood_alert_events (alert_id, at);

-- An outbox: a notification is written in the transaction that changed the alert and sent
-- after it commits, with retries; a process that dies mid-send leaves it to be picked up again.
CREATE TABLE flood_notifications (
  id         bigserial PRIMARY KEY,
  alert_id   integer NOT NULL REFERENCES flood_alerts (id),
  contact_id integer NOT NULL REFERENCES flood_contacts (id),
  reason     text NOT NULL CHECK (reason IN ('opened', 'raised', 'escalated', 'reopened')),
  severity   text NOT NULL,
  created_at timestamptz NOT NULL,
  -- Later than created_at when quiet hours held it back.
  due_at     timestamptz NOT NULL,
  status     text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled')),
  attempts   smallint NOT NULL DEFAULT 0,
  claimed_at timestamptz,
  sent_at    timestamptz,
  error      text
);
CREATE INDEX flood_notifications_due_idx ON flood_notifications (due_at) WHERE status IN ('pending', 'sending');
CREATE INDEX flood_notifications_alert_idx ON flood_notifications (alert_id);
