import { useEffect } from 'react';
import type { GeoJSONSource } from 'maplibre-gl';
import { api } from '../api/client.ts';
import { useResource } from '../api/useResource.ts';
import { BASEMAP_SOURCE, BOUNDARY_SOURCE } from './baseStyle.ts';
import { useMap } from './MapContext.ts';
import { reportError, reportLoaded } from './readiness.ts';

type Frame = { top: number; bottom: number; left: number; right: number };

/** The city map's: room for the layer panel on the left and the details panel on the right. */
const CITY_FRAME: Frame = { top: 24, bottom: 24, left: 300, right: 60 };

/**
 * Fills the base style's city sources (boundary, lakes, roads) and frames the municipality.
 * These are MapLibre layers rather than deck.gl ones: they are background, never picked.
 * `frame` leaves room for the page's own panels around the city; `fit: false` leaves the view to
 * the page (a construction site's map frames the site, not the city).
 */
export function CityBase({ frame = CITY_FRAME, fit = true }: { frame?: Frame; fit?: boolean }) {
  const map = useMap();
  const boundary = useResource('boundary', () => api.boundary(), { perViewer: false });
  const basemap = useResource('basemap', () => api.basemap(), { perViewer: false });

  // biome-ignore lint/correctness/useExhaustiveDependencies: the frame is a constant of the page: the city is framed once, when its outline arrives.
  useEffect(() => {
    if (!boundary.data) return;
    (map.getSource(BOUNDARY_SOURCE) as GeoJSONSource | undefined)?.setData(boundary.data);
    reportLoaded('boundary');

    const box = boundary.data.bbox;
    if (box && fit) {
      const { clientWidth, clientHeight } = map.getContainer();
      // Between desk and phone the side panels overlay the map anyway: don't pad it to nothing.
      // On a phone (the shell's 700 px breakpoint) the panels are bottom sheets that may take up
      // to 60 % of the map's height: frame the city in the part they always leave clear.
      const padding = clientWidth > 800 ? frame : clientWidth > 700 ? 16 : { top: 16, left: 16, right: 16, bottom: Math.round(clientHeight * 0.6) };
      map.fitBounds(box, { padding, animate: false, maxZoom: 14 });
    }
  }, [map, boundary.data]);

  useEffect(() => {
    if (!basemap.data) return;
    (map.getSource(BASEMAP_SOURCE) as GeoJSONSource | undefined)?.setData(basemap.data);
    reportLoaded('basemap');
  }, [map, basemap.data]);

  useEffect(() => {
    if (boundary.error) reportError('boundary', boundary.error);
    if (basemap.error) reportError('basemap', basemap.error);
  }, [boundary.error, basemap.error]);

  return null;
}
