import { useEffect, useRef } from 'react';
import type { MapGeoJSONFeature, MapMouseEvent } from 'maplibre-gl';
import { useMap } from './MapContext.ts';
import { findSelectable, pickableLayers, type FeatureKind, type Selection } from './selection.ts';

/** A few pixels of slack make small points and thin lines easy to hit, on a phone too. */
const PICK_RADIUS_PX = 4;

/**
 * What was clicked: the topmost feature of a pickable layer near the point. A feature of a
 * layer's loaded data is taken from there (MapLibre hands back a tiled copy, its geometry cut to
 * the tile); anything else (a parcel, a community of the plan's choropleth) is what the map has.
 */
function pickAt(map: ReturnType<typeof useMap>, point: { x: number; y: number }): Selection | null {
  const layers = [...pickableLayers().keys()].filter((id) => map.getLayer(id) && map.getLayoutProperty(id, 'visibility') !== 'none');
  if (layers.length === 0) return null;
  const box: [[number, number], [number, number]] = [
    [point.x - PICK_RADIUS_PX, point.y - PICK_RADIUS_PX],
    [point.x + PICK_RADIUS_PX, point.y + PICK_RADIUS_PX],
  ];
  for (const feature of map.queryRenderedFeatures(box, { layers })) {
    const kind = pickableLayers().get(feature.layer.id);
    const selection = kind && asSelection(kind, feature);
    if (selection) return selection;
  }
  return null;
}

function asSelection(kind: FeatureKind, feature: MapGeoJSONFeature): Selection | null {
  // A block (below the parcels' zoom) is no parcel: a click on one selects nothing.
  if (kind === 'parcel' && feature.sourceLayer !== 'parcels') return null;
  const loaded = kind !== 'parcel' && feature.id !== undefined ? findSelectable(kind, feature.id) : null;
  if (loaded) return loaded;
  const { type, geometry, properties, id } = feature.toJSON() as GeoJSON.Feature;
  return { kind, feature: { type, geometry, properties, id } } as Selection;
}

/**
 * Clicks on the map select what is under them (or nothing), for the page's `onSelect`; the
 * pointer shows a hand over anything selectable. Also answers `mueang:select` (see readiness.ts).
 */
export function Picking({ onSelect }: { onSelect: (selection: Selection | null) => void }) {
  const map = useMap();
  const onSelectRef = useRef(onSelect);
  onSelectRef.current = onSelect;

  useEffect(() => {
    const onClick = (event: MapMouseEvent) => onSelectRef.current(pickAt(map, event.point));
    // At most one query per frame however fast the pointer moves.
    let pending: { x: number; y: number } | null = null;
    const onMove = (event: MapMouseEvent) => {
      if (!pending)
        requestAnimationFrame(() => {
          if (pending) map.getCanvas().style.cursor = pickAt(map, pending) ? 'pointer' : '';
          pending = null;
        });
      pending = event.point;
    };
    map.on('click', onClick);
    map.on('mousemove', onMove);
    const stopAnswering = answerSelectRequests((selection) => onSelectRef.current(selection));
    return () => {
      map.off('click', onClick);
      map.off('mousemove', onMove);
      stopAnswering();
    };
  }, [map]);

  return null;
}

/**
 * Answers `mueang:select` (detail `{ kind, id }`; sets `found`): selects a loaded feature as a
 * click on it would. Returns the undo.
 */
export function answerSelectRequests(onSelect: (selection: Selection) => void): () => void {
  const onSelectRequest = (event: Event) => {
    const detail = (event as CustomEvent<{ kind: FeatureKind; id: number | string; found?: boolean }>).detail;
    const selection = findSelectable(detail.kind, detail.id);
    detail.found = selection !== null;
    if (selection) onSelect(selection);
  };
  window.addEventListener('mueang:select', onSelectRequest);
  return () => window.removeEventListener('mueang:select', onSelectRequest);
}
