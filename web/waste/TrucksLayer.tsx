import { useEffect, useMemo } from 'react';
import type { ExpressionSpecification } from 'maplibre-gl';
import type { FeatureCollection } from 'geojson';
import { api, TRUCK_STATUSES } from '../api/client.ts';
import { useMap } from '../map/MapContext.ts';
import { useGeoJsonLayers } from '../map/useMapLayers.ts';
import { useLayerData } from '../map/useLayerData.ts';
import { TRUCK_ICON_PIXELS, truckIcons } from './truckIcon.ts';

/** GPS positions come in about every half minute; matching that keeps the map honest. */
const REFRESH_MS = 30_000;

const iconName = (status: string) => `truck-${status}`;
/** A status this build has no icon for shows as at the depot. */
const ICON = ['coalesce', ['image', ['concat', 'truck-', ['get', 'status']]], ['image', iconName('depot')]] as unknown as ExpressionSpecification;
/** 24 px across at city scale, 36 px in the streets (the icons are drawn at 64). */
const ICON_SIZE = ['interpolate', ['linear'], ['zoom'], 12, 24 / TRUCK_ICON_PIXELS, 16, 36 / TRUCK_ICON_PIXELS] as unknown as ExpressionSpecification;

/** Waste-collection trucks, pointing the way they drive and coloured by what they are doing. */
export function TrucksLayer({ visible }: { visible: boolean }) {
  const map = useMap();
  // A switched-off layer keeps what it has but stops polling; switched on, it loads at once.
  const { data } = useLayerData('trucks', 'trucks', () => api.trucks(), visible ? REFRESH_MS : undefined);

  useEffect(() => {
    for (const [status, icon] of truckIcons(TRUCK_STATUSES)) if (!map.hasImage(iconName(status))) map.addImage(iconName(status), icon);
  }, [map]);

  const positions = useMemo<FeatureCollection | null>(
    () =>
      data && {
        type: 'FeatureCollection',
        features: data.features.map((f) => ({
          ...f,
          properties: { id: f.properties.id, status: f.properties.status, heading: f.properties.heading_deg ?? 0 },
        })),
      },
    [data],
  );
  useGeoJsonLayers(
    'trucks',
    positions,
    [
      {
        id: 'trucks',
        type: 'symbol',
        layout: {
          'icon-image': ICON,
          'icon-size': ICON_SIZE,
          // Compass headings, clockwise from north, as MapLibre turns icons on the map.
          'icon-rotate': ['get', 'heading'],
          'icon-rotation-alignment': 'map',
          'icon-allow-overlap': true,
          'icon-ignore-placement': true,
        },
      },
    ],
    'trucks',
    { visible, pick: 'truck' },
  );
  return null;
}
