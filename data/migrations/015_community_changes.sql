-- A change to the communities re-places only what it can move: the projects and parcels that
-- touch a changed community's old or new outline (or belong to it, for a change of zone).
--
-- Migrations 011 and 012 recomputed every project's shares and re-placed every parcel after any
-- statement on `communities`: about 20 s a statement on the demo data (each parcel re-placed,
-- its tile block recounted), so handing half a street to the next community took a minute of a
-- held lock. The rule stays the one of 011 (community_shares) and 012 (parcels_place); only who
-- is asked again changes. Transition tables name the changed rows; PostgreSQL allows them only
-- on single-event triggers without a column list, hence one trigger per event, and TRUNCATE
-- (which has none) still redoes everything.
DROP TRIGGER project_shares_on_communities ON communities;
DROP TRIGGER communities_changed ON communities;
DROP FUNCTION project_shares_of_communities();
DROP FUNCTION communities_changed();

-- Re-place what lies in `areas` or belongs to the communities `ids`.
CREATE FUNCTION replace_in_communities(ids smallint[], areas geometry[]) RETURNS void
  LANGUAGE plpgsql
  AS $$
  DECLARE
    moved integer[];
  BEGIN
    -- Waits for transactions writing projects to finish and holds new ones off until this one
    -- commits: otherwise a project moved meanwhile could keep shares computed from the old
    -- communities, or collide with the rows written here.
    LOCK TABLE projects IN SHARE ROW EXCLUSIVE MODE;
    SELECT array_agg(m.id) INTO moved FROM (
      SELECT p.id FROM projects p JOIN unnest(areas) AS a(g) ON ST_Intersects(p.geom, a.g)
      UNION
      SELECT s.project_id FROM project_shares s WHERE s.community_id = ANY (ids)) AS m;
    DELETE FROM project_shares WHERE project_id = ANY (moved);
    INSERT INTO project_shares (project_id, community_id, zone_id, share)
      SELECT p.id, s.community_id, s.zone_id, s.share FROM projects p CROSS JOIN LATERAL community_shares(p.geom) s
      WHERE p.id = ANY (moved);

    -- parcels_place (BEFORE UPDATE OF geom) places each again; parcels_updated recounts the
    -- blocks and purges the tiles of those whose community or zone changed, and only those.
    UPDATE parcels p SET geom = p.geom
    WHERE p.id IN (
      SELECT q.id FROM parcels q JOIN unnest(areas) AS a(g) ON ST_Intersects(q.geom, a.g)
      UNION
      SELECT q.id FROM parcels q WHERE q.community_id = ANY (ids));
  END
  $$;

CREATE FUNCTION communities_changed() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  DECLARE
    ids smallint[];
    areas geometry[];
  BEGIN
    IF TG_OP = 'INSERT' THEN
      SELECT array_agg(n.id), array_agg(n.geom) INTO ids, areas FROM new_rows n;
    ELSIF TG_OP = 'DELETE' THEN
      SELECT array_agg(o.id), array_agg(o.geom) INTO ids, areas FROM old_rows o;
    ELSE
      -- A renamed community or new household count moves nothing.
      SELECT array_agg(DISTINCT o.id), array_agg(v.g) INTO ids, areas
      FROM old_rows o JOIN new_rows n ON n.id = o.id, LATERAL (VALUES (o.geom), (n.geom)) AS v(g)
      WHERE o.geom IS DISTINCT FROM n.geom OR o.zone_id IS DISTINCT FROM n.zone_id;
    END IF;
    IF ids IS NOT NULL THEN
      PERFORM replace_in_communities(ids, areas);
    END IF;
    RETURN NULL;
  END
  $$;

CREATE TRIGGER communities_inserted AFTER INSERT ON communities REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION communities_changed();
CREATE TRIGGER communities_updated AFTER UPDATE ON communities REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION communities_changed();
CREATE TRIGGER communities_deleted AFTER DELETE ON communities REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION communities_changed();

CREATE FUNCTION communities_truncated() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    LOCK TABLE projects IN SHARE ROW EXCLUSIVE MODE;
    PERFORM refresh_project_shares();
    UPDATE parcels SET geom = geom;
    RETURN NULL;
  END
  $$;
CREATE TRIGGER communities_truncated AFTER TRUNCATE ON communities
  FOR EACH STATEMENT EXECUTE FUNCTION communities_truncated();
