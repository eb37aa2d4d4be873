/**
 * A parcel's land use, as the parcels table's check allows it. A module of its own, with no
 * imports, so the web app can import the list without pulling in the server's queries.
 */
export const LAND_USES = ['residential', 'commercial', 'mixed', 'public', 'agricultural', 'vacant'] as const;
export type LandUse = (typeof LAND_USES)[number];
