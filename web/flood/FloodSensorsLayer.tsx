import { useMemo } from 'react';
import { ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import { sensorLevel, type LiveSensor, type SensorFeature } from '../api/client.ts';
import { useDeckLayers } from '../map/deck/DeckOverlay.tsx';
import { hexToRgba, SENSOR_LEVEL_COLORS, type RGBA } from '../map/palette.ts';
import { SENSOR_RADIUS_PX, worstLast } from './alerts.ts';

const WHITE: RGBA = [255, 255, 255, 255];
/** A silent sensor is hollow: its last colour would claim a present it does not know. */
const HOLLOW: RGBA = [255, 255, 255, 200];

/**
 * Flood sensors (siren towers and pumping sumps) as traffic-light circles in deck.gl, for the
 * flood desk: the same colours and sizes as SensorCircles below, so every map reads the same.
 */
function sensorCircles(id: string, data: SensorFeature[], visible: boolean, selectedCode: string | null = null) {
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

/** From this zoom every sensor is labelled; before it, only those not at "normal". */
const ALL_LABELS_ZOOM = 14;

/** A live sensor in the shape the map's picking and the city layer expect (a GeoJSON point). */
function asFeature(sensor: LiveSensor): SensorFeature {
  const { lon, lat, ...properties } = sensor;
  return { type: 'Feature', geometry: { type: 'Point', coordinates: [lon, lat] }, properties };
}

/**
 * The flood desk's sensors, from the live stream: the city map's circles (same colours and
 * sizes), the selected one outlined, and codes beside those that matter at this zoom. The
 * "@flood" id still picks as a sensor (see selection.ts).
 */
export function FloodSensorsLayer({ sensors, zoom, selectedCode }: { sensors: LiveSensor[]; zoom: number; selectedCode: string | null }) {
  const features = useMemo(() => worstLast(sensors.map(asFeature)), [sensors]);
  const labelled = useMemo(
    () => features.filter((f) => zoom >= ALL_LABELS_ZOOM || sensorLevel(f.properties) !== 'normal' || f.properties.code === selectedCode),
    [features, zoom, selectedCode],
  );

  const layers = useMemo(
    () => [
      new TextLayer<SensorFeature>({
        id: 'sensor-codes@flood',
        data: labelled,
        pickable: false,
        getPosition: (f) => f.geometry.coordinates as [number, number],
        getText: (f) => f.properties.code,
        getSize: 11,
        getColor: [31, 35, 40, 255],
        fontWeight: 600,
        getTextAnchor: 'start',
        getAlignmentBaseline: 'center',
        getPixelOffset: [14, 0],
        background: true,
        getBackgroundColor: [255, 255, 255, 210],
        backgroundPadding: [3, 1],
        characterSet: 'auto',
      }),
      // Circles over the codes: a neighbour's label must never hide a sensor's colour.
      sensorCircles('sensors@flood', features, true, selectedCode),
    ],
    [features, labelled, selectedCode],
  );
  useDeckLayers('flood-sensors', layers);
  return null;
}
