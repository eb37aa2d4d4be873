-- Water-level sensors: the 8 siren points at former flood sites and drainage-sump gauges.
-- Thresholds are water levels in metres above the gauge zero.
CREATE TABLE sensors (
  id         smallint PRIMARY KEY,
  code       text NOT NULL UNIQUE,
  kind       text NOT NULL CHECK (kind IN ('siren', 'sump')),
  name_th    text NOT NULL,
  name_en    text NOT NULL,
  watch_m    double precision NOT NULL,
  warning_m  double precision NOT NULL,
  critical_m double precision NOT NULL,
  interval_s integer NOT NULL DEFAULT 600 CHECK (interval_s > 0),
  geom       geometry(Point, 4326) NOT NULL,
  CHECK (watch_m < warning_m AND warning_m < critical_m)
);
CREATE INDEX sensors_geom_idx ON sensors USING gist (geom);

CREATE TABLE sensor_readings (
  sensor_id   smallint NOT NULL REFERENCES sensors (id),
  recorded_at timestamptz NOT NULL,
  level_m     double precision NOT NULL,
  rain_mm     double precision,
  battery_v   double precision,
  PRIMARY KEY (sensor_id, recorded_at)
);
