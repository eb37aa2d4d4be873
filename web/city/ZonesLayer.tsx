import { useMemo } from 'react';
import { GeoJsonLayer } from '@deck.gl/layers';
import { api, type ZoneFeature, type ZoneProps } from '../api/client.ts';
import { UNDER_ROADS } from '../map/baseStyle.ts';
import { useDeckLayers } from '../map/deck/DeckOverlay.tsx';
import { hexToRgba, zoneColor } from '../map/palette.ts';
import { useLayerData } from '../map/useLayerData.ts';
import { ZoneLabels } from './ZoneLabels.tsx';

/**
 * The four municipal zones: the coarsest frame of reference, so a soft tint under everything
 * and a firm edge drawn above the parcels and roads, which would otherwise swallow it.
 * `faint` (the flood maps): only a thin edge and a whisper of tint, no labels and no picking,
 * so the zones orient without competing with the alert colours.
 */
export function ZonesLayer({ visible, faint = false }: { visible: boolean; faint?: boolean }) {
  const { data } = useLayerData('zones', 'zones', () => api.zones());
  const features = data?.features as ZoneFeature[] | undefined;

  const fill = useMemo(
    () =>
      features
        ? [
            new GeoJsonLayer<ZoneProps>({
              ...UNDER_ROADS,
              id: 'zones',
              data: features,
              visible,
              pickable: !faint,
              filled: true,
              stroked: false,
              getFillColor: (f) => hexToRgba(zoneColor(f.properties.id), faint ? 22 : 56),
              updateTriggers: { getFillColor: faint },
            }),
          ]
        : null,
    [features, visible, faint],
  );

  const outline = useMemo(
    () =>
      features
        ? [
            new GeoJsonLayer<ZoneProps>({
              id: 'zone-outlines',
              data: features,
              visible,
              pickable: false,
              filled: false,
              stroked: true,
              getLineColor: (f) => hexToRgba(zoneColor(f.properties.id), faint ? 150 : 235),
              lineWidthUnits: 'pixels',
              getLineWidth: faint ? 1.5 : 2.5,
              lineJointRounded: true,
              updateTriggers: { getLineColor: faint, getLineWidth: faint },
            }),
          ]
        : null,
    [features, visible, faint],
  );

  useDeckLayers('zones', fill);
  useDeckLayers('zone-outlines', outline);

  return features ? <ZoneLabels zones={features} visible={visible && !faint} /> : null;
}
