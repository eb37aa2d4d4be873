import { useEffect, useMemo, useRef } from 'react';
import type { ExpressionSpecification, MapSourceDataEvent, VectorSourceSpecification } from 'maplibre-gl';
import { PARCEL_TILES_MAX_ZOOM, PARCEL_TILES_MIN_ZOOM, PARCEL_TILES_URL, type BoundaryCollection } from '../api/client.ts';
import { useViewerGeneration } from '../api/useResource.ts';
import { byProperty, cssColor } from '../map/expressions.ts';
import { useMap } from '../map/MapContext.ts';
import { LAND_USE_COLORS, SELECTION_COLOR } from '../map/palette.ts';
import { reportCount } from '../map/readiness.ts';
import { useMapLayers } from '../map/useMapLayers.ts';

/** Below this the city is a few pixels wide: no tiles are asked for. */
export const PARCELS_VISIBLE_FROM_ZOOM = PARCEL_TILES_MIN_ZOOM;

const LAND_USE = byProperty('land_use', LAND_USE_COLORS, LAND_USE_COLORS.vacant);
/**
 * Parcels get more ink as they get bigger on screen: at city scale tens of thousands of outlines
 * would be a grey mesh over everything, at street scale the lines are what people look for.
 */
const byDetail = (city: number, district: number, street: number) => ['step', ['zoom'], city, 14, district, 15.5, street] as unknown as ExpressionSpecification;

interface ParcelsLayerProps {
  visible: boolean;
  /** The selected parcel, outlined across tile edges by its id. */
  selectedId: number | null;
  /** Don't ask for tiles outside the municipality: they would all be empty. */
  extent: BoundaryCollection['bbox'] | null;
  /**
   * Parcels filled by something other than their land use (the tax map: by tax status), more
   * strongly, and no blocks: a block's summary is its land use, which would say nothing there.
   */
  fill?: ExpressionSpecification;
  /** Told whether the tiles on screen hold parcels or only blocks (below the parcels' zoom, which only the server knows). */
  onParcelsShown?: (shown: boolean) => void;
}

/**
 * Land parcels, streamed as vector tiles because there are far too many for GeoJSON, drawn by
 * MapLibre from the tiles as they come. Tiles below the parcels' zoom carry blocks (layer
 * `parcel_blocks`: each block's dominant land use and parcel count) instead, so the city view
 * fetches a few small tiles of blocks and no parcel; the same URL answers both, and the server
 * alone knows where parcels start.
 *
 * The tiles differ by viewer (zone scope), so a new viewer gets a new source: its id and the `v`
 * in the URL change, none of the previous viewer's tiles stays on screen or in the browser's cache.
 */
export function ParcelsLayer({ visible, selectedId, extent, fill, onParcelsShown }: ParcelsLayerProps) {
  const map = useMap();
  const generation = useViewerGeneration();
  const source = `parcels@${generation}`;
  // Until the extent is known (the boundary comes first) there is nothing to ask for.
  const spec = useMemo<VectorSourceSpecification | null>(
    () =>
      extent
        ? {
            type: 'vector',
            tiles: [`${window.location.origin}${PARCEL_TILES_URL}?v=${generation}`],
            minzoom: PARCEL_TILES_MIN_ZOOM,
            maxzoom: PARCEL_TILES_MAX_ZOOM,
            bounds: extent.slice(0, 4) as [number, number, number, number],
          }
        : null,
    [generation, extent],
  );

  useMapLayers(
    source,
    spec,
    [
      // Blocks are a summary fill without outlines: a little stronger than the parcels' whisper.
      ...(fill
        ? []
        : [{ id: `${source}:blocks`, type: 'fill', 'source-layer': 'parcel_blocks', paint: { 'fill-color': LAND_USE, 'fill-opacity': 0.43 } } as const]),
      {
        id: `${source}:fill`,
        type: 'fill',
        'source-layer': 'parcels',
        paint: { 'fill-color': fill ?? LAND_USE, 'fill-opacity': fill ? 0.78 : byDetail(0.16, 0.24, 0.28) },
      },
      {
        id: `${source}:outline`,
        type: 'line',
        'source-layer': 'parcels',
        paint: { 'line-color': 'rgb(96, 92, 86)', 'line-opacity': byDetail(0.15, 0.35, 0.59), 'line-width': byDetail(0.5, 0.75, 1) },
      },
      {
        id: `${source}:selected`,
        type: 'line',
        'source-layer': 'parcels',
        filter: ['==', ['id'], -1],
        paint: { 'line-color': cssColor(SELECTION_COLOR), 'line-width': 3 },
      },
    ],
    'parcels',
    { visible, pick: 'parcel' },
  );

  useEffect(() => {
    // The layers are there once the spec is (see above).
    if (spec && map.getLayer(`${source}:selected`)) map.setFilter(`${source}:selected`, ['==', ['id'], selectedId ?? -1]);
  }, [map, source, selectedId, spec]);

  const onParcelsShownRef = useRef(onParcelsShown);
  onParcelsShownRef.current = onParcelsShown;
  // How many parcels are loaded (a block counts for its parcels): each feature once, though
  // tiles repeat the ones on their edges.
  useEffect(() => {
    const count = (event?: MapSourceDataEvent) => {
      if (event && (event.sourceId !== source || !event.isSourceLoaded)) return;
      if (!map.getSource(source)) return reportCount('parcels', 0);
      const parcels = new Set(map.querySourceFeatures(source, { sourceLayer: 'parcels' }).map((f) => f.id));
      const blocks = new Map(map.querySourceFeatures(source, { sourceLayer: 'parcel_blocks' }).map((f) => [f.id, Number(f.properties.parcels) || 0]));
      let total = parcels.size;
      for (const n of blocks.values()) total += n;
      reportCount('parcels', total);
      onParcelsShownRef.current?.(parcels.size > 0);
    };
    count();
    map.on('sourcedata', count);
    return () => {
      map.off('sourcedata', count);
    };
  }, [map, source]);

  return null;
}
