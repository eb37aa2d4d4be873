-- Pickup points served, late or missed (issue 13), and what the street graph needs.

-- Generated local streets (sois) are drawn with the named roads: a basemap feature of their own.
ALTER TABLE basemap_features DROP CONSTRAINT basemap_features_kind_check;
ALTER TABLE basemap_features ADD CONSTRAINT basemap_features_kind_check CHECK (kind IN ('lake', 'road', 'railway', 'street'));

-- Network distances for round planning where the engine has pgRouting (a real PostGIS with the
-- package installed); the embedded engine has none and plans over straight lines. A role that
-- may not create it (pgRouting is not a trusted extension) plans over straight lines too.
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_available_extensions WHERE name = 'pgrouting') THEN
    CREATE EXTENSION IF NOT EXISTS pgrouting;
  END IF;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'pgRouting is installed but this role may not create it: round plans use straight lines';
END $$;

-- Each pickup point of the rounds scheduled on `on_day` (Bangkok), as it stands at `as_of`:
--   served:  the round's truck stayed within `radius_m` of the point for `min_dwell_s` or more, the
--            stay beginning at or after the window opens and reaching `min_dwell_s` before it closes;
--   late:    such a stay, reaching `min_dwell_s` only after the window closed;
--   missed:  the window is over and there was no such stay;
--   pending: the window is not over yet and the point is not served.
-- A stay is a run of the truck's consecutive fixes within the radius (gaps and islands over the
-- truck's fixes of the day): a truck that drives past without stopping leaves one or two fixes
-- near the point, never a minute. served_at is when the stay began; dwell_s its length.
-- The pickups list and the summary both read this one function.
CREATE FUNCTION pickup_visits(on_day date, as_of timestamptz, radius_m double precision, min_dwell_s double precision)
RETURNS TABLE (point_id integer, round_id smallint, status text, served_at timestamptz, dwell_s double precision)
LANGUAGE sql STABLE AS $$
  WITH due AS (
    SELECT r.id, r.truck_id,
           (on_day + r.window_start) AT TIME ZONE 'Asia/Bangkok' AS opens,
           (on_day + r.window_end) AT TIME ZONE 'Asia/Bangkok' AS closes
    FROM rounds r
    WHERE extract(isodow FROM on_day)::smallint = ANY (r.days)),
  -- The truck's fixes of the day (one primary-key range per truck), numbered in time order, and
  -- the cell of a grid (cells as wide as the radius) each falls in.
  fixes AS (
    SELECT d.id AS round_id, p.recorded_at, p.geom,
           row_number() OVER (PARTITION BY d.id ORDER BY p.recorded_at) AS n,
           floor(ST_X(p.geom) / (radius_m / 100000.0))::int AS cx, floor(ST_Y(p.geom) / (radius_m / 100000.0))::int AS cy
    FROM due d
    JOIN truck_positions p ON p.truck_id = d.truck_id
     AND p.recorded_at >= on_day::timestamp AT TIME ZONE 'Asia/Bangkok'
     AND p.recorded_at < (on_day + 1)::timestamp AT TIME ZONE 'Asia/Bangkok'
     AND p.recorded_at <= as_of),
  -- Each point in its cell and the eight around it: a fix within the radius is in one of them
  -- (a degree is over 100 km here, so radius/100000 degrees is at least the radius either way).
  -- An equality join on cells is a hash join, linear in the fixes, where a spatial index probe
  -- per fix is not.
  cells AS (
    SELECT pp.id, pp.round_id, pp.geom,
           floor(ST_X(pp.geom) / (radius_m / 100000.0))::int + dx AS cx, floor(ST_Y(pp.geom) / (radius_m / 100000.0))::int + dy AS cy
    FROM pickup_points pp JOIN due d ON d.id = pp.round_id, generate_series(-1, 1) AS dx, generate_series(-1, 1) AS dy),
  -- Fixes within the radius of a point of their round (on the ellipsoid), islands numbered.
  near AS (
    SELECT c.id AS point_id, f.recorded_at, f.n - row_number() OVER (PARTITION BY c.id ORDER BY f.n) AS island
    FROM fixes f
    JOIN cells c ON c.round_id = f.round_id AND c.cx = f.cx AND c.cy = f.cy
    WHERE ST_DWithin(c.geom::geography, f.geom::geography, radius_m)),
  stays AS (
    SELECT n.point_id, min(n.recorded_at) AS began,
           extract(epoch FROM max(n.recorded_at) - min(n.recorded_at))::float8 AS span_s
    FROM near n GROUP BY n.point_id, n.island),
  -- The first stay long enough that began inside the window (earlier ones do not count).
  first_stay AS (
    SELECT DISTINCT ON (pp.id) pp.id AS point_id, s.began, s.span_s
    FROM pickup_points pp
    JOIN due d ON d.id = pp.round_id
    JOIN stays s ON s.point_id = pp.id AND s.began >= d.opens AND s.span_s >= min_dwell_s
    ORDER BY pp.id, s.began)
  SELECT pp.id, pp.round_id,
         CASE WHEN fs.began IS NOT NULL AND fs.began + make_interval(secs => min_dwell_s) <= d.closes THEN 'served'
              WHEN fs.began IS NOT NULL THEN 'late'
              WHEN as_of >= d.closes THEN 'missed'
              ELSE 'pending' END,
         fs.began, fs.span_s
  FROM pickup_points pp
  JOIN due d ON d.id = pp.round_id
  LEFT JOIN first_stay fs ON fs.point_id = pp.id
$$;
