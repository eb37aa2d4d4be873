-- Tax parcels and their owners. Owner names, national IDs and amounts due are personal data
-- (PDPA): the public parcel queries and tiles never select them.
CREATE TABLE owners (
  id          integer PRIMARY KEY,
  name_th     text NOT NULL,
  national_id char(13) NOT NULL UNIQUE
);

CREATE TABLE parcels (
  id             serial PRIMARY KEY,
  parcel_no      text NOT NULL UNIQUE,
  land_use       text NOT NULL CHECK (land_use IN ('residential', 'commercial', 'mixed', 'public', 'agricultural', 'vacant')),
  area_m2        double precision NOT NULL CHECK (area_m2 > 0),
  owner_id       integer REFERENCES owners (id),
  assessed_value numeric(14, 2) NOT NULL,
  tax_due        numeric(12, 2) NOT NULL,
  geom           geometry(Polygon, 4326) NOT NULL CHECK (ST_IsValid(geom))
);
CREATE INDEX parcels_geom_idx ON parcels USING gist (geom);
