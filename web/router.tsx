import { useSyncExternalStore, type ComponentProps, type MouseEvent } from 'react';

/**
 * A router of our own on the History API: a handful of pages need no library. Links are real
 * `<a href>` (open in a new tab, copy the address); a plain left click moves without a reload.
 */
export const PATHS = {
  city: '/',
  plan: '/plan',
  flood: '/flood',
  floodPublic: '/flood/public',
  sites: '/sites',
  waste: '/waste',
  /** A truck's day replayed: `/waste/trucks/{code}?date=YYYY-MM-DD`. */
  wasteReplay: '/waste/trucks',
  tax: '/tax',
  /** Printable assessment notices: `/tax/notices/{parcelId}`, or a block's or zone's `/tax/notices?zone=03&block=ก`. */
  taxNotices: '/tax/notices',
} as const;
type PagePath = (typeof PATHS)[keyof typeof PATHS];

const NAVIGATE = 'mueang:navigate';

function subscribe(listener: () => void): () => void {
  window.addEventListener('popstate', listener);
  window.addEventListener(NAVIGATE, listener);
  return () => {
    window.removeEventListener('popstate', listener);
    window.removeEventListener(NAVIGATE, listener);
  };
}

/** The path without a trailing slash ("/" stays "/"). */
const currentPath = () => window.location.pathname.replace(/(.)\/+$/, '$1');

export function usePath(): string {
  return useSyncExternalStore(subscribe, currentPath);
}

export function navigate(to: string): void {
  window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(NAVIGATE));
}

export function Link({ href, onClick, ...rest }: ComponentProps<'a'> & { href: string }) {
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    // Modified clicks, other buttons and other targets keep the browser's own meaning.
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (rest.target && rest.target !== '_self') return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={follow} {...rest} />;
}

/** Where the links of the one-page app (`?view=…`) live now. */
const OLD_VIEWS: Record<string, PagePath> = {
  city: PATHS.city,
  executive: PATHS.plan,
  flood: PATHS.flood,
  'flood-public': PATHS.floodPublic,
};

/**
 * Old links (`/?view=executive`, `/?view=flood&alert=12` in notifications already sent,
 * `?view=flood-public`) are rewritten in place to the page's own path, keeping their other
 * parameters. Returns the new address, or null if there was nothing to rewrite.
 */
export function redirectOldLinks(): string | null {
  const url = new URL(window.location.href);
  const view = url.searchParams.get('view');
  const target = view === null ? undefined : OLD_VIEWS[view];
  if (!target) return null;
  url.searchParams.delete('view');
  url.pathname = target;
  window.history.replaceState(null, '', url);
  return url.toString();
}
