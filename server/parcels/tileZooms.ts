/**
 * The zooms of the parcel tiles, shared with the web app: a module of its own, with no imports,
 * so the web app can import them without pulling in the server's queries.
 */

/** Below this zoom the city is a few pixels wide: tiles are empty. */
export const BLOCKS_MIN_ZOOM = 12;
/** The deepest tiles: the client stretches them further instead of asking for more. */
export const DETAIL_ZOOM = 16;
