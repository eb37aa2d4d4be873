import './trucks.css';
import { useEffect, useRef } from 'react';
import { Marker } from 'maplibre-gl';
import { api, type TruckFeature } from '../api/client.ts';
import { useMap } from '../map/MapContext.ts';
import type { Selection } from '../map/selection.ts';
import { useLayerData } from '../map/useLayerData.ts';
import { paintTruck } from './truckIcon.ts';

/** GPS positions come in about every half minute; matching that keeps the map honest. */
const REFRESH_MS = 30_000;

interface TruckMarker {
  marker: Marker;
  canvas: HTMLCanvasElement;
  feature: TruckFeature;
  painted: string | null;
}

/**
 * Waste-collection trucks, pointing the way they drive and coloured by what they are doing: an
 * HTML marker each, as the zone labels are, rather than a MapLibre symbol layer. A few dozen
 * markers cost the page nothing, where a symbol layer costs a shader program and a round trip
 * to MapLibre's worker for its icons: half a second of the city map's first frame in a
 * software renderer.
 */
export function TrucksLayer({ visible, onSelect }: { visible: boolean; onSelect: (selection: Selection) => void }) {
  const map = useMap();
  // A switched-off layer keeps what it has but stops polling; switched on, it loads at once.
  const { data } = useLayerData('trucks', 'trucks', () => api.trucks(), visible ? REFRESH_MS : undefined);
  const markers = useRef(new Map<number, TruckMarker>());
  const onSelectRef = useRef(onSelect);
  onSelectRef.current = onSelect;
  const visibleRef = useRef(visible);
  visibleRef.current = visible;

  useEffect(() => {
    const current = new Set<number>();
    for (const feature of data?.features ?? []) {
      const { id, code, state: status, heading_deg } = feature.properties;
      current.add(id);
      let truck = markers.current.get(id);
      if (!truck) {
        const element = document.createElement('button');
        element.type = 'button';
        element.className = 'truck-marker';
        element.setAttribute('aria-label', code);
        element.hidden = !visibleRef.current;
        const canvas = document.createElement('canvas');
        element.append(canvas);
        element.addEventListener('click', (event) => {
          // The map under the marker must not take the click for a click on itself.
          event.stopPropagation();
          const clicked = markers.current.get(id);
          if (clicked) onSelectRef.current({ kind: 'truck', feature: clicked.feature });
        });
        truck = { marker: new Marker({ element, rotationAlignment: 'map' }).setLngLat([0, 0]).addTo(map), canvas, feature, painted: null };
        markers.current.set(id, truck);
      }
      truck.feature = feature;
      // Compass headings, clockwise from north, as MapLibre turns markers.
      truck.marker.setLngLat(feature.geometry.coordinates as [number, number]).setRotation(heading_deg ?? 0);
      if (truck.painted !== status) {
        paintTruck(truck.canvas, status);
        truck.painted = status;
      }
    }
    for (const [id, truck] of markers.current) {
      if (current.has(id)) continue;
      truck.marker.remove();
      markers.current.delete(id);
    }
  }, [map, data]);

  useEffect(() => {
    for (const { marker } of markers.current.values()) marker.getElement().hidden = !visible;
  }, [visible]);

  useEffect(
    () => () => {
      for (const { marker } of markers.current.values()) marker.remove();
      markers.current.clear();
    },
    [],
  );

  return null;
}
