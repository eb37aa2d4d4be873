/**
 * When a page's first complete picture is drawn, and how many features each layer holds.
 *
 * The app only announces these as DOM events on `window` (and `data-ready` on <html>); it keeps
 * no test hooks of its own. The browser tests and the screenshot script inject
 * `tests/support/test-hooks.js` with `page.addInitScript`, which collects the events into
 * `window.__mueang`, so nothing test-only is in the production bundle (`npm run bundle-size`
 * checks that no chunk mentions `__mueang`).
 *
 * Events: `mueang:page` (a page started; its readiness resets), `mueang:ready`,
 * `mueang:layers` (detail: the counts), `mueang:error` (detail: a line), `mueang:map`
 * (detail: `{ map }`, once a page's map exists), `mueang:flood-cue` (a red-alert cue fired).
 * `mueang:select` (detail: `{ kind, id, found }`) is the one listened to: it opens a loaded
 * feature's details as a click would (see web/map/selection.ts).
 */
import { useSyncExternalStore } from 'react';

export type CountedLayer = 'zones' | 'communities' | 'projects' | 'sites' | 'trucks' | 'sensors' | 'parcels';

/** What a page's first picture can wait for; parcels stream in by tile and are never waited for. */
export type Source = 'boundary' | 'basemap' | 'zones' | 'communities' | 'projects' | 'sites' | 'trucks' | 'sensors' | 'evaluation';

const NO_COUNTS: Record<CountedLayer, number> = { zones: 0, communities: 0, projects: 0, sites: 0, trucks: 0, sensors: 0, parcels: 0 };

let required: readonly Source[] = [];
const loaded = new Set<Source>();
let ready = false;
const listeners = new Set<() => void>();
const countListeners = new Set<() => void>();
const frameListeners = new Set<() => void>();
/** Replaced (never mutated) on change, as `useSyncExternalStore` requires. */
let counts: Readonly<Record<CountedLayer, number>> = NO_COUNTS;

function announce(name: string, detail?: unknown): void {
  window.dispatchEvent(new CustomEvent(name, { detail }));
}

/** A page's map starts: what its first picture needs. Everything of the previous page is forgotten. */
export function beginPage(sources: readonly Source[]): void {
  required = sources;
  loaded.clear();
  ready = false;
  counts = NO_COUNTS;
  delete document.documentElement.dataset.ready;
  announce('mueang:page');
  for (const listener of frameListeners) listener();
  for (const listener of countListeners) listener();
}

export function subscribeCounts(listener: () => void): () => void {
  countListeners.add(listener);
  return () => countListeners.delete(listener);
}

export function getCounts(): Readonly<Record<CountedLayer, number>> {
  return counts;
}

export function reportCount(layer: CountedLayer, count: number): void {
  if (counts[layer] === count) return;
  counts = { ...counts, [layer]: count };
  announce('mueang:layers', counts);
  for (const listener of countListeners) listener();
}

export function reportLoaded(source: Source, count?: number): void {
  if (count !== undefined && source in NO_COUNTS) reportCount(source as CountedLayer, count);
  if (loaded.has(source)) return;
  loaded.add(source);
  for (const listener of listeners) listener();
}

export function reportError(source: string, error: Error): void {
  announce('mueang:error', `${source}: ${error.message}`);
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
  if (ready) return;
  ready = true;
  document.documentElement.dataset.ready = 'true';
  announce('mueang:ready');
  for (const listener of frameListeners) listener();
}

function subscribeFrame(listener: () => void): () => void {
  frameListeners.add(listener);
  return () => frameListeners.delete(listener);
}

/**
 * Whether the current page's first complete frame is drawn. What that frame does not show
 * (parcel tiles, a choropleth for another zoom) is fetched only after it, so that it does not
 * compete with what the frame waits for, on a slow network or a busy CPU.
 */
export function useFirstFrameDrawn(): boolean {
  return useSyncExternalStore(subscribeFrame, () => ready);
}

/** A page's map exists (the test hooks use it to move the view and find places on screen). */
export function announceMap(map: unknown): void {
  announce('mueang:map', { map });
}

/** The flood desk gave a red-alert cue (banner, pulse, beep). */
export function announceFloodCue(): void {
  announce('mueang:flood-cue');
}
