import { useEffect } from 'react';
import { api } from '../api/client.ts';
import { useResource } from '../api/useResource.ts';
import { useMap } from './MapContext.ts';

type Padding = { top: number; bottom: number; left: number; right: number };

/** The city map's framing: room for the layer panel on the left. */
const CITY_PADDING: Padding = { top: 24, bottom: 24, left: 300, right: 60 };

/**
 * Frames the city between a view's own panels while the view is shown, and gives the city map
 * its framing back on leaving. Below `minWidth` the panels overlay the map anyway.
 */
export function useCityFrame(padding: Padding, minWidth = 900): void {
  const map = useMap();
  const zones = useResource('zones', () => api.zones(), { perViewer: false }).data;
  const { top, bottom, left, right } = padding;
  useEffect(() => {
    if (!zones?.bbox) return;
    const box = zones.bbox as [number, number, number, number];
    const wide = map.getContainer().clientWidth > minWidth;
    map.fitBounds(box, { padding: wide ? { top, bottom, left, right } : 16, animate: false, maxZoom: 14 });
    return () => {
      if (map.getContainer().clientWidth > 800) map.fitBounds(box, { padding: CITY_PADDING, animate: false, maxZoom: 14 });
    };
  }, [map, zones, top, bottom, left, right, minWidth]);
}
