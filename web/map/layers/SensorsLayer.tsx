import { useMemo } from 'react';
import { ScatterplotLayer } from '@deck.gl/layers';
import { api, sensorLevel, type SensorFeature, type SensorLevel } from '../../api/client.ts';
import { useDeckLayers } from '../MapContext.ts';
import { hexToRgba, SENSOR_LEVEL_COLORS } from '../palette.ts';
import { useLayerData } from '../useLayerData.ts';

/** Readings arrive every few minutes; polling faster would only repaint the same colours. */
const REFRESH_MS = 60_000;

/** Worse levels draw bigger, so a critical sump is the first thing the eye finds. */
const RADIUS_M: Record<SensorLevel, number> = {
  normal: 55,
  watch: 65,
  warning: 75,
  critical: 90,
  offline: 50,
};
const SEVERITY: Record<SensorLevel, number> = { offline: 0, normal: 1, watch: 2, warning: 3, critical: 4 };

/** Flood sensors (siren towers and pumping sumps) as traffic-light circles. */
export function SensorsLayer({ visible }: { visible: boolean }) {
  const { data } = useLayerData('sensors', 'sensors', () => api.sensors(), REFRESH_MS);

  // Draw the worst last so an alert is never buried under a neighbouring "normal".
  const sensors = useMemo(
    () =>
      data
        ? [...data.features].sort(
            (a, b) => SEVERITY[sensorLevel(a.properties)] - SEVERITY[sensorLevel(b.properties)],
          )
        : null,
    [data],
  );

  const layers = useMemo(
    () =>
      sensors
        ? [
            new ScatterplotLayer<SensorFeature>({
              id: 'sensors',
              data: sensors,
              visible,
              pickable: true,
              autoHighlight: true,
              highlightColor: [255, 255, 255, 90],
              getPosition: (f) => f.geometry.coordinates as [number, number],
              getFillColor: (f) => hexToRgba(SENSOR_LEVEL_COLORS[sensorLevel(f.properties)]),
              getRadius: (f) => RADIUS_M[sensorLevel(f.properties)],
              radiusUnits: 'meters',
              radiusMinPixels: 5,
              radiusMaxPixels: 12,
              stroked: true,
              getLineColor: [255, 255, 255, 255],
              lineWidthUnits: 'pixels',
              getLineWidth: 2,
            }),
          ]
        : null,
    [sensors, visible],
  );
  useDeckLayers('sensors', layers);
  return null;
}
