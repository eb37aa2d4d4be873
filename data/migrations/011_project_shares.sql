-- Each project's share of each community (and so zone) it lies in, stored, so the evaluation by
-- zone or community reads them instead of clipping every project against every community at
-- every request (304 ms p50 at 10× the demo projects on PostGIS, most of it ST_Intersection).
--
-- The database keeps them right itself, in the writing transaction: triggers on `projects`
-- recompute a project's rows when it is inserted or its geometry changes (the API, the import,
-- the seed and any future writer alike; a failed import rolls its shares back with it), a
-- deleted project takes its rows with it (foreign key), and a change to the communities
-- recomputes every project. Zones need no trigger: a project's zone is its community's, and a
-- community moving to another zone is a change to `communities`.

-- The rule, for one geometry: a point counts wholly where it lies (split evenly among the
-- communities that hold it, should it sit on a shared edge); a line is split by its length in
-- each community, a polygon by its area. Shares are scaled to add up to one (a line along a
-- shared edge touches both sides; clipping leaves slivers) unless more than 0.1 % lies outside
-- every community: then that part, or the whole of a project without a place or beyond the city,
-- counts under "no place" (null community and zone), so zones plus "no place" add up to the
-- whole. Intersections use a fixed precision grid (1e-9°): the embedded engine's GEOS otherwise
-- fails on shapes that only touch along a community edge, and fails silently, returning no rows.
CREATE FUNCTION community_shares(g geometry) RETURNS TABLE (community_id smallint, zone_id smallint, share double precision)
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$
    WITH shares AS (
      SELECT c.id, c.zone_id,
             CASE ST_Dimension(g)
               WHEN 0 THEN 1.0 / (SELECT count(*) FROM communities c2 WHERE ST_Intersects(c2.geom, g))
               WHEN 1 THEN ST_Length(ST_Intersection(c.geom, g, 1e-9)::geography) / nullif(ST_Length(g::geography), 0)
               ELSE ST_Area(ST_Intersection(c.geom, g, 1e-9)::geography) / nullif(ST_Area(g::geography), 0)
             END AS share
      FROM communities c WHERE ST_Intersects(c.geom, g)),
    total AS (SELECT coalesce(sum(share), 0) AS total FROM shares)
    SELECT s.id, s.zone_id, s.share / CASE WHEN t.total >= 0.999 THEN t.total ELSE 1 END
    FROM shares s, total t
    UNION ALL
    SELECT NULL, NULL, 1 - total FROM total WHERE total < 0.999
  $$;

CREATE TABLE project_shares (
  project_id   integer NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  -- null: "no place"
  community_id smallint REFERENCES communities (id) ON DELETE CASCADE,
  zone_id      smallint,
  -- numeric: what the evaluation multiplies amounts by (the value of the float8 the rule gives)
  share        numeric NOT NULL,
  UNIQUE NULLS NOT DISTINCT (project_id, community_id)
);

-- Every project's shares again, from the communities as they are now.
CREATE FUNCTION refresh_project_shares() RETURNS void
  LANGUAGE sql
  AS $$
    DELETE FROM project_shares;
    INSERT INTO project_shares (project_id, community_id, zone_id, share)
      SELECT p.id, s.community_id, s.zone_id, s.share FROM projects p CROSS JOIN LATERAL community_shares(p.geom) s;
  $$;

CREATE FUNCTION project_shares_of_project() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    DELETE FROM project_shares WHERE project_id = NEW.id;
    INSERT INTO project_shares (project_id, community_id, zone_id, share)
      SELECT NEW.id, s.community_id, s.zone_id, s.share FROM community_shares(NEW.geom) s;
    RETURN NULL;
  END
  $$;

CREATE TRIGGER project_shares_on_insert AFTER INSERT ON projects
  FOR EACH ROW EXECUTE FUNCTION project_shares_of_project();
-- An update that names `geom` without changing it (the API's PATCH sets it to itself) costs nothing.
CREATE TRIGGER project_shares_on_move AFTER UPDATE OF geom ON projects
  FOR EACH ROW WHEN (OLD.geom IS DISTINCT FROM NEW.geom) EXECUTE FUNCTION project_shares_of_project();

CREATE FUNCTION project_shares_of_communities() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    -- Waits for transactions writing projects to finish and holds new ones off until this one
    -- commits: otherwise a project moved meanwhile could keep shares computed from the old
    -- communities, or collide with the rows this refresh writes.
    LOCK TABLE projects IN SHARE ROW EXCLUSIVE MODE;
    PERFORM refresh_project_shares();
    RETURN NULL;
  END
  $$;

CREATE TRIGGER project_shares_on_communities AFTER INSERT OR DELETE OR UPDATE OF geom, zone_id OR TRUNCATE ON communities
  FOR EACH STATEMENT EXECUTE FUNCTION project_shares_of_communities();

SELECT refresh_project_shares();
