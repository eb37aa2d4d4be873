/**
 * The site workspace's service worker: `/sw.js`, built by scripts/lib/pwa.ts and registered by
 * web/sites/pwa.ts with the scope `/sites`, so it controls the workspace's pages and no other
 * (the city map, plan and flood pages never see it).
 *
 * - The app shell and the workspace's chunks are precached: `/sites` and `/sites/{id}` open
 *   without a network.
 * - `GET /api/sites` and `GET /api/sites/…`: network first, the last answer when the network is
 *   down or slower than a few seconds, so an engineer's sites open at the site with no signal.
 * - The city's outline, basemap and zones (public reference data): the cached copy at once,
 *   refreshed behind it.
 * Nothing else is cached: no other API answer, nothing personal (parcels, owners), no write.
 */
import { CacheableResponsePlugin } from 'workbox-cacheable-response';
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { NetworkFirst, StaleWhileRevalidate } from 'workbox-strategies';
import { REFERENCE_CACHE, SITES_API_CACHE } from './cacheNames.ts';

/** Written in at build time (scripts/lib/pwa.ts). */
declare const __PRECACHE__: { url: string; revision: string | null }[];

const SITES_API = /^\/api\/sites(\/.*)?$/;
const REFERENCE_API = /^\/api\/(boundary|basemap|zones)$/;
/** A 3G answer slower than this is not worth waiting for when the last one is at hand. */
const NETWORK_TIMEOUT_S = 5;

precacheAndRoute(__PRECACHE__);
cleanupOutdatedCaches();
// A new version takes over at once: the workspace loads all its chunks when it starts, so an
// open page never asks for a file of the version that left.
(self as unknown as { skipWaiting: () => Promise<void> }).skipWaiting();
clientsClaim();

registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { allowlist: [/^\/sites(\/|$)/] }));

// Only complete answers: a 401 or a 500 must not stand in for the list next time.
const complete = () => [new CacheableResponsePlugin({ statuses: [200] })];
const sameOrigin = (url: URL) => url.origin === location.origin;

registerRoute(
  ({ url, request }) => request.method === 'GET' && sameOrigin(url) && SITES_API.test(url.pathname),
  new NetworkFirst({ cacheName: SITES_API_CACHE, networkTimeoutSeconds: NETWORK_TIMEOUT_S, plugins: complete() }),
);
registerRoute(
  ({ url, request }) => request.method === 'GET' && sameOrigin(url) && REFERENCE_API.test(url.pathname),
  new StaleWhileRevalidate({ cacheName: REFERENCE_CACHE, plugins: complete() }),
);
