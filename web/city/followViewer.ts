import { useEffect, useRef } from 'react';
import type { Geometry } from 'geojson';
import { api, ApiError, PERSONAL_PARCEL_ATTRIBUTES, type ParcelTileProps } from '../api/client.ts';
import { useViewerGeneration } from '../api/useResource.ts';
import type { Selection } from '../map/selection.ts';

/** The smallest box around a geometry's coordinates, as the bbox query wants it. */
function boxOf(geometry: Geometry): [number, number, number, number] | null {
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  const visit = (coords: unknown): void => {
    if (Array.isArray(coords) && typeof coords[0] === 'number') {
      const [x, y] = coords as number[];
      minX = Math.min(minX, x!);
      maxX = Math.max(maxX, x!);
      minY = Math.min(minY, y!);
      maxY = Math.max(maxY, y!);
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
async function reloadSelection(selection: Selection, signal: AbortSignal): Promise<Selection | null> {
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
        // As the tiles carry it: the id as the feature id, empty attributes and personal data left
        // out (the details panel fetches that for the parcel itself).
        const { id: _id, ...rest } = found.properties;
        const personal: readonly string[] = PERSONAL_PARCEL_ATTRIBUTES;
        const properties = Object.fromEntries(Object.entries(rest).filter(([k, v]) => v !== null && !personal.includes(k))) as ParcelTileProps;
        return { kind: 'parcel', feature: { type: 'Feature', id, geometry: found.geometry, properties } };
      }
      // Sites are staff-only on the map and zone-scoped: the new viewer picks one again if they see it.
      case 'site':
        return null;
      default:
        return selection;
    }
  } catch (error) {
    if (error instanceof ApiError && (error.status === 403 || error.status === 404)) return null;
    throw error;
  }
}

/**
 * When the signed-in person changes, what is selected is fetched again as the new person may
 * see it (or closed, if they may not): the details panel never shows one person's view to another.
 */
export function useSelectionFollowsViewer(selection: Selection | null, setSelection: (s: Selection | null) => void) {
  const generation = useViewerGeneration();
  const latest = useRef(selection);
  latest.current = selection;
  const seen = useRef(generation);

  useEffect(() => {
    if (seen.current === generation) return;
    seen.current = generation;
    const current = latest.current;
    if (!current) return;
    const controller = new AbortController();
    if (current.kind === 'project' || current.kind === 'parcel' || current.kind === 'site') setSelection(null);
    reloadSelection(current, controller.signal).then(
      (next) => {
        if (!controller.signal.aborted) setSelection(next);
      },
      () => {
        if (!controller.signal.aborted) setSelection(null);
      },
    );
    return () => controller.abort();
  }, [generation, setSelection]);
}
