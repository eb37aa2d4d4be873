import './trucks.css';
import { useEffect, useMemo, useRef } from 'react';
import { Marker } from 'maplibre-gl';
import { api, type TruckFeature } from '../api/client.ts';
import { useMap } from '../map/MapContext.ts';
import type { Selection } from '../map/selection.ts';
import { useLayerData } from '../map/useLayerData.ts';
import type { TruckState } from '../api/client.ts';
import { paintTruck } from './truckIcon.ts';

/** GPS positions come in about every half minute; matching that keeps the map honest. */
const REFRESH_MS = 30_000;

/** What a marker needs of a truck, whichever feed it came from (the REST list or the live stream). */
export interface TruckOnMap {
  id: number;
  code: string;
  state: TruckState;
  heading_deg: number | null;
  lon: number;
  lat: number;
}

interface TruckMarker<T> {
  marker: Marker;
  canvas: HTMLCanvasElement;
  truck: T;
  painted: string | null;
}

interface TruckMarkersProps<T extends TruckOnMap> {
  trucks: readonly T[];
  visible: boolean;
  onSelect: (truck: T) => void;
  /** Each truck's code beside it (the waste workspace, where the code is how trucks are called). */
  labelled?: boolean;
}

/**
 * Trucks, pointing the way they drive and coloured by what they are doing: an HTML marker each,
 * as the zone labels are, rather than a MapLibre symbol layer. A few dozen markers cost the page
 * nothing, where a symbol layer costs a shader program and a round trip to MapLibre's worker
 * for its icons: half a second of the city map's first frame in a software renderer. The icon
 * turns with the heading, not the marker, so the code beside it stays upright (the maps are
 * north-up: MapView turns rotation off).
 */
export function TruckMarkers<T extends TruckOnMap>({ trucks, visible, onSelect, labelled = false }: TruckMarkersProps<T>) {
  const map = useMap();
  const markers = useRef(new Map<number, TruckMarker<T>>());
  const onSelectRef = useRef(onSelect);
  onSelectRef.current = onSelect;
  const visibleRef = useRef(visible);
  visibleRef.current = visible;

  useEffect(() => {
    const current = new Set<number>();
    for (const truck of trucks) {
      const { id, code, state, heading_deg } = truck;
      current.add(id);
      let shown = markers.current.get(id);
      if (!shown) {
        const element = document.createElement('button');
        element.type = 'button';
        element.className = labelled ? 'truck-marker truck-marker--labelled' : 'truck-marker';
        element.setAttribute('aria-label', code);
        element.dataset.truck = code;
        element.hidden = !visibleRef.current;
        const canvas = document.createElement('canvas');
        element.append(canvas);
        if (labelled) {
          const label = document.createElement('span');
          label.className = 'truck-code';
          label.textContent = code;
          element.append(label);
        }
        element.addEventListener('click', (event) => {
          // The map under the marker must not take the click for a click on itself.
          event.stopPropagation();
          const clicked = markers.current.get(id);
          if (clicked) onSelectRef.current(clicked.truck);
        });
        shown = { marker: new Marker({ element }).setLngLat([truck.lon, truck.lat]).addTo(map), canvas, truck, painted: null };
        markers.current.set(id, shown);
      }
      shown.truck = truck;
      shown.marker.setLngLat([truck.lon, truck.lat]);
      // Compass headings, clockwise from north, as CSS turns elements.
      shown.canvas.style.transform = `rotate(${heading_deg ?? 0}deg)`;
      shown.marker.getElement().dataset.state = state;
      if (shown.painted !== state) {
        paintTruck(shown.canvas, state);
        shown.painted = state;
      }
    }
    for (const [id, shown] of markers.current) {
      if (current.has(id)) continue;
      shown.marker.remove();
      markers.current.delete(id);
    }
  }, [map, trucks, labelled]);

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

type CityTruck = TruckOnMap & { feature: TruckFeature };
const NONE: CityTruck[] = [];

const onMap = (feature: TruckFeature): CityTruck => {
  const [lon, lat] = feature.geometry.coordinates as [number, number];
  const { id, code, state, heading_deg } = feature.properties;
  return { id, code, state, heading_deg, lon, lat, feature };
};

/** The city map's trucks: the REST list, polled while the layer is on; a click opens its details. */
export function TrucksLayer({ visible, onSelect }: { visible: boolean; onSelect: (selection: Selection) => void }) {
  // A switched-off layer keeps what it has but stops polling; switched on, it loads at once.
  const { data } = useLayerData('trucks', 'trucks', () => api.trucks(), visible ? REFRESH_MS : undefined);
  const trucks = useMemo(() => data?.features.map(onMap) ?? NONE, [data]);
  return <TruckMarkers trucks={trucks} visible={visible} onSelect={(truck) => onSelect({ kind: 'truck', feature: truck.feature })} />;
}
