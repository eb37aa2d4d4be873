import { useEffect, useMemo, useRef } from 'react';
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
 * once `spec` is there (null: not yet) and removed with the component; `spec` and `layers` are
 * read once per `source` id, so a caller that needs a different source (another viewer's
 * tiles) passes another id.
 */
export function useMapLayers(
  source: string,
  spec: SourceSpecification | null,
  layers: LayerWithoutSource[],
  slot: MapSlot,
  options: MapLayersOptions = {},
): void {
  const map = useMap();
  const { visible = true, pick } = options;
  const ready = spec !== null;

  // biome-ignore lint/correctness/useExhaustiveDependencies: a source's spec and layers are declared once per source id (see above).
  useEffect(() => {
    if (!spec) return;
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
  }, [map, source, ready]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the layer ids are fixed per source, as above.
  useEffect(() => {
    for (const layer of layers) if (map.getLayer(layer.id)) map.setLayoutProperty(layer.id, 'visibility', visible ? 'visible' : 'none');
  }, [map, source, visible, ready]);
}

/**
 * useMapLayers for a GeoJSON source, added with its first data (null: nothing yet), so MapLibre's
 * worker tiles it once rather than once empty and again full, and the map draws one frame fewer;
 * new data then replaces the source's. `promoteId: 'id'` makes a feature's `id` property its
 * feature id, for filters on the selection.
 */
export function useGeoJsonLayers(
  source: string,
  data: FeatureCollection | null,
  layers: LayerWithoutSource[],
  slot: MapSlot,
  options: MapLayersOptions = {},
): void {
  const map = useMap();
  // The data the source was added with, so it is not sent to the worker a second time.
  const added = useRef<FeatureCollection | null>(null);
  const spec = useMemo<SourceSpecification | null>(() => {
    if (!data && !added.current) return null;
    added.current ??= data;
    return { type: 'geojson', data: added.current ?? { type: 'FeatureCollection', features: [] }, promoteId: 'id' };
  }, [data]);
  useMapLayers(source, spec, layers, slot, options);
  useEffect(() => {
    if (data === added.current) return;
    (map.getSource(source) as GeoJSONSource | undefined)?.setData(data ?? { type: 'FeatureCollection', features: [] });
  }, [map, source, data]);
}
