import { useEffect, useRef, type RefObject } from 'react';
import { Marker } from 'maplibre-gl';
import type { ZoneFeature } from '../api/client.ts';
import { useMap } from './MapContext.ts';

/**
 * One HTML marker per zone at its label point: the offline style has no glyphs, so MapLibre
 * cannot draw text, and the browser's own Thai fonts shape Thai correctly. `create` makes each
 * marker's element; the returned map lets the caller change text and colour in place, since
 * rebuilding the markers would flash on every change.
 */
export function useZoneMarkers<E extends HTMLElement>(zones: ZoneFeature[], create: (zone: number) => E): RefObject<Map<number, E>> {
  const map = useMap();
  const elements = useRef(new Map<number, E>());
  const createRef = useRef(create);
  createRef.current = create;

  useEffect(() => {
    const markers = zones.map((zone) => {
      const { id, label_lon, label_lat } = zone.properties;
      const element = createRef.current(id);
      element.dataset.zone = String(id);
      elements.current.set(id, element);
      return new Marker({ element, anchor: 'center' }).setLngLat([label_lon, label_lat]).addTo(map);
    });
    return () => {
      for (const marker of markers) marker.remove();
      elements.current.clear();
    };
  }, [map, zones]);

  return elements;
}
