import './maplibreWorker.ts';
import 'maplibre-gl/dist/maplibre-gl.css';
import './map.css';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Map as MapLibreMap, NavigationControl, ScaleControl } from 'maplibre-gl';
import { addBoundaryToRemoteStyle, offlineStyle, REMOTE_STYLE_URL } from './baseStyle.ts';
import { MapContext } from './MapContext.ts';
import { allRequiredLoaded, announceMap, beginPage, markReady, onLoadProgress, type Source } from './readiness.ts';

/** Khon Kaen city hall area; the boundary fit replaces it as soon as the boundary arrives. */
const CITY_CENTRE: [number, number] = [102.833, 16.43];
export const CITY_ZOOM = 12.9;
/** A first frame that takes longer than this (a slow network, a failed layer) is shown unfinished. */
const SHOW_UNFINISHED_AFTER_MS = 6000;

interface MapViewProps {
  /** What this page's first complete picture needs (web/map/readiness.ts). */
  requires: readonly Source[];
  children?: ReactNode;
  onZoomChange?: (zoom: number) => void;
}

/**
 * The MapLibre map every page draws on, and nothing more: a page adds its own layers as
 * children. deck.gl is not part of it; pages that draw deck.gl layers wrap them in
 * <DeckOverlay> (web/map/deck/), so a page without any (the public flood page) never loads it.
 */
export function MapView({ requires, children, onZoomChange }: MapViewProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const [map, setMap] = useState<MapLibreMap | null>(null);
  // The callback changes identity with every page render; the map is created once and reads the latest.
  const onZoomRef = useRef(onZoomChange);
  onZoomRef.current = onZoomChange;
  const requiresRef = useRef(requires);
  /**
   * Until its first complete frame the map's canvas is not shown. Every frame a shown WebGL
   * canvas draws must also be composited with the page, and in a software renderer that
   * compositing (a read-back of the whole canvas) cost as much as the drawing: the city map's
   * first complete frame came 0.85 s sooner without the half-drawn frames (median of 6, Chromium
   * on this 2-core machine). The person sees the city's background colour meanwhile,
   * rather than a basemap with its layers popping in one by one.
   */
  const [drawing, setDrawing] = useState(true);

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    beginPage(requiresRef.current);

    const map = new MapLibreMap({
      container,
      style: REMOTE_STYLE_URL ?? offlineStyle(),
      center: CITY_CENTRE,
      zoom: CITY_ZOOM,
      minZoom: 10,
      maxZoom: 19,
      // A city dashboard is read north-up; rotation would also skew the truck headings.
      dragRotate: false,
      pitchWithRotate: false,
      touchPitch: false,
      attributionControl: { compact: true },
      // Nothing here fades in: each frame of a fade is a full redraw, costly on a phone's GPU
      // (and seconds in a software renderer), and a dashboard's symbols should just be there.
      fadeDuration: 0,
    });
    map.touchZoomRotate.disableRotation();
    map.addControl(new NavigationControl({ showCompass: false }), 'bottom-right');
    map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');

    // If the configured remote style cannot be reached, fall back to the offline city style
    // rather than leaving an empty page.
    let styleLoaded = false;
    map.on('error', (event: { error?: unknown }) => {
      if (styleLoaded || !REMOTE_STYLE_URL) return;
      console.warn('basemap style failed, using the offline city style', event.error);
      styleLoaded = true;
      map.setStyle(offlineStyle());
    });

    // Ready = every required source reported, then a frame drawn with all of it: `idle` means
    // MapLibre drew with every source loaded and nothing is moving, and the animation frame
    // after it comes once that frame has reached the screen.
    let armed = false;
    const tryReady = () => {
      if (armed || !styleLoaded || !allRequiredLoaded()) return;
      armed = true;
      map.once('idle', () => {
        setDrawing(false);
        requestAnimationFrame(() => markReady());
      });
      map.triggerRepaint();
    };
    const stopListening = onLoadProgress(tryReady);
    // What never completes (a layer that failed, a network slower than this) is shown as it is.
    const reveal = () => setDrawing(false);
    const revealAnyway = window.setTimeout(reveal, SHOW_UNFINISHED_AFTER_MS);
    window.addEventListener('mueang:error', reveal);

    // The page's layers are added as soon as the style is, not after the map's first frame
    // (`load`): the first frames then draw the page's data as it comes, instead of an empty
    // city first. Each frame counts where the GPU is slow.
    map.once('style.load', () => {
      if (REMOTE_STYLE_URL && !map.getLayer('city-boundary-line')) addBoundaryToRemoteStyle(map);
      setMap(map);
      announceMap(map);
    });
    map.once('load', () => {
      styleLoaded = true;
      tryReady();
    });

    const reportZoom = () => onZoomRef.current?.(map.getZoom());
    map.on('zoomend', reportZoom);
    reportZoom();

    return () => {
      stopListening();
      window.clearTimeout(revealAnyway);
      window.removeEventListener('mueang:error', reveal);
      setMap(null);
      map.remove();
    };
  }, []);

  return (
    <div ref={containerRef} className={drawing ? 'map map--drawing' : 'map'} data-testid="map">
      {map && <MapContext.Provider value={map}>{children}</MapContext.Provider>}
    </div>
  );
}
