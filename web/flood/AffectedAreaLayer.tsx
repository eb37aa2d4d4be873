import { useMemo } from 'react';
import type { Feature, FeatureCollection } from 'geojson';
import { areaPaint, byProperty } from '../map/expressions.ts';
import { SENSOR_LEVEL_COLORS } from '../map/palette.ts';
import { useGeoJsonLayers } from '../map/useMapLayers.ts';
import { SEVERITY_RANK, type AffectedArea } from './alerts.ts';

const SEVERITY_COLOR = byProperty('severity', SENSOR_LEVEL_COLORS, '#888');

/**
 * Where the water of one or more alerts would go, tinted by severity under the sensors: the
 * desk's and the public page's. Not pickable: a click there is meant for the sensor or the map below.
 */
export function AffectedAreaLayer({ areas }: { areas: AffectedArea[] }) {
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
  useGeoJsonLayers(
    'flood-area',
    data,
    [
      { id: 'flood-area-fill', type: 'fill', paint: areaPaint(SEVERITY_COLOR, 0.22) },
      { id: 'flood-area-line', type: 'line', paint: { 'line-color': SEVERITY_COLOR, 'line-width': 2, 'line-opacity': 0.9 } },
    ],
    'flood-area',
  );
  return null;
}
