import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Map as MapLibreMap, NavigationControl, ScaleControl } from 'maplibre-gl';
import { MapLibreOverlay } from '@deck.gl/maplibre';
import type { LayersList } from '@deck.gl/core';
import { addBoundaryToRemoteStyle, offlineStyle, REMOTE_STYLE_URL } from './baseStyle.ts';
import { DECK_SLOTS, type DeckSlot } from './layerIds.ts';
import { MapContext, type MapContextValue } from './MapContext.ts';
import { findSelectable, selectionFromPick, type Selection } from './selection.ts';
import { allRequiredLoaded, installTestHooks, markReady, onLoadProgress } from './status.ts';

/** Khon Kaen city hall area; the boundary fit replaces it as soon as the boundary arrives. */
export const CITY_CENTRE: [number, number] = [102.833, 16.43];
export const CITY_ZOOM = 12.9;

/**
 * Interleaved: deck.gl draws into MapLibre's own WebGL2 context, so there is one canvas, one
 * depth buffer and one frame (no second context for SwiftShader to emulate, and screenshots see
 * exactly one picture).
 */
const INTERLEAVED = true;

const PICK_RADIUS_PX = 4;

interface MapViewProps {
  children?: ReactNode;
  onSelect: (selection: Selection | null) => void;
  onZoomChange?: (zoom: number) => void;
}

export function MapView({ children, onSelect, onZoomChange }: MapViewProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const [context, setContext] = useState<Omit<MapContextValue, 'setDeckLayers'> | null>(null);

  // Callbacks change identity with every App render; the map is created once and reads the latest.
  const onSelectRef = useRef(onSelect);
  const onZoomRef = useRef(onZoomChange);
  onSelectRef.current = onSelect;
  onZoomRef.current = onZoomChange;

  const overlayRef = useRef<MapLibreOverlay | null>(null);
  const slotsRef = useRef(new Map<DeckSlot, LayersList>());
  const flushQueued = useRef(false);
  const readyArmed = useRef(false);
  const renderedSinceArmed = useRef(false);
  const mapRef = useRef<MapLibreMap | null>(null);

  const tryReady = useCallback(() => {
    const map = mapRef.current;
    if (!map || readyArmed.current || !overlayRef.current || !allRequiredLoaded()) return;
    readyArmed.current = true;
    // `idle` = MapLibre drew a frame with every source loaded; deck.gl draws inside that frame.
    map.once('idle', () => {
      const finish = () => requestAnimationFrame(() => markReady());
      if (renderedSinceArmed.current) finish();
      else map.once('render', finish);
    });
    map.triggerRepaint();
  }, []);

  const flush = useCallback(() => {
    flushQueued.current = false;
    const overlay = overlayRef.current;
    if (!overlay) return;
    const layers = DECK_SLOTS.flatMap((slot) => slotsRef.current.get(slot) ?? []);
    overlay.setProps({ layers });
    tryReady();
  }, [tryReady]);

  const setDeckLayers = useCallback(
    (slot: DeckSlot, layers: LayersList | null) => {
      if (layers) slotsRef.current.set(slot, layers);
      else slotsRef.current.delete(slot);
      // Several layers usually change in one React commit; hand deck.gl one new list, not six.
      if (!flushQueued.current) {
        flushQueued.current = true;
        queueMicrotask(flush);
      }
    },
    [flush],
  );

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;

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
    });
    mapRef.current = map;
    map.touchZoomRotate.disableRotation();
    map.addControl(new NavigationControl({ showCompass: false }), 'bottom-right');
    map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');

    // If the configured remote style cannot be reached, fall back to the offline city style
    // rather than leaving an empty page.
    let styleLoaded = false;
    const onEarlyError = (event: { error?: unknown }) => {
      if (styleLoaded || !REMOTE_STYLE_URL) return;
      console.warn('basemap style failed, using the offline city style', event.error);
      styleLoaded = true;
      map.setStyle(offlineStyle());
    };
    map.on('error', onEarlyError);

    map.once('load', () => {
      styleLoaded = true;
      if (REMOTE_STYLE_URL && !map.getLayer('city-boundary-line')) addBoundaryToRemoteStyle(map);

      const overlay = new MapLibreOverlay({
        interleaved: INTERLEAVED,
        layers: [],
        // Everything here is flat on the ground, stacked by draw order. With the depth test on,
        // a group drawn after MapLibre's roads loses to depth an earlier group already wrote and
        // vanishes wherever zones or parcels lie beneath it.
        parameters: { depthCompare: 'always', depthWriteEnabled: false },
        getCursor: ({ isHovering, isDragging }) =>
          isDragging ? 'grabbing' : isHovering ? 'pointer' : 'grab',
        onAfterRender: () => {
          if (readyArmed.current) renderedSinceArmed.current = true;
        },
      });
      map.addControl(overlay);
      overlayRef.current = overlay;

      // Clicks come from MapLibre, picking from deck.gl: in interleaved mode deck's own click
      // recogniser never fires on the shared canvas (hover does), and MapLibre already tells a
      // click from the end of a drag. A few pixels of slack make small points easy to hit.
      map.on('click', (event) => {
        const info = overlay.pickObject({ x: event.point.x, y: event.point.y, radius: PICK_RADIUS_PX });
        onSelectRef.current(info ? selectionFromPick(info) : null);
      });
      setContext({ map });
      flush();

      installTestHooks({
        view: (lon, lat, zoom) => map.jumpTo({ center: [lon, lat], zoom }),
        project: (lon, lat) => {
          const point = map.project([lon, lat]);
          const box = container.getBoundingClientRect();
          return [box.left + point.x, box.top + point.y];
        },
        select: (kind, id) => {
          const selection = findSelectable(kind, id);
          if (selection) onSelectRef.current(selection);
          return selection !== null;
        },
      });
    });

    const reportZoom = () => onZoomRef.current?.(map.getZoom());
    map.on('zoomend', reportZoom);
    reportZoom();

    const stopListening = onLoadProgress(tryReady);

    return () => {
      stopListening();
      overlayRef.current = null;
      mapRef.current = null;
      readyArmed.current = false;
      setContext(null);
      map.remove();
    };
  }, [flush, tryReady]);

  const value = useMemo<MapContextValue | null>(
    () => (context ? { ...context, setDeckLayers } : null),
    [context, setDeckLayers],
  );

  return (
    <div ref={containerRef} className="map" data-testid="map">
      {value && <MapContext.Provider value={value}>{children}</MapContext.Provider>}
    </div>
  );
}
