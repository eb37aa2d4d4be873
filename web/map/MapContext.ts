import { createContext, useContext, useEffect } from 'react';
import type { LayersList } from '@deck.gl/core';
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { DeckSlot } from './layerIds.ts';

export interface MapContextValue {
  map: MapLibreMap;
  /** Put (or with null, take away) the deck.gl layer(s) that one feature component owns. */
  setDeckLayers: (slot: DeckSlot, layers: LayersList | null) => void;
}

export const MapContext = createContext<MapContextValue | null>(null);

export function useMap(): MapContextValue {
  const value = useContext(MapContext);
  if (!value) throw new Error('map components must be rendered inside <MapView>');
  return value;
}

/** Keeps one slot of the overlay in sync with a component's current layer, and clears it on unmount. */
export function useDeckLayers(slot: DeckSlot, layers: LayersList | null): void {
  const { setDeckLayers } = useMap();
  useEffect(() => {
    setDeckLayers(slot, layers);
  }, [setDeckLayers, slot, layers]);
  useEffect(() => () => setDeckLayers(slot, null), [setDeckLayers, slot]);
}
