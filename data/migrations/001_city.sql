-- The city itself: municipal boundary, its 4 zones, 95 communities and the base features
-- (lakes, main roads, railway) the offline basemap is drawn from. SRID 4326 throughout.
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE municipality (
  id         smallint PRIMARY KEY,
  name_th    text NOT NULL,
  name_en    text NOT NULL,
  population integer NOT NULL,
  households integer NOT NULL,
  geom       geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom))
);

CREATE TABLE zones (
  id      smallint PRIMARY KEY,
  name_th text NOT NULL,
  name_en text NOT NULL,
  geom    geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom))
);
CREATE INDEX zones_geom_idx ON zones USING gist (geom);

CREATE TABLE communities (
  id         smallint PRIMARY KEY,
  zone_id    smallint NOT NULL REFERENCES zones (id),
  name_th    text NOT NULL,
  name_en    text NOT NULL,
  households integer NOT NULL CHECK (households >= 0),
  population integer NOT NULL CHECK (population >= 0),
  geom       geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom))
);
CREATE INDEX communities_geom_idx ON communities USING gist (geom);

CREATE TABLE basemap_features (
  id      serial PRIMARY KEY,
  kind    text NOT NULL CHECK (kind IN ('lake', 'road', 'railway')),
  name_th text NOT NULL,
  name_en text NOT NULL,
  geom    geometry(Geometry, 4326) NOT NULL CHECK (ST_IsValid(geom))
);
CREATE INDEX basemap_features_geom_idx ON basemap_features USING gist (geom);

-- A deterministic stand-in for random() that gives the same value for the same key on every
-- engine and every run: the demo data generators use it so that generated data is reproducible.
CREATE FUNCTION seed_unit(key text) RETURNS double precision
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT ('x' || substr(md5(key), 1, 8))::bit(32)::bigint / 4294967296.0 $$;

-- `n` deterministic points inside `area`, as a MultiPoint: ST_GeneratePoints with a seed gives
-- different points on different PostGIS versions, and both engines must make the same city.
CREATE FUNCTION seed_points(area geometry, n integer, key text) RETURNS geometry
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT ST_Collect(inside.p ORDER BY inside.k)
    FROM (
      SELECT k, p
      FROM generate_series(1, n * 100) AS k,
           LATERAL (SELECT ST_SetSRID(ST_MakePoint(
             ST_XMin(area) + (ST_XMax(area) - ST_XMin(area)) * seed_unit(key || ':x:' || k),
             ST_YMin(area) + (ST_YMax(area) - ST_YMin(area)) * seed_unit(key || ':y:' || k)), ST_SRID(area)) AS p) AS candidate
      WHERE ST_Intersects(area, p)
      ORDER BY k
      LIMIT n
    ) AS inside
  $$;

-- A point inside a polygon, chosen the same way on every GEOS version: the centroid where it
-- falls inside, otherwise ST_PointOnSurface.
CREATE FUNCTION inner_point(g geometry) RETURNS geometry
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT CASE WHEN ST_Intersects(g, ST_Centroid(g)) THEN ST_Centroid(g) ELSE ST_PointOnSurface(g) END $$;

-- The point that decides which community (and so which zone) a feature belongs to: the middle
-- of a line (its end points may sit exactly on a community edge), a point inside a polygon.
CREATE FUNCTION place_point(g geometry) RETURNS geometry
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT CASE WHEN GeometryType(g) = 'LINESTRING' THEN ST_LineInterpolatePoint(g, 0.5) ELSE inner_point(g) END $$;

-- The part of an area that is not under a lake: where generated things may be placed.
CREATE FUNCTION dry_land(area geometry) RETURNS geometry
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT coalesce(ST_Difference(area, (SELECT ST_Union(geom) FROM basemap_features WHERE kind = 'lake')), area) $$;
