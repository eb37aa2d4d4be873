import type { FeatureCollection } from 'geojson';
import { api, type ZoneFeature } from '../api/client.ts';
import { areaPaint, byProperty } from '../map/expressions.ts';
import { ZONE_COLORS } from '../map/palette.ts';
import { useGeoJsonLayers } from '../map/useMapLayers.ts';
import { useLayerData } from '../map/useLayerData.ts';
import { ZoneLabels } from './ZoneLabels.tsx';

const ZONE_COLOR = byProperty('id', ZONE_COLORS, '#9aa0a6');

/**
 * The four municipal zones: the coarsest frame of reference, so a soft tint under everything
 * and a firm edge drawn above the parcels and roads, which would otherwise swallow it.
 * `faint` (the flood desk): only a thin edge and a whisper of tint, no labels and no picking,
 * so the zones orient without competing with the alert colours.
 */
export function ZonesLayer({ visible, faint = false, labelSuffix }: { visible: boolean; faint?: boolean; labelSuffix?: (zone: number) => string }) {
  const { data } = useLayerData('zones', 'zones', () => api.zones());
  const features = data?.features as ZoneFeature[] | undefined;
  const id = faint ? 'zones-faint' : 'zones';

  useGeoJsonLayers(
    `${id}-fill`,
    (data as FeatureCollection | null) ?? null,
    [{ id, type: 'fill', paint: areaPaint(ZONE_COLOR, faint ? 0.09 : 0.22) }],
    'zones',
    {
      visible,
      pick: faint ? undefined : 'zone',
    },
  );
  useGeoJsonLayers(
    `${id}-edge`,
    (data as FeatureCollection | null) ?? null,
    [
      {
        id: `${id}-outline`,
        type: 'line',
        layout: { 'line-join': 'round' },
        paint: { 'line-color': ZONE_COLOR, 'line-opacity': faint ? 0.6 : 0.92, 'line-width': faint ? 1.5 : 2.5 },
      },
    ],
    'zone-outlines',
    { visible },
  );

  return features ? <ZoneLabels zones={features} visible={visible && !faint} suffix={labelSuffix} /> : null;
}
