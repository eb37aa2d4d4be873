import { useMemo } from 'react';
import type { FeatureCollection } from 'geojson';
import { cssColor } from '../map/expressions.ts';
import { SELECTION_COLOR } from '../map/palette.ts';
import type { Selection } from '../map/selection.ts';
import { useGeoJsonLayers } from '../map/useMapLayers.ts';

const COLOR = cssColor(SELECTION_COLOR);

/**
 * Outlines whatever was clicked, drawn above everything so it cannot be hidden. A parcel is
 * outlined by the parcels layer itself (its shape is cut at tile edges here).
 */
export function SelectionLayer({ selection }: { selection: Selection | null }) {
  const data = useMemo<FeatureCollection | null>(
    () => (selection && selection.kind !== 'parcel' ? { type: 'FeatureCollection', features: [selection.feature] } : null),
    [selection],
  );
  useGeoJsonLayers(
    'selection',
    data,
    [
      {
        id: 'selection-outline',
        type: 'line',
        filter: ['!=', ['geometry-type'], 'Point'],
        layout: { 'line-join': 'round' },
        paint: { 'line-color': COLOR, 'line-width': 3 },
      },
      // A ring around a point feature, wider than the largest symbol.
      {
        id: 'selection-ring',
        type: 'circle',
        filter: ['==', ['geometry-type'], 'Point'],
        paint: { 'circle-radius': 16, 'circle-opacity': 0, 'circle-stroke-color': COLOR, 'circle-stroke-width': 3 },
      },
    ],
    'selection',
  );
  return null;
}
