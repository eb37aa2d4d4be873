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

/**
 * Where each page's own layers go in the stack: one empty marker layer per slot, bottom to top,
 * and a layer put in a slot is inserted just below its marker (web/map/useMapLayers.ts). Areas
 * (zone tints, the plan's choropleth, communities, parcels) lie under the city's roads, as on any
 * street map; edges, projects, construction sites, sensors, trucks and the selection lie above them.
 */
const UNDER_ROADS_SLOTS = ['zones', 'choropleth', 'communities', 'parcels'] as const;
const ABOVE_ROADS_SLOTS = ['zone-outlines', 'choropleth-outlines', 'projects', 'sites', 'flood-area', 'sensors', 'trucks', 'selection'] as const;
export type MapSlot = (typeof UNDER_ROADS_SLOTS)[number] | (typeof ABOVE_ROADS_SLOTS)[number];

export const slotMarker = (slot: MapSlot) => `slot:${slot}`;

/** A marker draws nothing: a hidden background layer. */
const markers = (slots: readonly MapSlot[]): LayerSpecification[] =>
  slots.map((slot) => ({ id: slotMarker(slot), type: 'background', layout: { visibility: 'none' } }));

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
  ...markers(UNDER_ROADS_SLOTS),
  // Local streets (sois) under the named roads, thinner and without a casing, as street maps draw them.
  {
    id: 'city-streets',
    type: 'line',
    source: BASEMAP_SOURCE,
    filter: ['==', ['get', 'kind'], 'street'],
    layout: { 'line-cap': 'round', 'line-join': 'round' },
    paint: { 'line-color': BASE_COLORS.street, 'line-width': roadWidth(0.6) },
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
  ...markers(ABOVE_ROADS_SLOTS),
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
 * A remote style has its own layer ids, so there the slots simply go on top of it, in order.
 * Runs before the page's layers are added, so the outline stays under them.
 */
export function addBoundaryToRemoteStyle(map: MapLibreMap): void {
  if (!map.getSource(BOUNDARY_SOURCE)) map.addSource(BOUNDARY_SOURCE, emptySource());
  if (!map.getSource(BASEMAP_SOURCE)) map.addSource(BASEMAP_SOURCE, emptySource());
  if (!map.getLayer(BOUNDARY_LINE.id)) map.addLayer(BOUNDARY_LINE);
  for (const marker of markers([...UNDER_ROADS_SLOTS, ...ABOVE_ROADS_SLOTS])) if (!map.getLayer(marker.id)) map.addLayer(marker);
}
