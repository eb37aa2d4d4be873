-- Waste collection trucks and the positions their GPS units report.
CREATE TABLE trucks (
  id      smallint PRIMARY KEY,
  code    text NOT NULL UNIQUE,
  plate   text NOT NULL,
  name_th text NOT NULL,
  name_en text NOT NULL,
  zone_id smallint NOT NULL REFERENCES zones (id) -- the zone whose round it drives
);

CREATE TABLE truck_positions (
  truck_id    smallint NOT NULL REFERENCES trucks (id),
  recorded_at timestamptz NOT NULL,
  speed_kmh   double precision NOT NULL CHECK (speed_kmh >= 0),
  heading_deg double precision NOT NULL CHECK (heading_deg >= 0 AND heading_deg < 360),
  status      text NOT NULL CHECK (status IN ('collecting', 'driving', 'idle', 'depot')),
  geom        geometry(Point, 4326) NOT NULL,
  PRIMARY KEY (truck_id, recorded_at)
);
CREATE INDEX truck_positions_geom_idx ON truck_positions USING gist (geom);
