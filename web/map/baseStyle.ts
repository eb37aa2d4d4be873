import type { LayerSpecification, Map as MapLibreMap, StyleSpecification, GeoJSONSourceSpecification } from 'maplibre-gl';
import { BASE_COLORS } from './palette.ts';

/**
 * The base map is built from the city's own data so it works with no internet at all: no remote
 * tiles, no sprite, no glyphs. Without glyphs there can be no symbol layers; labels are HTML markers.
 */

export const BOUNDARY_SOURCE = 'city-boundary';
export const BASEMAP_SOURCE = 'city-basemap';

/** Set at build time to use a full vector basemap instead (needs network access to that server). */
export const REMOTE_STYLE_URL: string | undefined = import.meta.env.VITE_BASEMAP_STYLE_URL || undefined;

const emptySource = (): GeoJSONSourceSpecification => ({
  type: 'geojson',
  data: { type: 'FeatureCollection', features: [] },
});

/** Roads thicken with zoom like on any street map; fixed widths look wrong at one end or the other. */
const roadWidth = (base: number) => ['interpolate', ['exponential', 1.6], ['zoom'], 11, base * 0.5, 14, base * 1.6, 17, base * 6] as never;

const BOUNDARY_LINE: LayerSpecification = {
  id: 'city-boundary-line',
  type: 'line',
  source: BOUNDARY_SOURCE,
  paint: {
    'line-color': BASE_COLORS.boundary,
    'line-width': 2.2,
    'line-dasharray': [3, 1.5],
    'line-opacity': 0.85,
  },
};

const OFFLINE_LAYERS: LayerSpecification[] = [
  {
    id: 'background',
    type: 'background',
    paint: { 'background-color': BASE_COLORS.background },
  },
  {
    id: 'city-boundary-fill',
    type: 'fill',
    source: BOUNDARY_SOURCE,
    paint: { 'fill-color': BASE_COLORS.cityFill },
  },
  {
    id: 'city-lakes',
    type: 'fill',
    source: BASEMAP_SOURCE,
    filter: ['==', ['get', 'kind'], 'lake'],
    paint: { 'fill-color': BASE_COLORS.water, 'fill-outline-color': BASE_COLORS.waterOutline },
  },
  {
    id: 'city-roads-casing',
    type: 'line',
    source: BASEMAP_SOURCE,
    filter: ['==', ['get', 'kind'], 'road'],
    layout: { 'line-cap': 'round', 'line-join': 'round' },
    paint: { 'line-color': BASE_COLORS.roadCasing, 'line-width': roadWidth(2.2) },
  },
  {
    id: 'city-roads',
    type: 'line',
    source: BASEMAP_SOURCE,
    filter: ['==', ['get', 'kind'], 'road'],
    layout: { 'line-cap': 'round', 'line-join': 'round' },
    paint: { 'line-color': BASE_COLORS.road, 'line-width': roadWidth(1.4) },
  },
  {
    id: 'city-railway',
    type: 'line',
    source: BASEMAP_SOURCE,
    filter: ['==', ['get', 'kind'], 'railway'],
    paint: {
      'line-color': BASE_COLORS.railway,
      'line-width': 1.6,
      'line-dasharray': [4, 2],
    },
  },
  BOUNDARY_LINE,
];

/** Style with empty city sources; `CityBase` fills them once the API answers. */
export function offlineStyle(): StyleSpecification {
  return {
    version: 8,
    name: 'Mueang offline',
    sources: {
      [BOUNDARY_SOURCE]: emptySource(),
      [BASEMAP_SOURCE]: emptySource(),
    },
    layers: OFFLINE_LAYERS,
  };
}

/**
 * A remote style replaces the city base layers, but the municipal limit is still worth seeing.
 * Must run before the deck.gl overlay is added so the outline stays under the thematic layers.
 */
export function addBoundaryToRemoteStyle(map: MapLibreMap): void {
  if (!map.getSource(BOUNDARY_SOURCE)) map.addSource(BOUNDARY_SOURCE, emptySource());
  if (!map.getSource(BASEMAP_SOURCE)) map.addSource(BASEMAP_SOURCE, emptySource());
  if (!map.getLayer(BOUNDARY_LINE.id)) map.addLayer(BOUNDARY_LINE);
}

/**
 * Area layers (zone tints, communities, parcels) go under the city's roads in the offline style,
 * as on any street map. deck.gl's interleaved mode reads `beforeId` at runtime, but it is not in
 * the layer prop types, hence the untyped spread. A remote style has its own layer ids, so there
 * the areas simply go on top.
 */
export const UNDER_ROADS: object = REMOTE_STYLE_URL ? {} : { beforeId: 'city-roads-casing' };
