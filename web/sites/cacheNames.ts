/**
 * The service worker's runtime caches (web/sites/sw.ts). The site list is the signed-in
 * engineer's, so the page empties its cache when another person signs in or out
 * (web/sites/pwa.ts); the reference data is public.
 */
export const SITES_API_CACHE = 'mueang-sites-api';
export const REFERENCE_CACHE = 'mueang-reference';
