/**
 * deck.gl draws layers in array order, so this list *is* the visual stacking:
 * zones under communities under parcels under projects under sensors and trucks.
 * Zone edges get their own slot above the parcels (and the roads) so the four zones stay
 * readable at parcel zoom. The selection outline goes last so it is never hidden.
 */
export const DECK_SLOTS = [
  'zones', 'communities', 'parcels', 'zone-outlines', 'projects', 'sensors', 'trucks',
  // The executive view's choropleth (web/executive/): drawn only while the city layers are hidden.
  'choropleth', 'choropleth-outlines',
  // The flood desk (web/flood/): an alert's affected area under the live sensors.
  'flood-area', 'flood-sensors', 'selection',
] as const;
export type DeckSlot = (typeof DECK_SLOTS)[number];

/** The layers a user can switch; the selection outline follows whatever is selected. */
export type ThematicLayer = Exclude<DeckSlot, 'selection' | 'zone-outlines' | 'choropleth' | 'choropleth-outlines' | 'flood-area' | 'flood-sensors'>;
export const THEMATIC_LAYERS: readonly ThematicLayer[] = [
  'zones', 'communities', 'parcels', 'projects', 'sensors', 'trucks',
];

export type Visibility = Record<ThematicLayer, boolean>;

export const ALL_VISIBLE: Visibility = {
  zones: true,
  communities: true,
  parcels: true,
  projects: true,
  sensors: true,
  trucks: true,
};
