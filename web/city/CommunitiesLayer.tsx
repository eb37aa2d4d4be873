import type { FeatureCollection } from 'geojson';
import { api } from '../api/client.ts';
import { useGeoJsonLayers } from '../map/useMapLayers.ts';
import { useLayerData } from '../map/useLayerData.ts';

/**
 * 95 communities inside the zones: thin outlines only, so the zone tint still shows through.
 * The fill is fully transparent but still there, so a click anywhere inside picks the community.
 */
export function CommunitiesLayer({ visible }: { visible: boolean }) {
  const { data } = useLayerData('communities', 'communities', () => api.communities());
  useGeoJsonLayers(
    'communities',
    (data as FeatureCollection | null) ?? null,
    [
      { id: 'communities', type: 'fill', paint: { 'fill-color': '#000000', 'fill-opacity': 0 } },
      { id: 'communities-outline', type: 'line', paint: { 'line-color': 'rgba(72, 80, 92, 0.47)', 'line-width': 1 } },
    ],
    'communities',
    { visible, pick: 'community' },
  );
  return null;
}
