import type { PickingInfo } from '@deck.gl/core';
import type { Feature, Geometry } from 'geojson';
import {
  api,
  ApiError,
  type CommunityFeature,
  type ParcelTileProps,
  type ProjectFeature,
  type SensorFeature,
  type TruckFeature,
  type ZoneFeature,
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
 * selected by id without a click (`window.__mueang.select`, see status.ts).
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

/** The smallest box around a geometry's coordinates, as the bbox query wants it. */
function boxOf(geometry: Geometry): [number, number, number, number] | null {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  const visit = (coords: unknown): void => {
    if (Array.isArray(coords) && typeof coords[0] === 'number') {
      const [x, y] = coords as number[];
      minX = Math.min(minX, x!); maxX = Math.max(maxX, x!);
      minY = Math.min(minY, y!); maxY = Math.max(maxY, y!);
    } else if (Array.isArray(coords)) {
      coords.forEach(visit);
    }
  };
  if ('coordinates' in geometry) visit(geometry.coordinates);
  if (!Number.isFinite(minX)) return null;
  const pad = 1e-6; // a box must have an inside
  return [minX - pad, minY - pad, maxX + pad, maxY + pad];
}

/**
 * The same feature as the new viewer may see it, after a sign-in or sign-out: projects and
 * parcels are fetched again (a project outside the viewer's zones, or a parcel they may not
 * see, gives null); the other kinds look the same to everyone and are kept.
 */
export async function reloadSelection(selection: Selection, signal: AbortSignal): Promise<Selection | null> {
  try {
    switch (selection.kind) {
      case 'project':
        return { kind: 'project', feature: await api.project(selection.feature.properties.id, signal) };
      case 'parcel': {
        const id = Number(selection.feature.id);
        const box = boxOf(selection.feature.geometry);
        if (!box) return null;
        const page = await api.parcels(box, signal);
        const found = page.features.find((f) => f.properties.id === id);
        if (!found) return null;
        // As the tiles carry it: the id as the feature id, empty attributes left out.
        const { id: _id, ...rest } = found.properties;
        const properties = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== null)) as ParcelTileProps;
        return { kind: 'parcel', feature: { type: 'Feature', id, geometry: found.geometry, properties } };
      }
      default:
        return selection;
    }
  } catch (error) {
    if (error instanceof ApiError && (error.status === 403 || error.status === 404)) return null;
    throw error;
  }
}
