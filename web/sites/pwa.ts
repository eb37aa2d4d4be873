import { getSession, subscribeSession } from '../api/client.ts';
import { SITES_API_CACHE } from './cacheNames.ts';

/** Written by the build (scripts/lib/pwa.ts). */
const MANIFEST = '/sites.webmanifest';
const SERVICE_WORKER = '/sw.js';
/** Only the workspace's pages: the city map, plan and flood pages stay outside the worker. */
const SCOPE = '/sites';

/**
 * Makes the site workspace installable and able to open offline: its manifest is named only on
 * its own pages, and its service worker is registered from here alone. In development (Vite's
 * server) there is neither: the build makes them.
 */
export function installWorkspace(): void {
  if (!import.meta.env.PROD) return;
  if (!document.querySelector('link[rel=manifest]')) {
    const link = document.createElement('link');
    link.rel = 'manifest';
    link.href = MANIFEST;
    document.head.append(link);
  }
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register(SERVICE_WORKER, { scope: SCOPE }).catch((error: unknown) => console.error('service worker:', error));
  }
  // The outbox holds writes not yet on the server: the browser must not evict it to free space
  // (it may still refuse; an installed app is usually granted).
  navigator.storage?.persist?.().catch(() => undefined);
  forgetSitesOfOtherPeople();
}

/** Whose site list the cache holds, across page loads. */
const CACHE_OWNER = 'mueang.sites-cache-user';

let watching = false;
/**
 * The cached site list is the signed-in engineer's: once the server says someone else is signed
 * in (or nobody), it is emptied, so that nobody opens another person's sites offline.
 */
function forgetSitesOfOtherPeople(): void {
  if (watching || !('caches' in window)) return;
  watching = true;
  const check = () => {
    const me = getSession().me;
    // Not known yet (or offline): what is cached is still the last person's, who is likely this one.
    if (me === null) return;
    const user = String(me.user?.id ?? '');
    try {
      if (window.localStorage.getItem(CACHE_OWNER) === user) return;
      window.localStorage.setItem(CACHE_OWNER, user);
    } catch {
      // No storage to say whose the cache is: it cannot be trusted to be this person's.
    }
    caches.delete(SITES_API_CACHE).catch(() => undefined);
  };
  check();
  subscribeSession(check);
}
