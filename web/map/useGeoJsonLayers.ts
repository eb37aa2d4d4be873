import { useEffect } from 'react';
import type { FeatureCollection } from 'geojson';
import type { GeoJSONSource, LayerSpecification } from 'maplibre-gl';
import { useMap } from './MapContext.ts';

type LayerWithoutSource =
  Exclude<LayerSpecification, { type: 'background' }> extends infer L ? (L extends LayerSpecification ? Omit<L, 'source'> : never) : never;

/**
 * A GeoJSON source of MapLibre's own and the layers drawn from it, for pages without deck.gl.
 * The layers are added once (below `beforeId`, if given); new data only replaces the source's.
 */
export function useGeoJsonLayers(source: string, data: FeatureCollection, layers: LayerWithoutSource[], beforeId?: string): void {
  const map = useMap();
  // biome-ignore lint/correctness/useExhaustiveDependencies: the layers' style is fixed for a source: declared once by the caller.
  useEffect(() => {
    map.addSource(source, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    for (const layer of layers) map.addLayer({ ...layer, source } as LayerSpecification, beforeId && map.getLayer(beforeId) ? beforeId : undefined);
    return () => {
      // The map may already be gone with its page.
      if (!map.style) return;
      for (const layer of layers) if (map.getLayer(layer.id)) map.removeLayer(layer.id);
      if (map.getSource(source)) map.removeSource(source);
    };
  }, [map, source]);

  useEffect(() => {
    (map.getSource(source) as GeoJSONSource | undefined)?.setData(data);
  }, [map, source, data]);
}
