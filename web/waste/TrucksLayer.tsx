import { useMemo } from 'react';
import { IconLayer } from '@deck.gl/layers';
import { api, TRUCK_STATUSES, type TruckFeature } from '../api/client.ts';
import { useDeckLayers } from '../map/deck/DeckOverlay.tsx';
import { truckAtlas } from './truckIcon.ts';
import { useLayerData } from '../map/useLayerData.ts';

/** GPS positions come in about every half minute; matching that keeps the map honest. */
const REFRESH_MS = 30_000;

/** Waste-collection trucks, pointing the way they drive and coloured by what they are doing. */
export function TrucksLayer({ visible }: { visible: boolean }) {
  // A switched-off layer keeps what it has but stops polling; switched on, it loads at once.
  const { data } = useLayerData('trucks', 'trucks', () => api.trucks(), visible ? REFRESH_MS : undefined);
  const atlas = useMemo(() => truckAtlas(TRUCK_STATUSES), []);

  const layers = useMemo(
    () =>
      data
        ? [
            new IconLayer<TruckFeature>({
              id: 'trucks',
              data: data.features,
              visible,
              pickable: true,
              autoHighlight: true,
              highlightColor: [255, 214, 10, 160],
              // deck.gl accepts any image source here (its 'image' prop type makes a texture of
              // it); the typings only name URLs and textures.
              iconAtlas: atlas.image as unknown as string,
              iconMapping: atlas.mapping,
              getIcon: (f) => (atlas.mapping[f.properties.status] ? f.properties.status : 'depot'),
              getPosition: (f) => f.geometry.coordinates as [number, number],
              // deck.gl turns counter-clockwise, compass headings run clockwise from north.
              getAngle: (f) => -(f.properties.heading_deg ?? 0),
              sizeUnits: 'meters',
              getSize: 160,
              sizeMinPixels: 24,
              sizeMaxPixels: 36,
            }),
          ]
        : null,
    [data, visible, atlas],
  );
  useDeckLayers('trucks', layers);
  return null;
}
