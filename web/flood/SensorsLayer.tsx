import { useMemo } from 'react';
import type { ExpressionSpecification } from 'maplibre-gl';
import type { Feature, FeatureCollection, Point } from 'geojson';
import { api, sensorLevel, type SensorLevel } from '../api/client.ts';
import { byProperty } from '../map/expressions.ts';
import { useGeoJsonLayers } from '../map/useMapLayers.ts';
import { SENSOR_LEVEL_COLORS } from '../map/palette.ts';
import { useLayerData } from '../map/useLayerData.ts';
import { LEVEL_ORDER, SENSOR_RADIUS_PX } from './alerts.ts';

/** Readings arrive every few minutes; polling faster would only repaint the same colours. */
const REFRESH_MS = 60_000;

/** A sensor on MapLibre's map: where it is, and its level (which is all the circles show). */
export type SensorPoint = Feature<Point, { id: number; code: string; level: SensorLevel }>;

export const sensorPoint = (id: number, code: string, coordinates: number[], level: SensorLevel): SensorPoint => ({
  type: 'Feature',
  geometry: { type: 'Point', coordinates },
  properties: { id, code, level },
});

const offline = ['==', ['get', 'level'], 'offline'] as ExpressionSpecification;

/**
 * The traffic-light circles on MapLibre's map, the city map's and the public page's (the flood
 * desk's are deck.gl's, with their codes beside them: FloodSensorsLayer). Worse levels draw bigger
 * and last; a silent sensor is hollow.
 */
export function SensorCircles({
  source,
  sensors,
  visible = true,
  pick,
}: {
  source: string;
  sensors: SensorPoint[] | null;
  visible?: boolean;
  pick?: 'sensor';
}) {
  const data = useMemo<FeatureCollection | null>(
    () => sensors && { type: 'FeatureCollection', features: [...sensors].sort((a, b) => LEVEL_ORDER[a.properties.level] - LEVEL_ORDER[b.properties.level]) },
    [sensors],
  );
  useGeoJsonLayers(
    source,
    data,
    [
      {
        id: source,
        type: 'circle',
        paint: {
          'circle-radius': byProperty('level', SENSOR_RADIUS_PX, 6),
          'circle-color': ['case', offline, '#ffffff', byProperty('level', SENSOR_LEVEL_COLORS, '#888')],
          'circle-opacity': ['case', offline, 0.8, 1],
          'circle-stroke-color': ['case', offline, SENSOR_LEVEL_COLORS.offline, '#ffffff'],
          'circle-stroke-width': ['case', offline, 3, 2],
        },
      },
    ],
    'sensors',
    { visible, pick },
  );
  return null;
}

/** The city map's sensors, from the REST list. */
export function SensorsLayer({ visible }: { visible: boolean }) {
  // A switched-off layer keeps what it has but stops polling; switched on, it loads at once.
  const { data } = useLayerData('sensors', 'sensors', () => api.sensors(), visible ? REFRESH_MS : undefined);
  const sensors = useMemo(
    () => data?.features.map((f) => sensorPoint(f.properties.id, f.properties.code, f.geometry.coordinates, sensorLevel(f.properties))) ?? null,
    [data],
  );
  return <SensorCircles source="sensors" sensors={sensors} visible={visible} pick="sensor" />;
}
