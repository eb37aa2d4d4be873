import { useMemo } from 'react';
import type { FeatureCollection } from 'geojson';
import { CIRCLE_PAINT, type CircleStyle } from '../map/expressions.ts';
import { useGeoJsonLayers } from '../map/useMapLayers.ts';
import type { PickupCollection, PickupStatus } from '../api/client.ts';

/**
 * A pickup point's status for the day. Served is the quiet green of a job done; late amber and
 * missed red, the supervisor's business; pending a hollow grey ring: nothing to say yet.
 */
export const PICKUP_STATUS_COLORS: Record<PickupStatus, string> = {
  served: '#2f9e44',
  late: '#f08c00',
  missed: '#e03131',
  pending: '#868e96',
};

/** Missed points drawn largest and last, so a cluster of served ones never hides one. */
const STYLE: Record<PickupStatus, CircleStyle & { order: number }> = {
  pending: { color: '#ffffff', radius: 4.5, opacity: 0.9, stroke: PICKUP_STATUS_COLORS.pending, strokeWidth: 2, order: 0 },
  served: { color: PICKUP_STATUS_COLORS.served, radius: 5, opacity: 1, stroke: '#ffffff', strokeWidth: 1.5, order: 1 },
  late: { color: PICKUP_STATUS_COLORS.late, radius: 6, opacity: 1, stroke: '#ffffff', strokeWidth: 1.5, order: 2 },
  missed: { color: PICKUP_STATUS_COLORS.missed, radius: 7, opacity: 1, stroke: '#5c0b0b', strokeWidth: 2, order: 3 },
};

/** Today's pickup points, coloured by status: a MapLibre circle layer (no deck.gl on this page). */
export function PickupsLayer({ pickups }: { pickups: PickupCollection | null }) {
  const styled = useMemo<FeatureCollection | null>(() => {
    if (!pickups) return null;
    const features = [...pickups.features]
      .sort((a, b) => STYLE[a.properties.status].order - STYLE[b.properties.status].order)
      .map((f) => ({ ...f, properties: { ...f.properties, ...STYLE[f.properties.status] } }));
    return { type: 'FeatureCollection', features };
  }, [pickups]);
  useGeoJsonLayers('waste-pickups', styled, [{ id: 'waste-pickups', type: 'circle', paint: CIRCLE_PAINT }], 'sites');
  return null;
}
