import { useMemo } from 'react';
import { ScatterplotLayer } from '@deck.gl/layers';
import { api, sensorLevel, type SensorFeature } from '../api/client.ts';
import { useDeckLayers } from '../map/deck/DeckOverlay.tsx';
import { hexToRgba, SENSOR_LEVEL_COLORS, type RGBA } from '../map/palette.ts';
import { useLayerData } from '../map/useLayerData.ts';
import { SENSOR_RADIUS_PX, worstLast } from './alerts.ts';

/** Readings arrive every few minutes; polling faster would only repaint the same colours. */
const REFRESH_MS = 60_000;

const WHITE: RGBA = [255, 255, 255, 255];
/** A silent sensor is hollow: its last colour would claim a present it does not know. */
const HOLLOW: RGBA = [255, 255, 255, 200];

/**
 * Flood sensors (siren towers and pumping sumps) as traffic-light circles: the city map's and
 * the flood desk's, so the two read the same. `id` may carry an "@suffix" (see selection.ts).
 */
export function sensorCircles(id: string, data: SensorFeature[], visible: boolean, selectedCode: string | null = null) {
  return new ScatterplotLayer<SensorFeature>({
    id,
    data,
    visible,
    pickable: true,
    autoHighlight: true,
    highlightColor: [255, 255, 255, 90],
    getPosition: (f) => f.geometry.coordinates as [number, number],
    getFillColor: (f) => {
      const level = sensorLevel(f.properties);
      return level === 'offline' ? HOLLOW : hexToRgba(SENSOR_LEVEL_COLORS[level]);
    },
    getRadius: (f) => SENSOR_RADIUS_PX[sensorLevel(f.properties)],
    radiusUnits: 'pixels',
    stroked: true,
    getLineColor: (f) => {
      if (f.properties.code === selectedCode) return [17, 17, 17, 255];
      const level = sensorLevel(f.properties);
      return level === 'offline' ? hexToRgba(SENSOR_LEVEL_COLORS.offline) : WHITE;
    },
    lineWidthUnits: 'pixels',
    getLineWidth: (f) => (f.properties.code === selectedCode || sensorLevel(f.properties) === 'offline' ? 3 : 2),
    updateTriggers: { getLineColor: selectedCode, getLineWidth: selectedCode },
  });
}

/** The city map's sensors, from the REST list. */
export function SensorsLayer({ visible }: { visible: boolean }) {
  // A switched-off layer keeps what it has but stops polling; switched on, it loads at once.
  const { data } = useLayerData('sensors', 'sensors', () => api.sensors(), visible ? REFRESH_MS : undefined);
  const sensors = useMemo(() => (data ? worstLast(data.features) : null), [data]);
  const layers = useMemo(() => (sensors ? [sensorCircles('sensors', sensors, visible)] : null), [sensors, visible]);
  useDeckLayers('sensors', layers);
  return null;
}
