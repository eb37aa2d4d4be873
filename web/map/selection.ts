import type { Feature, Geometry } from 'geojson';
import type { CountedLayer } from './readiness.ts';
import type { api, CommunityFeature, ParcelTileProps, ProjectFeature, SensorFeature, TruckFeature, ZoneFeature } from '../api/client.ts';

type SiteFeature = Awaited<ReturnType<typeof api.sitesGeoJson>>['features'][number];

/** A construction site on a map (one with a place): its project id also as `id`, as every selectable feature carries one. */
export type SiteMapFeature = Feature<Geometry, SiteFeature['properties'] & { id: number }>;

/** What the details panel can show: one picked feature and which kind of thing it is. */
export type Selection =
  | { kind: 'zone'; feature: ZoneFeature }
  | { kind: 'community'; feature: CommunityFeature }
  | { kind: 'parcel'; feature: Feature<Geometry, ParcelTileProps> }
  | { kind: 'project'; feature: ProjectFeature }
  | { kind: 'site'; feature: SiteMapFeature }
  | { kind: 'truck'; feature: TruckFeature }
  | { kind: 'sensor'; feature: SensorFeature };

export type FeatureKind = Selection['kind'];

/** The layer (as counted, switched and registered) each kind of feature belongs to. */
export const LAYER_OF_KIND: Record<FeatureKind, CountedLayer> = {
  zone: 'zones',
  community: 'communities',
  parcel: 'parcels',
  project: 'projects',
  site: 'sites',
  truck: 'trucks',
  sensor: 'sensors',
};

/** The map's layers a click can select something on, by layer id (web/map/Picking.tsx reads it). */
const pickable = new Map<string, FeatureKind>();

/** Registers a map layer as picking features of `kind`; returns the undo. */
export function registerPickable(layerId: string, kind: FeatureKind): () => void {
  pickable.set(layerId, kind);
  return () => {
    if (pickable.get(layerId) === kind) pickable.delete(layerId);
  };
}

export const pickableLayers = () => pickable;

/**
 * The features of each GeoJSON layer currently loaded, by layer name, so a feature can be
 * selected by id without a click (the `mueang:select` event, see readiness.ts).
 */
const selectable = new Map<string, Feature[]>();

export function registerSelectable(layer: string, features: Feature[] | null): void {
  if (features) selectable.set(layer, features);
  else selectable.delete(layer);
}

/** A loaded feature of a GeoJSON layer as a selection, or null if this viewer has none such loaded. */
export function findSelectable(kind: FeatureKind, id: number | string): Selection | null {
  const feature = selectable.get(LAYER_OF_KIND[kind])?.find((f) => String(f.properties?.id) === String(id));
  return feature ? ({ kind, feature } as Selection) : null;
}

export function selectionKey(selection: Selection | null): string | null {
  if (!selection) return null;
  // Parcels from tiles carry their id as the feature id; GeoJSON layers as a property.
  const id = selection.kind === 'parcel' ? selection.feature.id : selection.feature.properties.id;
  return `${selection.kind}:${String(id)}`;
}
