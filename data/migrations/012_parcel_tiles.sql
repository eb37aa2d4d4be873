-- Parcel tiles worth fetching (issue 11). What a tile needs is stored with the parcel, not worked
-- out at every request: its zone and community (place_community per parcel was about half of a
-- tile's time), and its shape in web Mercator (3857), the tiles' own coordinates. Below the
-- parcels' zoom the map draws blocks instead: for each block (a z18 tile, about 150 m) and zone,
-- the parcels' dominant land use and count. Triggers keep both right when parcels change, and
-- announce the changed area so every server process drops its cached tiles there.

ALTER TABLE parcels
  ADD COLUMN zone_id integer,
  ADD COLUMN community_id integer,
  ADD COLUMN geom_3857 geometry(Polygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED;
CREATE INDEX parcels_geom_3857_idx ON parcels USING gist (geom_3857);

-- The community and zone, as place_community decides them for everything else on the map.
CREATE FUNCTION parcels_place() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    NEW.community_id := NULL;
    NEW.zone_id := NULL;
    SELECT p.community_id, p.zone_id INTO NEW.community_id, NEW.zone_id FROM place_community(NEW.geom) AS p;
    RETURN NEW;
  END
  $$;
CREATE TRIGGER parcels_place BEFORE INSERT OR UPDATE OF geom ON parcels
  FOR EACH ROW EXECUTE FUNCTION parcels_place();
UPDATE parcels SET geom = geom;

-- The block that holds a shape (3857): the z18 tile of its centroid.
CREATE FUNCTION parcel_block(g geometry, OUT x integer, OUT y integer)
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT floor((ST_X(c) + 20037508.342789244) / 152.87405657035254)::int,
           floor((20037508.342789244 - ST_Y(c)) / 152.87405657035254)::int
    FROM ST_Centroid(g) AS c
  $$;

-- One row per block and zone; its shape is the block cut to the zone, so a viewer scoped to
-- zones sees exactly their zones' part. zone_id is null for parcels outside every community.
CREATE TABLE parcel_blocks (
  x        integer NOT NULL,
  y        integer NOT NULL,
  zone_id  integer,
  land_use text NOT NULL,
  parcels  integer NOT NULL,
  geom     geometry(Geometry, 3857) NOT NULL
);
CREATE INDEX parcel_blocks_cell_idx ON parcel_blocks (x, y);
CREATE INDEX parcel_blocks_geom_idx ON parcel_blocks USING gist (geom);

-- Recounts the given blocks from the parcels. The cut to the zone uses a 1 cm precision grid:
-- without one, PGlite's GEOS may fail quietly on shapes that touch along an edge.
CREATE FUNCTION refresh_parcel_blocks(xs integer[], ys integer[]) RETURNS void
  LANGUAGE sql
  AS $$
    DELETE FROM parcel_blocks b USING unnest(xs, ys) AS c(x, y) WHERE b.x = c.x AND b.y = c.y;
    INSERT INTO parcel_blocks (x, y, zone_id, land_use, parcels, geom)
    SELECT g.x, g.y, g.zone_id, g.land_use, g.parcels,
           CASE WHEN z.id IS NULL THEN g.cell ELSE ST_Intersection(g.cell, ST_Transform(z.geom, 3857), 0.01) END
    FROM (
      SELECT c.x, c.y, p.zone_id, mode() WITHIN GROUP (ORDER BY p.land_use) AS land_use, count(*)::int AS parcels,
             ST_TileEnvelope(18, c.x, c.y) AS cell
      FROM unnest(xs, ys) AS c(x, y)
      JOIN parcels p ON p.geom_3857 && ST_TileEnvelope(18, c.x, c.y)
      CROSS JOIN LATERAL parcel_block(p.geom_3857) AS b
      WHERE b.x = c.x AND b.y = c.y
      GROUP BY c.x, c.y, p.zone_id) AS g
    LEFT JOIN zones z ON z.id = g.zone_id;
  $$;

-- After any statement that changed parcels: recount their blocks and NOTIFY the changed area
-- (3857: the changed parcels and their blocks) on mueang_tiles. An update counts when any column
-- differs, so a column added later (tax status, say) purges tiles without touching this.
CREATE FUNCTION parcels_changed() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  DECLARE
    changed geometry[];
    xs integer[];
    ys integer[];
    area box2d;
  BEGIN
    IF TG_OP = 'INSERT' THEN
      SELECT array_agg(n.geom_3857) INTO changed FROM new_rows n;
    ELSIF TG_OP = 'DELETE' THEN
      SELECT array_agg(o.geom_3857) INTO changed FROM old_rows o;
    ELSE
      SELECT array_agg(v.g) INTO changed
      FROM old_rows o JOIN new_rows n ON n.id = o.id, LATERAL (VALUES (o.geom_3857), (n.geom_3857)) AS v(g)
      WHERE o IS DISTINCT FROM n;
    END IF;
    IF changed IS NULL THEN
      RETURN NULL;
    END IF;
    SELECT array_agg(b.x), array_agg(b.y) INTO xs, ys
    FROM (SELECT DISTINCT b.x, b.y FROM unnest(changed) AS g, parcel_block(g) AS b) AS b;
    PERFORM refresh_parcel_blocks(xs, ys);
    SELECT ST_Extent(a.g) INTO area
    FROM (SELECT unnest(changed) AS g UNION ALL SELECT ST_TileEnvelope(18, c.x, c.y) FROM unnest(xs, ys) AS c(x, y)) AS a;
    PERFORM pg_notify('mueang_tiles', json_build_array(ST_XMin(area), ST_YMin(area), ST_XMax(area), ST_YMax(area))::text);
    RETURN NULL;
  END
  $$;
CREATE TRIGGER parcels_inserted AFTER INSERT ON parcels REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION parcels_changed();
CREATE TRIGGER parcels_updated AFTER UPDATE ON parcels REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION parcels_changed();
CREATE TRIGGER parcels_deleted AFTER DELETE ON parcels REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION parcels_changed();

-- Parcels already there (a database migrated after seeding) get their blocks now.
SELECT refresh_parcel_blocks(array_agg(b.x), array_agg(b.y))
FROM (SELECT DISTINCT b.x, b.y FROM parcels p, parcel_block(p.geom_3857) AS b) AS b;

-- A community redrawn moves parcels between communities and zones: place them again.
CREATE FUNCTION communities_changed() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    UPDATE parcels SET geom = geom;
    RETURN NULL;
  END
  $$;
CREATE TRIGGER communities_changed AFTER INSERT OR UPDATE OR DELETE ON communities
  FOR EACH STATEMENT EXECUTE FUNCTION communities_changed();

-- An owner's new name changes the tiles of the viewers who see owners.
CREATE FUNCTION owners_changed() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  DECLARE
    area box2d;
  BEGIN
    SELECT ST_Extent(p.geom_3857) INTO area
    FROM old_rows o JOIN new_rows n ON n.id = o.id JOIN parcels p ON p.owner_id = n.id
    WHERE o IS DISTINCT FROM n;
    IF area IS NOT NULL THEN
      PERFORM pg_notify('mueang_tiles', json_build_array(ST_XMin(area), ST_YMin(area), ST_XMax(area), ST_YMax(area))::text);
    END IF;
    RETURN NULL;
  END
  $$;
CREATE TRIGGER owners_changed AFTER UPDATE ON owners REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION owners_changed();
