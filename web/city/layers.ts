/** The layers a person can switch on the city map, bottom to top. */
export const THEMATIC_LAYERS = ['zones', 'communities', 'parcels', 'projects', 'sites', 'sensors', 'trucks'] as const;
export type ThematicLayer = (typeof THEMATIC_LAYERS)[number];

export type Visibility = Record<ThematicLayer, boolean>;

export const ALL_VISIBLE: Visibility = {
  zones: true,
  communities: true,
  parcels: true,
  projects: true,
  sites: true,
  sensors: true,
  trucks: true,
};
