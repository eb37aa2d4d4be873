import { useMemo } from 'react';
import { GeoJsonLayer } from '@deck.gl/layers';
import { api, type CommunityProps } from '../api/client.ts';
import { UNDER_ROADS } from '../map/baseStyle.ts';
import { useDeckLayers } from '../map/deck/DeckOverlay.tsx';
import { useLayerData } from '../map/useLayerData.ts';

/**
 * 95 communities inside the zones: thin outlines only, so the zone tint still shows through.
 * The fill is fully transparent but still there, so a click anywhere inside picks the community.
 */
export function CommunitiesLayer({ visible }: { visible: boolean }) {
  const { data } = useLayerData('communities', 'communities', () => api.communities());

  const layers = useMemo(
    () =>
      data
        ? [
            new GeoJsonLayer<CommunityProps>({
              ...UNDER_ROADS,
              id: 'communities',
              data: data.features,
              visible,
              pickable: true,
              filled: true,
              stroked: true,
              getFillColor: [0, 0, 0, 0],
              getLineColor: [72, 80, 92, 120],
              lineWidthUnits: 'pixels',
              getLineWidth: 1,
              autoHighlight: true,
              highlightColor: [255, 255, 255, 70],
            }),
          ]
        : null,
    [data, visible],
  );
  useDeckLayers('communities', layers);
  return null;
}
