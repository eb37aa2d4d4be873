import type { PickingInfo } from '@deck.gl/core';
import type { Feature, Geometry } from 'geojson';
import type { CommunityFeature, ParcelTileProps, ProjectFeature, SensorFeature, TruckFeature, ZoneFeature } from '../api/client.ts';

/** What the details panel can show: one picked feature and which kind of thing it is. */
export type Selection =
  | { kind: 'zone'; feature: ZoneFeature }
  | { kind: 'community'; feature: CommunityFeature }
  | { kind: 'parcel'; feature: Feature<Geometry, ParcelTileProps> }
  | { kind: 'project'; feature: ProjectFeature }
  | { kind: 'truck'; feature: TruckFeature }
  | { kind: 'sensor'; feature: SensorFeature };

export type FeatureKind = Selection['kind'];

const KIND_BY_LAYER_ID: Record<string, FeatureKind> = {
  zones: 'zone',
  communities: 'community',
  parcels: 'parcel',
  projects: 'project',
  trucks: 'truck',
  sensors: 'sensor',
};

/**
 * deck.gl reports the top-level layer of a pick even when a sub-layer drew the pixel (MVT tiles,
 * GeoJSON parts), so the layer id alone says what was clicked.
 */
export function selectionFromPick(info: PickingInfo): Selection | null {
  const kind = info.layer ? kindOfLayerId(info.layer.id) : undefined;
  const object = info.object as Feature | undefined;
  if (!kind || !object || typeof object !== 'object' || !('properties' in object)) return null;
  return { kind, feature: object } as Selection;
}

/** Top-level deck.gl layer ids that are not literally the layer's name (parcels: one id per viewer). */
function kindOfLayerId(id: string): FeatureKind | undefined {
  return KIND_BY_LAYER_ID[id.split('@')[0]!];
}

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
  const layer = Object.keys(KIND_BY_LAYER_ID).find((name) => KIND_BY_LAYER_ID[name] === kind);
  const feature = layer ? selectable.get(layer)?.find((f) => String(f.properties?.id) === String(id)) : undefined;
  return feature ? ({ kind, feature } as Selection) : null;
}

export function selectionKey(selection: Selection | null): string | null {
  if (!selection) return null;
  // Parcels from tiles carry their id as the feature id; GeoJSON layers as a property.
  const id = selection.kind === 'parcel' ? selection.feature.id : selection.feature.properties.id;
  return `${selection.kind}:${String(id)}`;
}
