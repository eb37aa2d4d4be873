import type { PickingInfo } from '@deck.gl/core';
import type { Feature, Geometry } from 'geojson';
import type {
  CommunityFeature,
  ParcelTileProps,
  ProjectFeature,
  SensorFeature,
  TruckFeature,
  ZoneFeature,
} from '../api/client.ts';

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
  const kind = info.layer ? KIND_BY_LAYER_ID[info.layer.id] : undefined;
  const object = info.object as Feature | undefined;
  if (!kind || !object || typeof object !== 'object' || !('properties' in object)) return null;
  return { kind, feature: object } as Selection;
}

export function selectionKey(selection: Selection | null): string | null {
  if (!selection) return null;
  // Parcels from tiles carry their id as the feature id; GeoJSON layers as a property.
  const id = selection.kind === 'parcel' ? selection.feature.id : selection.feature.properties.id;
  return `${selection.kind}:${String(id)}`;
}
