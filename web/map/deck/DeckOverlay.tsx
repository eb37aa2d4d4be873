import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { MapLibreOverlay } from '@deck.gl/maplibre';
import type { LayersList, PickingInfo } from '@deck.gl/core';
import type { Feature } from 'geojson';
import { useMap } from '../MapContext.ts';
import { answerSelectRequests } from '../Picking.tsx';
import type { Selection } from '../selection.ts';

/**
 * deck.gl draws what the offline map style cannot: text (the flood desk's sensor codes: the style
 * has no glyphs) and, with them, the desk's live sensors; and a truck's replayed day (TripsLayer). Everything else is MapLibre's own
 * (web/map/useMapLayers.ts), which costs far less to draw: deck.gl's shaders are ten times the
 * size of MapLibre's, and a software renderer takes a second or more to compile each.
 * In interleaved mode deck.gl draws above MapLibre's layers, in this order.
 */
const DECK_SLOTS = ['flood-sensors', 'waste-replay'] as const;
type DeckSlot = (typeof DECK_SLOTS)[number];

/** deck.gl reports the top-level layer of a pick; its id before any "@" says what it is. */
function selectionFromPick(info: PickingInfo): Selection | null {
  const object = info.object as Feature | undefined;
  if (!info.layer?.id.startsWith('sensors') || !object || !('properties' in object)) return null;
  return { kind: 'sensor', feature: object } as Selection;
}

/** Put (or with null, take away) the deck.gl layer(s) that one feature component owns. */
type SetDeckLayers = (slot: DeckSlot, layers: LayersList | null) => void;
const DeckContext = createContext<SetDeckLayers | null>(null);

/** Keeps one slot of the overlay in sync with a component's current layers, and clears it on unmount. */
export function useDeckLayers(slot: DeckSlot, layers: LayersList | null): void {
  const setDeckLayers = useContext(DeckContext);
  if (!setDeckLayers) throw new Error('deck.gl layers must be rendered inside <DeckOverlay>');
  useEffect(() => {
    setDeckLayers(slot, layers);
  }, [setDeckLayers, slot, layers]);
  useEffect(() => () => setDeckLayers(slot, null), [setDeckLayers, slot]);
}

/**
 * Interleaved: deck.gl draws into MapLibre's own WebGL2 context, so there is one canvas, one
 * depth buffer and one frame (no second context for SwiftShader to emulate, and screenshots see
 * exactly one picture).
 */
const INTERLEAVED = true;
const PICK_RADIUS_PX = 4;

interface DeckOverlayProps {
  children?: ReactNode;
  /** A click on the map: what it picked, or null. */
  onSelect: (selection: Selection | null) => void;
}

/** deck.gl over a page's MapLibre map (inside <MapView>), for pages that draw deck.gl layers. */
export function DeckOverlay({ children, onSelect }: DeckOverlayProps) {
  const map = useMap();
  const onSelectRef = useRef(onSelect);
  onSelectRef.current = onSelect;
  const [overlay, setOverlay] = useState<MapLibreOverlay | null>(null);
  const slots = useRef(new Map<DeckSlot, LayersList>());
  const flushQueued = useRef(false);

  useEffect(() => {
    const deck = new MapLibreOverlay({
      interleaved: INTERLEAVED,
      layers: [],
      // Everything here is flat on the ground, stacked by draw order. With the depth test on,
      // a group drawn after MapLibre's roads loses to depth an earlier group already wrote and
      // vanishes wherever zones or parcels lie beneath it.
      parameters: { depthCompare: 'always', depthWriteEnabled: false },
      getCursor: ({ isHovering, isDragging }) => (isDragging ? 'grabbing' : isHovering ? 'pointer' : 'grab'),
    });
    map.addControl(deck);

    // Clicks come from MapLibre, picking from deck.gl: in interleaved mode deck's own click
    // recogniser never fires on the shared canvas (hover does), and MapLibre already tells a
    // click from the end of a drag. A few pixels of slack make small points easy to hit.
    const onClick = (event: { point: { x: number; y: number } }) => {
      const info = deck.pickObject({ x: event.point.x, y: event.point.y, radius: PICK_RADIUS_PX });
      onSelectRef.current(info ? selectionFromPick(info) : null);
    };
    map.on('click', onClick);

    const stopAnswering = answerSelectRequests((selection) => onSelectRef.current(selection));

    setOverlay(deck);
    return () => {
      stopAnswering();
      map.off('click', onClick);
      map.removeControl(deck);
      setOverlay(null);
    };
  }, [map]);

  const flush = useCallback(() => {
    flushQueued.current = false;
    overlay?.setProps({ layers: DECK_SLOTS.flatMap((slot) => slots.current.get(slot) ?? []) });
  }, [overlay]);

  const setDeckLayers = useCallback<SetDeckLayers>(
    (slot, layers) => {
      if (layers) slots.current.set(slot, layers);
      else slots.current.delete(slot);
      // Several layers usually change in one React commit; hand deck.gl one new list, not six.
      if (!flushQueued.current) {
        flushQueued.current = true;
        queueMicrotask(flush);
      }
    },
    [flush],
  );

  // The layers come once the overlay is there to take them.
  return overlay ? <DeckContext.Provider value={setDeckLayers}>{children}</DeckContext.Provider> : null;
}
