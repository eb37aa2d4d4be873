import type { FeatureKind } from './selection.ts';

/**
 * What the browser tests read: `window.__mueang = { ready, layers }`.
 * `layers` counts features loaded per thematic layer, whether or not the layer is switched on.
 */
export type CountedLayer = 'zones' | 'communities' | 'projects' | 'trucks' | 'sensors' | 'parcels';

export interface MueangStatus {
  ready: boolean;
  layers: Record<CountedLayer, number>;
  /** Requests that failed, so a test that times out on `ready` can say why. */
  errors: string[];
  /*
   * Test hooks, set once the map exists. They do what a person can do with the mouse, but
   * precisely: tests/browser/access.test.ts uses them to click one known parcel.
   */
  /** Centres the map on a place at a zoom, without animation. */
  view?: (lon: number, lat: number, zoom: number) => void;
  /** Where a place is on the page, in CSS pixels (for `page.mouse.click`). */
  project?: (lon: number, lat: number) => [number, number];
  /**
   * Opens the details of a loaded feature of a GeoJSON layer (not parcels: they are tiles), as
   * a click on it would. False if this viewer has no such feature loaded.
   */
  select?: (kind: FeatureKind, id: number | string) => boolean;
  /** How many red-alert cues the flood desk has given since the page loaded (web/flood/cues.ts). */
  floodCues?: number;
}

declare global {
  interface Window {
    __mueang?: MueangStatus;
  }
}

/** Everything the first complete picture needs; parcels stream in by tile and are not waited for. */
const REQUIRED = ['boundary', 'basemap', 'zones', 'communities', 'projects', 'trucks', 'sensors'] as const;
type Required = (typeof REQUIRED)[number];
let required: readonly Required[] = REQUIRED;

/**
 * A page that draws less than the city map (the public flood page) says what its first
 * picture needs, before its map is made.
 */
export function requireOnly(sources: readonly Required[]): void {
  required = sources;
}

const status: MueangStatus = {
  ready: false,
  layers: { zones: 0, communities: 0, projects: 0, trucks: 0, sensors: 0, parcels: 0 },
  errors: [],
};
window.__mueang = status;

const loaded = new Set<Required>();
const listeners = new Set<() => void>();
const countListeners = new Set<() => void>();
/** Replaced (never mutated) on change, as `useSyncExternalStore` requires. */
let countSnapshot: Readonly<Record<CountedLayer, number>> = { ...status.layers };

function publishCounts(): void {
  countSnapshot = { ...status.layers };
  for (const listener of countListeners) listener();
}

export function subscribeCounts(listener: () => void): () => void {
  countListeners.add(listener);
  return () => countListeners.delete(listener);
}

export function getCounts(): Readonly<Record<CountedLayer, number>> {
  return countSnapshot;
}

function notify(): void {
  for (const listener of listeners) listener();
}

export function reportLoaded(source: Required, count?: number): void {
  if (count !== undefined && source in status.layers) {
    status.layers[source as CountedLayer] = count;
    publishCounts();
  }
  const first = !loaded.has(source);
  loaded.add(source);
  if (first) notify();
}

export function reportCount(layer: CountedLayer, count: number): void {
  if (status.layers[layer] === count) return;
  status.layers[layer] = count;
  publishCounts();
}

export function reportError(source: string, error: Error): void {
  const line = `${source}: ${error.message}`;
  if (!status.errors.includes(line)) status.errors.push(line);
}

export function allRequiredLoaded(): boolean {
  return required.every((source) => loaded.has(source));
}

/** Called when something is added to `loaded`; the map uses it to start waiting for a frame. */
export function onLoadProgress(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function markReady(): void {
  if (status.ready) return;
  status.ready = true;
  window.dispatchEvent(new Event('mueang:ready'));
}

type TestHooks = { [K in 'view' | 'project' | 'select']-?: NonNullable<MueangStatus[K]> };

/** The map installs the test hooks once it exists. */
export function installTestHooks(hooks: TestHooks): void {
  Object.assign(status, hooks);
}

export function getStatus(): Readonly<MueangStatus> {
  return status;
}
