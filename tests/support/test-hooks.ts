import { fileURLToPath } from 'node:url';

/**
 * The browser tests' window into the app: `test-hooks.js`, injected with
 * `page.addInitScript(TEST_HOOKS)` before any page script runs, collects the app's DOM events
 * (web/map/readiness.ts) into `window.__mueang`. The app itself keeps no test hooks, so none is
 * in the production bundle. The script is plain JavaScript because it is sent as it is
 * (a function compiled by tsx would carry helpers from outside itself).
 */
type CountedLayer = 'zones' | 'communities' | 'projects' | 'sites' | 'trucks' | 'sensors' | 'parcels';

export interface MueangStatus {
  /** The current page's first complete picture has been drawn. */
  ready: boolean;
  /** When it was (`performance.now()`), to tell what was fetched before it from what came after. */
  readyAt?: number;
  /** Features loaded per thematic layer of the current page, whether or not switched on. */
  layers: Record<CountedLayer, number>;
  /** Requests that failed, so a test that times out on `ready` can say why. */
  errors: string[];
  /** Red-alert cues the flood desk has given since the page loaded. */
  floodCues: number;
  /** Resolves once `condition` holds, checked on every event of the app (no polling). */
  until: (condition: (status: MueangStatus) => boolean) => Promise<void>;
  /** Centres the map on a place at a zoom, without animation. */
  view?: (lon: number, lat: number, zoom: number) => void;
  /** Where a place is on the page, in CSS pixels (for `page.mouse.click`). */
  project?: (lon: number, lat: number) => [number, number];
  /** Opens the details of a loaded feature of a GeoJSON layer, as a click would; false if none such is loaded. */
  select?: (kind: string, id: number | string) => boolean;
}

declare global {
  interface Window {
    __mueang?: MueangStatus;
  }
}

/** For `page.addInitScript`. */
export const TEST_HOOKS = { path: fileURLToPath(new URL('./test-hooks.js', import.meta.url)) };
