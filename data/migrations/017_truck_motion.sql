-- Trips and stops (issue 13): each truck's motion state machine, advanced over its new positions
-- in the transaction that stores them, so replays and reports read finished segments instead of
-- re-deriving them from millions of positions. The rules (Traccar's, configurable) come in as
-- arguments from the server's settings; nothing here hard-codes a threshold.
--
-- A fix is moving when faster than motion_kmh. The confirmed streak (trip or stop) is the open
-- segment; a run against it starts at the last standing fix before the first moving one (where
-- the truck set off), or at the first standing fix (where it halted). A moving run becomes a trip
-- once it lasts min_duration_s or covers min_distance_m; a standing run becomes a stop once it
-- lasts min_parking_s; a fix agreeing with the streak cancels the run. No fix for gap_s:
--   in a trip, the trip ends at the fix before the gap (or where a pending standing run began:
--   the truck already stood there) and a stop begins there, lasting at least until the fix after;
--   in a stop, a pending moving run is forgotten (nobody saw the truck move), and a moving fix
--   after the gap starts a run at itself, not at the fix before the gap.
-- Segments are contiguous: one ends where the next begins.
--
-- `since`: the earliest fix the caller just stored. Older than the last one processed (late or
-- resent data), the machine rewinds: segments from the one before the segment holding `since`
-- are deleted and reprocessed. The segment before, because the segment holding `since` was
-- confirmed by fixes after its start that the late fix may contradict, while the one before it
-- was confirmed before that start, by fixes the late one cannot change.
CREATE FUNCTION advance_truck_motion(
  truck smallint, since timestamptz,
  min_distance_m double precision, min_duration_s double precision, min_parking_s double precision,
  gap_s double precision, motion_kmh double precision
) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  st        truck_state%ROWTYPE;
  seg       truck_segments%ROWTYPE;
  resume    truck_segments%ROWTYPE;
  fix       record;
  have      boolean;
  step      double precision;
  fix_moving boolean;
  after_gap boolean;
  cut       timestamptz;
  cut_geom  geometry;
  processed integer := 0;
BEGIN
  -- Two ingests of one truck take turns (the row may not exist yet: lock the truck, not the row).
  PERFORM pg_advisory_xact_lock(724004, truck);
  SELECT * INTO st FROM truck_state s WHERE s.truck_id = truck;
  have := FOUND;

  IF have AND since IS NOT NULL AND since <= st.recorded_at THEN
    SELECT * INTO seg FROM truck_segments s WHERE s.truck_id = truck AND s.started_at < since ORDER BY s.started_at DESC LIMIT 1;
    IF FOUND THEN
      SELECT * INTO resume FROM truck_segments s WHERE s.truck_id = truck AND s.started_at < seg.started_at ORDER BY s.started_at DESC LIMIT 1;
    END IF;
    IF resume.truck_id IS NULL THEN
      -- Late data within the first segment (or before the first fix): start again from scratch.
      DELETE FROM truck_segments s WHERE s.truck_id = truck;
      DELETE FROM truck_state s WHERE s.truck_id = truck;
      have := false;
    ELSE
      DELETE FROM truck_segments s WHERE s.truck_id = truck AND s.started_at >= resume.started_at;
      st.recorded_at := resume.started_at;
      st.geom := resume.start_geom;
      st.moving := resume.kind = 'trip';
      st.segment_start := resume.started_at;
      st.run_start := NULL;
      st.run_start_geom := NULL;
      st.run_distance_m := 0;
      SELECT p.speed_kmh, p.heading_deg INTO st.speed_kmh, st.heading_deg
      FROM truck_positions p WHERE p.truck_id = truck AND p.recorded_at = resume.started_at;
      seg := resume;
      seg.ended_at := resume.started_at;
      seg.end_geom := resume.start_geom;
      seg.distance_m := 0;
      seg.max_speed_kmh := coalesce(st.speed_kmh, 0);
      seg.open := true;
    END IF;
  ELSIF have THEN
    -- The open segment lives in variables while the batch is processed and is written back once.
    DELETE FROM truck_segments s WHERE s.truck_id = truck AND s.open RETURNING * INTO seg;
  END IF;

  FOR fix IN
    SELECT p.recorded_at, p.speed_kmh, p.heading_deg, p.geom FROM truck_positions p
    WHERE p.truck_id = truck AND (NOT have OR p.recorded_at > st.recorded_at)
    ORDER BY p.recorded_at
  LOOP
    processed := processed + 1;
    fix_moving := fix.speed_kmh > motion_kmh;
    IF NOT have THEN
      -- The first fix opens a trip or a stop at once.
      st := ROW(truck, fix.recorded_at, fix.speed_kmh, fix.heading_deg, fix.geom, fix_moving, fix.recorded_at, NULL, NULL, 0);
      seg := ROW(truck, fix.recorded_at, fix.recorded_at, CASE WHEN fix_moving THEN 'trip' ELSE 'stop' END, true,
                 fix.geom, fix.geom, 0, fix.speed_kmh);
      have := true;
      CONTINUE;
    END IF;

    after_gap := extract(epoch FROM fix.recorded_at - st.recorded_at) >= gap_s;
    IF after_gap AND st.moving THEN
      -- The trip ends at the fix before the gap, or where the truck had already stood since.
      cut := coalesce(st.run_start, st.recorded_at);
      cut_geom := coalesce(st.run_start_geom, st.geom);
      seg.ended_at := cut;
      seg.end_geom := cut_geom;
      seg.distance_m := greatest(seg.distance_m - st.run_distance_m, 0);
      seg.max_speed_kmh := (SELECT coalesce(max(p.speed_kmh), 0) FROM truck_positions p
                            WHERE p.truck_id = truck AND p.recorded_at BETWEEN seg.started_at AND cut);
      seg.open := false;
      -- A segment of no length (the truck's first fix, then the gap) gives way to the next.
      IF seg.started_at < cut THEN
        INSERT INTO truck_segments VALUES (seg.*);
      END IF;
      seg := ROW(truck, cut, st.recorded_at, 'stop', true, cut_geom, st.geom, st.run_distance_m, 0);
      seg.max_speed_kmh := (SELECT coalesce(max(p.speed_kmh), 0) FROM truck_positions p
                            WHERE p.truck_id = truck AND p.recorded_at BETWEEN cut AND st.recorded_at);
      st.moving := false;
      st.segment_start := cut;
      st.run_start := NULL;
      st.run_start_geom := NULL;
      st.run_distance_m := 0;
    ELSIF after_gap THEN
      st.run_start := NULL;
      st.run_start_geom := NULL;
      st.run_distance_m := 0;
    END IF;

    -- The fix extends the open segment whatever it turns out to be.
    step := ST_Distance(st.geom::geography, fix.geom::geography);
    seg.ended_at := fix.recorded_at;
    seg.end_geom := fix.geom;
    seg.distance_m := seg.distance_m + step;
    seg.max_speed_kmh := greatest(seg.max_speed_kmh, fix.speed_kmh);

    IF fix_moving = st.moving THEN
      st.run_start := NULL;
      st.run_start_geom := NULL;
      st.run_distance_m := 0;
    ELSE
      IF st.run_start IS NOT NULL THEN
        st.run_distance_m := st.run_distance_m + step;
      ELSIF fix_moving AND NOT after_gap THEN
        st.run_start := st.recorded_at;
        st.run_start_geom := st.geom;
        st.run_distance_m := step;
      ELSE
        st.run_start := fix.recorded_at;
        st.run_start_geom := fix.geom;
        st.run_distance_m := 0;
      END IF;
      IF (fix_moving AND (extract(epoch FROM fix.recorded_at - st.run_start) >= min_duration_s OR st.run_distance_m >= min_distance_m))
         OR (NOT fix_moving AND extract(epoch FROM fix.recorded_at - st.run_start) >= min_parking_s) THEN
        -- Confirmed: the open segment ends where the run began and the run's segment opens there.
        seg.ended_at := st.run_start;
        seg.end_geom := st.run_start_geom;
        seg.distance_m := greatest(seg.distance_m - st.run_distance_m, 0);
        seg.max_speed_kmh := (SELECT coalesce(max(p.speed_kmh), 0) FROM truck_positions p
                              WHERE p.truck_id = truck AND p.recorded_at BETWEEN seg.started_at AND st.run_start);
        seg.open := false;
        -- A segment of no length (a first fix standing, then the truck set off) gives way to the run's.
        IF seg.started_at < st.run_start THEN
          INSERT INTO truck_segments VALUES (seg.*);
        END IF;
        seg := ROW(truck, st.run_start, fix.recorded_at, CASE WHEN fix_moving THEN 'trip' ELSE 'stop' END, true,
                   st.run_start_geom, fix.geom, st.run_distance_m, 0);
        seg.max_speed_kmh := (SELECT coalesce(max(p.speed_kmh), 0) FROM truck_positions p
                              WHERE p.truck_id = truck AND p.recorded_at BETWEEN st.run_start AND fix.recorded_at);
        st.moving := fix_moving;
        st.segment_start := st.run_start;
        st.run_start := NULL;
        st.run_start_geom := NULL;
        st.run_distance_m := 0;
      END IF;
    END IF;

    st.recorded_at := fix.recorded_at;
    st.speed_kmh := fix.speed_kmh;
    st.heading_deg := fix.heading_deg;
    st.geom := fix.geom;
  END LOOP;

  IF have THEN
    INSERT INTO truck_segments VALUES (seg.*);
    INSERT INTO truck_state VALUES (st.*)
    ON CONFLICT (truck_id) DO UPDATE SET
      recorded_at = EXCLUDED.recorded_at, speed_kmh = EXCLUDED.speed_kmh, heading_deg = EXCLUDED.heading_deg,
      geom = EXCLUDED.geom, moving = EXCLUDED.moving, segment_start = EXCLUDED.segment_start,
      run_start = EXCLUDED.run_start, run_start_geom = EXCLUDED.run_start_geom, run_distance_m = EXCLUDED.run_distance_m;
  END IF;
  RETURN processed;
END $$;

-- Where raw data's retention cuts (READINGS_KEEP_MONTHS, for sensor readings and truck positions
-- alike): whole UTC months before the current one, so a month's partition goes all at once.
CREATE FUNCTION retention_cutoff(now timestamptz, keep_months integer) RETURNS timestamptz
LANGUAGE sql IMMUTABLE AS $$
  SELECT date_trunc('month', now AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - keep_months * interval '1 month'
$$;
