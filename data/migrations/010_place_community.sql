-- The community (and so the zone) that holds a geometry: the one that contains its place point
-- (place_point: the middle of a line, a point inside a polygon). Projects, parcels and the
-- flood desk all ask this; one definition keeps their answers the same. A feature outside the
-- city has none (no row). A place point exactly on a shared edge gets one of the two (no ORDER
-- BY: sorting the candidates cost about 5 % on parcel pages and tiles on the embedded engine).
--
-- LANGUAGE sql, STABLE, not STRICT, one SELECT: PostgreSQL inlines it into the calling query
-- (`LEFT JOIN LATERAL place_community(p.geom) ON true` plans exactly as the subquery written
-- out would, using the communities' spatial index), so it costs nothing over the copy it replaces.
CREATE FUNCTION place_community(g geometry) RETURNS TABLE (community_id integer, zone_id integer)
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$
    SELECT c.id::int, c.zone_id::int FROM communities c
    WHERE ST_Intersects(c.geom, place_point(g))
    LIMIT 1
  $$;
