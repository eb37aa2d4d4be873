import { useMemo } from 'react';
import { GeoJsonLayer } from '@deck.gl/layers';
import { useDeckLayers } from '../map/deck/DeckOverlay.tsx';
import { SELECTION_COLOR } from '../map/palette.ts';
import type { Selection } from '../map/selection.ts';

/** Outlines whatever was clicked, drawn above everything so it cannot be hidden. */
export function SelectionLayer({ selection }: { selection: Selection | null }) {
  const layers = useMemo(
    () =>
      selection
        ? [
            new GeoJsonLayer({
              id: 'selection',
              data: [selection.feature],
              pickable: false,
              filled: false,
              stroked: true,
              pointType: 'circle',
              getLineColor: SELECTION_COLOR,
              lineWidthUnits: 'pixels',
              getLineWidth: 3,
              lineJointRounded: true,
              // A ring around a point feature, wider than the largest symbol.
              pointRadiusUnits: 'pixels',
              getPointRadius: 16,
            }),
          ]
        : null,
    [selection],
  );
  useDeckLayers('selection', layers);
  return null;
}
