import { useCallback, useEffect, useMemo, useRef } from 'react';
import { MVTLayer } from '@deck.gl/geo-layers';
import type { _Tile2DHeader as Tile2DHeader } from '@deck.gl/geo-layers';
import { MVTLoader } from '@loaders.gl/mvt';
import type { BinaryFeatureCollection } from '@loaders.gl/schema';
import type { Feature } from 'geojson';
import { PARCEL_TILES_MAX_ZOOM, PARCEL_TILES_MIN_ZOOM, PARCEL_TILES_URL, type LandUse, type ParcelTileProps } from '../api/client.ts';
import type { BoundaryCollection } from '../api/client.ts';
import { useViewerGeneration } from '../api/useResource.ts';
import { UNDER_ROADS } from '../map/baseStyle.ts';
import { useDeckLayers } from '../map/deck/DeckOverlay.tsx';
import { hexToRgba, LAND_USE_COLORS } from '../map/palette.ts';
import { reportCount } from '../map/readiness.ts';

/**
 * MVTLayer's default loader (`MVTWorkerLoader`) can only parse inside a Web Worker that
 * loaders.gl fetches from unpkg.com, which an offline network does not have. So: the loader that
 * can also parse on the main thread (`MVTLoader`), and `core.worker: false`, the switch
 * `canParseWithWorker` actually reads. (`mvt.workerUrl: null` alone would still fall back to the
 * CDN URL, and `worker: false` without `MVTLoader` fails with "no parser found".)
 */
const PARSE_ON_MAIN_THREAD = { core: { worker: false } };
const MAIN_THREAD_LOADERS = [MVTLoader];

type ParcelTile = Feature[] | BinaryFeatureCollection;

/**
 * The parcels one parsed tile stands for, for either of the two shapes the loader can return:
 * one per parcel feature, a block's count for a block.
 */
function countTileParcels(content: ParcelTile | null): number {
  if (!content) return 0;
  if (Array.isArray(content)) return content.reduce((sum, f) => sum + (Number(f.properties?.parcels) || 1), 0);
  let count = 0;
  for (const part of [content.points, content.lines, content.polygons]) {
    if (!part) continue;
    // Binary tiles keep numbers apart, one value per vertex: a feature's count is at its first vertex.
    const counts = part.numericProps.parcels?.value;
    const ids = part.featureIds.value;
    if (!counts) {
      count += part.properties.length;
      continue;
    }
    for (let i = 0; i < ids.length; i++) if (i === 0 || ids[i] !== ids[i - 1]) count += Number(counts[i]);
  }
  return count;
}

function landUseColor(landUse: LandUse | undefined, alpha: number) {
  return hexToRgba((landUse && LAND_USE_COLORS[landUse]) || LAND_USE_COLORS.vacant, alpha);
}

/**
 * What a tile feature is: a parcel, or (below the parcels' zoom, which the server sets from how
 * dense the parcels are) a block of about 150 m with its parcels' dominant land use and count.
 */
type TileProps = ParcelTileProps | { land_use: LandUse; parcels: number; parcel_no?: undefined };
const isBlock = (p: TileProps) => p.parcel_no === undefined;

/** Blocks are a summary fill without outlines: a little stronger than the parcels' whisper. */
const BLOCK_FILL = 110;
const NO_LINE: [number, number, number, number] = [0, 0, 0, 0];

/**
 * deck.gl picks the tile zoom by rounding, so z12 tiles are used from zoom 11.5; below that the
 * city is a few pixels wide. (With an `extent`, `minZoom` alone would keep loading z12 tiles at
 * any zoom.)
 */
export const PARCELS_VISIBLE_FROM_ZOOM = PARCEL_TILES_MIN_ZOOM - 0.5;

/**
 * Parcels get more ink as they get bigger on screen: at city scale tens of thousands of outlines
 * would be a grey mesh over everything, at street scale the lines are what people look for.
 */
export type ParcelDetail = 0 | 1 | 2;

export function parcelDetailForZoom(zoom: number): ParcelDetail {
  return zoom < 14 ? 0 : zoom < 15.5 ? 1 : 2;
}

const STYLE_BY_DETAIL: Record<ParcelDetail, { fill: number; line: number; width: number }> = {
  0: { fill: 42, line: 38, width: 0.5 },
  1: { fill: 60, line: 90, width: 0.75 },
  2: { fill: 72, line: 150, width: 1 },
};

interface ParcelsLayerProps {
  visible: boolean;
  detail: ParcelDetail;
  /** The selected parcel, highlighted across tile edges by its id. */
  selectedId: number | null;
  /** Don't ask for tiles outside the municipality: they would all be empty. */
  extent: BoundaryCollection['bbox'] | null;
}

/**
 * Land parcels, streamed as vector tiles because there are far too many for GeoJSON. Tiles below
 * the parcels' zoom carry blocks instead, so the city view fetches a few small tiles of blocks
 * and no parcel; the same URL answers both, and the server alone knows where parcels start.
 *
 * The same tile URL answers with other parcels for some viewers (those of their zones only), so
 * a new viewer gets a new layer: a new `id` makes deck.gl drop every tile of the
 * previous one at once (none of it stays on screen or pickable), and the `v` in the URL keeps
 * the browser from answering from its cache.
 */
export function ParcelsLayer({ visible, detail, selectedId, extent }: ParcelsLayerProps) {
  const generation = useViewerGeneration();
  const tileCounts = useRef(new Map<string, number>());
  const generationRef = useRef(generation);

  const publish = useCallback(() => {
    let total = 0;
    for (const count of tileCounts.current.values()) total += count;
    reportCount('parcels', total);
  }, []);

  useEffect(() => {
    // Tiles of the previous viewer's layer are gone with it.
    generationRef.current = generation;
    tileCounts.current.clear();
    publish();
  }, [generation, publish]);

  const onTileLoad = useCallback(
    (tile: Tile2DHeader<ParcelTile>) => {
      if (generationRef.current !== generation) return;
      tileCounts.current.set(tile.id, countTileParcels(tile.content));
      publish();
    },
    [publish, generation],
  );

  const onTileUnload = useCallback(
    (tile: Tile2DHeader<ParcelTile>) => {
      if (generationRef.current !== generation) return;
      tileCounts.current.delete(tile.id);
      publish();
    },
    [publish, generation],
  );

  const layers = useMemo(() => {
    const style = STYLE_BY_DETAIL[detail];
    return [
      new MVTLayer<TileProps>({
        ...UNDER_ROADS,
        id: `parcels@${generation}`,
        data: `${PARCEL_TILES_URL}?v=${generation}`,
        minZoom: PARCEL_TILES_MIN_ZOOM,
        visibleMinZoom: PARCELS_VISIBLE_FROM_ZOOM,
        maxZoom: PARCEL_TILES_MAX_ZOOM,
        extent: extent ?? undefined,
        loaders: MAIN_THREAD_LOADERS,
        loadOptions: PARSE_ON_MAIN_THREAD,
        visible,
        pickable: true,
        highlightedFeatureId: selectedId,
        autoHighlight: true,
        highlightColor: [255, 255, 255, 110],
        filled: true,
        stroked: true,
        getFillColor: (f) => landUseColor(f.properties.land_use, isBlock(f.properties) ? BLOCK_FILL : style.fill),
        getLineColor: (f) => (isBlock(f.properties) ? NO_LINE : [96, 92, 86, style.line]),
        lineWidthUnits: 'pixels',
        getLineWidth: style.width,
        // A block is no parcel: a click on one selects nothing (true: handled, not passed on).
        onClick: (info) => Boolean(info.object && isBlock((info.object as { properties: TileProps }).properties)),
        updateTriggers: { getFillColor: detail, getLineColor: detail },
        onTileLoad,
        onTileUnload,
      }),
    ];
  }, [visible, detail, selectedId, extent, onTileLoad, onTileUnload, generation]);
  useDeckLayers('parcels', layers);
  return null;
}
