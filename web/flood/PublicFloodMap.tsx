import { useMemo } from 'react';
import type { ExpressionSpecification } from 'maplibre-gl';
import type { Feature, FeatureCollection } from 'geojson';
import { api, sensorLevel, type LiveSensor } from '../api/client.ts';
import { useGeoJsonLayers } from '../map/useGeoJsonLayers.ts';
import { useLayerData } from '../map/useLayerData.ts';
import { SENSOR_LEVEL_COLORS, ZONE_COLORS } from '../map/palette.ts';
import { SENSOR_RADIUS_PX, SEVERITY_RANK, worstLast, type AffectedArea } from './alerts.ts';

/*
 * The public flood map in MapLibre's own layers, so the page needs no deck.gl: the same
 * faint zones, affected areas and traffic-light circles as the desk draws with deck.gl.
 */

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

/** A value per key as a MapLibre `match` on a property. */
function byProperty(property: string, values: Record<string, string | number>, fallback: string | number): ExpressionSpecification {
  return [
    'match',
    ['get', property],
    ...Object.entries(values).flatMap(([key, value]) => [Number.isNaN(Number(key)) ? key : Number(key), value]),
    fallback,
  ] as unknown as ExpressionSpecification;
}

/** The zones, barely tinted: they orient without competing with the alert colours. */
function FaintZones() {
  const { data } = useLayerData('zones', 'zones', () => api.zones());
  useGeoJsonLayers(
    'public-zones',
    (data as FeatureCollection | null) ?? EMPTY,
    [
      { id: 'public-zones-fill', type: 'fill', paint: { 'fill-color': byProperty('id', ZONE_COLORS, '#9aa0a6'), 'fill-opacity': 0.09 } },
      { id: 'public-zones-line', type: 'line', paint: { 'line-color': byProperty('id', ZONE_COLORS, '#9aa0a6'), 'line-opacity': 0.6, 'line-width': 1.5 } },
    ],
    'city-roads-casing',
  );
  return null;
}

function AffectedAreas({ areas }: { areas: AffectedArea[] }) {
  const data = useMemo<FeatureCollection>(
    () => ({
      type: 'FeatureCollection',
      // The worst drawn last, so where areas overlap the red shows.
      features: [...areas]
        .sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity])
        .map((a) => ({ type: 'Feature', geometry: a.area, properties: { severity: a.severity } }) as Feature),
    }),
    [areas],
  );
  useGeoJsonLayers('public-affected', data, [
    { id: 'public-affected-fill', type: 'fill', paint: { 'fill-color': byProperty('severity', SENSOR_LEVEL_COLORS, '#888'), 'fill-opacity': 0.22 } },
    {
      id: 'public-affected-line',
      type: 'line',
      paint: { 'line-color': byProperty('severity', SENSOR_LEVEL_COLORS, '#888'), 'line-width': 2, 'line-opacity': 0.9 },
    },
  ]);
  return null;
}

function Sensors({ sensors }: { sensors: LiveSensor[] }) {
  const data = useMemo<FeatureCollection>(
    () => ({
      type: 'FeatureCollection',
      // Worse levels draw bigger (as on the desk), and last.
      features: worstLast(sensors.map((s) => ({ s, properties: s }))).map(
        ({ s }): Feature => ({
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [s.lon, s.lat] },
          properties: { code: s.code, level: sensorLevel(s) },
        }),
      ),
    }),
    [sensors],
  );
  const offline = ['==', ['get', 'level'], 'offline'] as ExpressionSpecification;
  useGeoJsonLayers('public-sensors', data, [
    {
      id: 'public-sensors',
      type: 'circle',
      paint: {
        'circle-radius': byProperty('level', SENSOR_RADIUS_PX, 6),
        // A silent sensor is hollow: its last colour would claim a present it does not know.
        'circle-color': ['case', offline, '#ffffff', byProperty('level', SENSOR_LEVEL_COLORS, '#888')],
        'circle-opacity': ['case', offline, 0.8, 1],
        'circle-stroke-color': ['case', offline, SENSOR_LEVEL_COLORS.offline, '#ffffff'],
        'circle-stroke-width': ['case', offline, 3, 2],
      },
    },
  ]);
  return null;
}

/** Inside <MapView>: what the public flood page draws on the city map. */
export function PublicFloodMap({ sensors, areas }: { sensors: LiveSensor[]; areas: AffectedArea[] }) {
  return (
    <>
      <FaintZones />
      <AffectedAreas areas={areas} />
      <Sensors sensors={sensors} />
    </>
  );
}
