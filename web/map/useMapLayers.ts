import { useEffect } from 'react';
import type { FeatureCollection } from 'geojson';
import type { GeoJSONSource, LayerSpecification, SourceSpecification } from 'maplibre-gl';
import { slotMarker, type MapSlot } from './baseStyle.ts';
import { useMap } from './MapContext.ts';
import { registerPickable, type FeatureKind } from './selection.ts';

export type LayerWithoutSource =
  Exclude<LayerSpecification, { type: 'background' }> extends infer L ? (L extends LayerSpecification ? Omit<L, 'source'> : never) : never;

export interface MapLayersOptions {
  /** Switched off, the layers stay (with their loaded data) but are not drawn or picked. */
  visible?: boolean;
  /** What a click on these layers selects (web/map/picking.ts); none: clicks go through. */
  pick?: FeatureKind;
}

/**
 * A source of MapLibre's own and the layers drawn from it, put in a slot of the stack
 * (web/map/baseStyle.ts), bottom to top in the order given. The source and layers are added
 * when `source` first appears and removed with the component; `spec` and `layers` are read
 * once per `source` id, so a caller that needs a different source (another viewer's tiles)
 * passes another id.
 */
export function useMapLayers(source: string, spec: SourceSpecification, layers: LayerWithoutSource[], slot: MapSlot, options: MapLayersOptions = {}): void {
  const map = useMap();
  const { visible = true, pick } = options;

  // biome-ignore lint/correctness/useExhaustiveDependencies: a source's spec and layers are declared once per source id (see above).
  useEffect(() => {
    map.addSource(source, spec);
    for (const layer of layers) map.addLayer({ ...layer, source } as LayerSpecification, slotMarker(slot));
    const unregister = pick ? layers.map((layer) => registerPickable(layer.id, pick)) : [];
    return () => {
      for (const done of unregister) done();
      // The map may already be gone with its page.
      if (!map.style) return;
      for (const layer of layers) if (map.getLayer(layer.id)) map.removeLayer(layer.id);
      if (map.getSource(source)) map.removeSource(source);
    };
  }, [map, source]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the layer ids are fixed per source, as above.
  useEffect(() => {
    for (const layer of layers) if (map.getLayer(layer.id)) map.setLayoutProperty(layer.id, 'visibility', visible ? 'visible' : 'none');
  }, [map, source, visible]);
}

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

/**
 * useMapLayers for a GeoJSON source: new data only replaces the source's data (MapLibre tiles
 * it in its worker); null draws nothing yet. `promoteId: 'id'` makes a feature's `id` property
 * its feature id, for filters on the selection.
 */
export function useGeoJsonLayers(
  source: string,
  data: FeatureCollection | null,
  layers: LayerWithoutSource[],
  slot: MapSlot,
  options: MapLayersOptions = {},
): void {
  const map = useMap();
  useMapLayers(source, { type: 'geojson', data: EMPTY, promoteId: 'id' }, layers, slot, options);
  useEffect(() => {
    (map.getSource(source) as GeoJSONSource | undefined)?.setData(data ?? EMPTY);
  }, [map, source, data]);
}
