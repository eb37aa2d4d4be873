-- Construction sites (issue 12): whether a site is late, as one rule in one place. The list, a
-- site's page, the map's GeoJSON and the plan evaluation by zone all read it from here, so no
-- two of them can disagree about which sites are late.
--
-- `today` is the server's date in Asia/Bangkok (the caller passes it: tests and drills move the
-- clock), `late_points` the delay at which a site counts as behind (SITES_LATE_POINTS).
--
-- planned_pct: the curve read on `today` (null: the site has no curve).
-- actual_pct:  the progress of the latest approved inspection (null: none approved yet).
-- delay_pts:   planned − actual; without an approved inspection nothing counts as done, so the
--              whole planned % is the delay.
-- late:        behind by at least `late_points`, or past the contract's end; a site whose works
--              were accepted (completed_on) is never late: there is nothing left to catch up on.
CREATE FUNCTION site_progress(site integer, today date, late_points numeric)
  RETURNS TABLE (planned_pct numeric, actual_pct numeric, delay_pts numeric, late boolean, late_reason text)
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$
    SELECT pl.planned, a.actual, d.delay,
           s.completed_on IS NULL AND (coalesce(d.delay >= late_points, false) OR today > s.contract_end),
           CASE WHEN s.completed_on IS NOT NULL THEN NULL
                WHEN d.delay >= late_points THEN 'behind'
                WHEN today > s.contract_end THEN 'overdue' END
    FROM sites s
    CROSS JOIN LATERAL (SELECT site_planned_pct(s.project_id, today) AS planned) pl
    LEFT JOIN LATERAL (
      SELECT i.progress_pct AS actual FROM inspections i
      WHERE i.project_id = s.project_id AND i.status = 'approved'
      ORDER BY i.visited_at DESC, i.updated_at DESC LIMIT 1) a ON true
    CROSS JOIN LATERAL (SELECT pl.planned - coalesce(a.actual, 0) AS delay) d
    WHERE s.project_id = site
  $$;

-- A site's official progress is its latest approved inspection: found by this index.
CREATE INDEX inspections_approved_idx ON inspections (project_id, visited_at DESC) WHERE status = 'approved';
