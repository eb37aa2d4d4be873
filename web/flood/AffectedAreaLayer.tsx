import { useMemo } from 'react';
import { GeoJsonLayer } from '@deck.gl/layers';
import type { Feature, Geometry } from 'geojson';
import { useDeckLayers } from '../map/deck/DeckOverlay.tsx';
import { hexToRgba } from '../map/palette.ts';
import { SEVERITY_RANK, severityColor, type AffectedArea } from './alerts.ts';

/**
 * Where the water of one or more alerts would go, tinted by severity under the sensors. Not
 * pickable: a click there is meant for the sensor or the map below.
 */
export function AffectedAreaLayer({ areas }: { areas: AffectedArea[] }) {
  const layers = useMemo(() => {
    if (areas.length === 0) return null;
    // The route's area is GeoJSON as it arrives over JSON (bbox as number[], not a tuple).
    // The worst drawn last, so where areas overlap the red shows.
    const features = [...areas]
      .sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity])
      .map((a) => ({ type: 'Feature', geometry: a.area, properties: a }) as Feature<Geometry, AffectedArea>);
    return [
      new GeoJsonLayer<AffectedArea>({
        id: 'flood-area',
        data: features,
        pickable: false,
        filled: true,
        stroked: true,
        getFillColor: (f) => hexToRgba(severityColor(f.properties.severity), 56),
        getLineColor: (f) => hexToRgba(severityColor(f.properties.severity), 230),
        lineWidthUnits: 'pixels',
        getLineWidth: 2,
      }),
    ];
  }, [areas]);
  useDeckLayers('flood-area', layers);
  return null;
}
