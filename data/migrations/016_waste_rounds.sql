-- Waste collection (issue 13): truck positions in monthly partitions, each truck's motion state
-- and the trips and stops derived from its positions as they arrive, the street graph the
-- rounds are planned on, and the collection rounds with their ordered pickup points.

-- Monthly partitions for any table partitioned by range on a timestamptz: sensor readings and
-- truck positions alike, named <table>_YYYYMM (UTC months). Ingest calls it for the months a
-- batch touches; a lock per table keeps two processes from racing to create the same month.
CREATE FUNCTION ensure_monthly_partitions(parent regclass, from_at timestamptz, to_at timestamptz) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  month timestamp := date_trunc('month', from_at AT TIME ZONE 'UTC');
  last  timestamp := date_trunc('month', to_at AT TIME ZONE 'UTC');
  base  text := (SELECT relname FROM pg_class WHERE oid = parent);
  name  text;
  made  integer := 0;
BEGIN
  WHILE month <= last LOOP
    name := base || '_' || to_char(month, 'YYYYMM');
    IF to_regclass(name) IS NULL THEN
      PERFORM pg_advisory_xact_lock(724002, hashtext(base));
      IF to_regclass(name) IS NULL THEN
        EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                       name, base, (month AT TIME ZONE 'UTC'), ((month + interval '1 month') AT TIME ZONE 'UTC'));
        made := made + 1;
      END IF;
    END IF;
    month := month + interval '1 month';
  END LOOP;
  RETURN made;
END $$;

-- Drops the monthly partitions of `parent` that end on or before `cutoff`. How long raw data is
-- kept is the city's decision (READINGS_KEEP_MONTHS, for readings and positions alike); dropping
-- a month is instant where DELETE is not.
CREATE FUNCTION drop_monthly_partitions(parent regclass, cutoff timestamptz) RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE
  base    text := (SELECT relname FROM pg_class WHERE oid = parent);
  part    text;
  dropped text[] := '{}';
BEGIN
  FOR part IN
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = parent AND c.relname ~ ('^' || base || '_[0-9]{6}$')
      AND (to_date(right(c.relname, 6), 'YYYYMM')::timestamp AT TIME ZONE 'UTC') + interval '1 month' <= cutoff
    ORDER BY c.relname
  LOOP
    EXECUTE format('DROP TABLE %I', part);
    dropped := dropped || part;
  END LOOP;
  RETURN dropped;
END $$;

DROP FUNCTION ensure_reading_partitions(timestamptz, timestamptz);
DROP FUNCTION drop_reading_partitions(timestamptz);

-- Positions as GPS units report them: where, when, how fast, which way. What a truck is doing
-- (moving, stopped, at the depot, offline) is derived, not reported. 60 trucks every 10 s for a
-- year is about 190 million rows: one truck's day is one index range in one partition.
ALTER TABLE truck_positions RENAME TO truck_positions_before_016;
ALTER TABLE truck_positions_before_016 RENAME CONSTRAINT truck_positions_pkey TO truck_positions_before_016_pkey;
DROP INDEX truck_positions_geom_idx;
CREATE TABLE truck_positions (
  truck_id    smallint NOT NULL REFERENCES trucks (id),
  recorded_at timestamptz NOT NULL,
  speed_kmh   double precision NOT NULL CHECK (speed_kmh >= 0),
  heading_deg double precision NOT NULL CHECK (heading_deg >= 0 AND heading_deg < 360),
  geom        geometry(Point, 4326) NOT NULL,
  PRIMARY KEY (truck_id, recorded_at)
) PARTITION BY RANGE (recorded_at);
-- Questions across all trucks over a time window (the city's pickups of a day).
CREATE INDEX truck_positions_time_brin ON truck_positions USING brin (recorded_at);

SELECT ensure_monthly_partitions('truck_positions', min(recorded_at), max(recorded_at))
FROM truck_positions_before_016 HAVING count(*) > 0;
INSERT INTO truck_positions SELECT truck_id, recorded_at, speed_kmh, heading_deg, geom FROM truck_positions_before_016;
DROP TABLE truck_positions_before_016;

-- Each truck's latest position and the motion state machine's memory between batches (Traccar's
-- rules: a run of motion or of standing still becomes a trip or a stop once it is long enough),
-- so live views and ingest never scan the positions to find "now".
CREATE TABLE truck_state (
  truck_id         smallint PRIMARY KEY REFERENCES trucks (id),
  recorded_at      timestamptz NOT NULL,          -- the latest position processed
  speed_kmh        double precision NOT NULL,
  heading_deg      double precision NOT NULL,
  geom             geometry(Point, 4326) NOT NULL,
  moving           boolean NOT NULL,              -- the confirmed streak: in a trip (true) or a stop
  segment_start    timestamptz NOT NULL,          -- where the current (open) segment began
  run_start        timestamptz,                   -- a run against the streak, not yet long enough
  run_start_geom   geometry(Point, 4326),
  run_distance_m   double precision NOT NULL DEFAULT 0
);

-- Trips and stops, contiguous in time: a stop begins at the first fix standing still, a trip at
-- the last fix before moving off. The segment still going is `open` and grows as positions come.
CREATE TABLE truck_segments (
  truck_id      smallint NOT NULL REFERENCES trucks (id),
  started_at    timestamptz NOT NULL,
  ended_at      timestamptz NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('trip', 'stop')),
  open          boolean NOT NULL DEFAULT false,
  start_geom    geometry(Point, 4326) NOT NULL,
  end_geom      geometry(Point, 4326) NOT NULL,
  distance_m    double precision NOT NULL DEFAULT 0 CHECK (distance_m >= 0),
  max_speed_kmh double precision NOT NULL DEFAULT 0,
  PRIMARY KEY (truck_id, started_at),
  CHECK (ended_at >= started_at)
);
CREATE UNIQUE INDEX truck_segments_one_open ON truck_segments (truck_id) WHERE open;

-- The street graph rounds are planned on: the basemap's named roads and the generated local
-- streets, noded where they cross. Columns as pgRouting expects them (id, source, target, cost,
-- reverse_cost), so pgr_dijkstra reads the table as it is; the embedded engine has no pgRouting.
CREATE TABLE road_nodes (
  id   integer PRIMARY KEY,
  geom geometry(Point, 4326) NOT NULL
);
CREATE INDEX road_nodes_geom_idx ON road_nodes USING gist (geom);
CREATE TABLE road_edges (
  id           integer PRIMARY KEY,
  source       integer NOT NULL REFERENCES road_nodes (id),
  target       integer NOT NULL REFERENCES road_nodes (id),
  cost         double precision NOT NULL CHECK (cost >= 0),  -- metres
  reverse_cost double precision NOT NULL,                    -- metres; -1: one way
  name_th      text,
  geom         geometry(LineString, 4326) NOT NULL
);
CREATE INDEX road_edges_geom_idx ON road_edges USING gist (geom);

-- A zone's collection rounds: which truck drives it, on which days (ISO: 1 Monday … 7 Sunday),
-- in which time window (Bangkok time), along which route, past which pickup points in order.
CREATE TABLE rounds (
  id           smallint PRIMARY KEY,
  code         text NOT NULL UNIQUE,
  zone_id      smallint NOT NULL REFERENCES zones (id),
  truck_id     smallint NOT NULL REFERENCES trucks (id),
  name_th      text NOT NULL,
  name_en      text NOT NULL,
  days         smallint[] NOT NULL CHECK (days <@ '{1,2,3,4,5,6,7}' AND cardinality(days) > 0),
  window_start time NOT NULL,
  window_end   time NOT NULL CHECK (window_end > window_start),
  route        geometry(LineString, 4326) NOT NULL
);
CREATE INDEX rounds_truck_idx ON rounds (truck_id);

CREATE TABLE pickup_points (
  id           integer PRIMARY KEY,
  round_id     smallint NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
  seq          smallint NOT NULL CHECK (seq > 0),
  kind         text NOT NULL CHECK (kind IN ('market', 'community', 'school', 'hospital', 'temple', 'office')),
  name_th      text NOT NULL,
  name_en      text NOT NULL,
  community_id smallint REFERENCES communities (id),
  geom         geometry(Point, 4326) NOT NULL,
  UNIQUE (round_id, seq) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX pickup_points_geom_idx ON pickup_points USING gist (geom);
