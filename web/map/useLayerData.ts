import { useEffect } from 'react';
import type { FeatureCollection } from 'geojson';
import { useResource, type Resource } from '../api/useResource.ts';
import { registerSelectable } from './selection.ts';
import { reportError, reportLoaded, type CountedLayer } from './readiness.ts';

/**
 * A thematic layer's data: fetched, refreshed if live, fetched again for a new viewer, and
 * counted (web/map/readiness.ts) whether or not the layer is currently switched on.
 */
export function useLayerData<C extends FeatureCollection>(
  layer: Exclude<CountedLayer, 'parcels'>,
  key: string,
  load: (signal: AbortSignal) => Promise<C>,
  refreshMs?: number,
): Resource<C> {
  const resource = useResource(key, load, { refreshMs });
  const { data, error } = resource;

  useEffect(() => {
    if (data) reportLoaded(layer, data.features.length);
    registerSelectable(layer, data?.features ?? null);
  }, [layer, data]);

  useEffect(() => () => registerSelectable(layer, null), [layer]);

  useEffect(() => {
    if (error) reportError(layer, error);
  }, [layer, error]);

  return resource;
}
