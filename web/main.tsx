import './map/shell.css';
import { lazy, StrictMode, Suspense, type ComponentType } from 'react';
import { createRoot } from 'react-dom/client';
import { api } from './api/client.ts';
import { AuthProvider } from './auth/AuthProvider.tsx';
import { initialLang, LanguageProvider } from './i18n/LanguageProvider.tsx';
import { type Lang, loadMessages } from './i18n/strings.ts';
import { PATHS, redirectOldLinks, usePath } from './router.tsx';

/**
 * Each page is a chunk of its own, loaded when its path is opened: the public flood page
 * brings neither deck.gl nor any staff code, the plan page none of the city's layers.
 */
const loaders = {
  [PATHS.city]: () => import('./city/CityPage.tsx').then((m) => ({ default: m.CityPage })),
  [PATHS.plan]: () => import('./plan/PlanPage.tsx').then((m) => ({ default: m.PlanPage })),
  [PATHS.flood]: () => import('./flood/FloodDeskPage.tsx').then((m) => ({ default: m.FloodDeskPage })),
  [PATHS.floodPublic]: () => import('./flood/PublicFloodPage.tsx').then((m) => ({ default: m.PublicFloodPage })),
  [PATHS.sites]: () => import('./sites/SitesPage.tsx').then((m) => ({ default: m.SitesPage })),
  [PATHS.waste]: () => import('./waste/WastePage.tsx').then((m) => ({ default: m.WastePage })),
  [PATHS.wasteReplay]: () => import('./waste/ReplayPage.tsx').then((m) => ({ default: m.ReplayPage })),
  [PATHS.tax]: () => import('./tax/TaxPage.tsx').then((m) => ({ default: m.TaxPage })),
  [PATHS.taxNotices]: () => import('./tax/NoticesPage.tsx').then((m) => ({ default: m.NoticesPage })),
} satisfies Record<string, () => Promise<{ default: ComponentType }>>;

const CityPage = lazy(loaders[PATHS.city]);
const PublicFloodPage = lazy(loaders[PATHS.floodPublic]);
const STAFF_PAGES: Record<string, ComponentType> = {
  [PATHS.city]: CityPage,
  [PATHS.plan]: lazy(loaders[PATHS.plan]),
  [PATHS.flood]: lazy(loaders[PATHS.flood]),
  [PATHS.sites]: lazy(loaders[PATHS.sites]),
  [PATHS.waste]: lazy(loaders[PATHS.waste]),
  [PATHS.wasteReplay]: lazy(loaders[PATHS.wasteReplay]),
  [PATHS.tax]: lazy(loaders[PATHS.tax]),
  [PATHS.taxNotices]: lazy(loaders[PATHS.taxNotices]),
};

function Pages() {
  const path = usePath();
  // The public page is not a page of the staff app: no sign-in, no session, nothing of the desk.
  if (path === PATHS.floodPublic) {
    return (
      <Suspense fallback={null}>
        <PublicFloodPage />
      </Suspense>
    );
  }
  // The server answers every unknown path with this app; an unknown one shows the city map.
  const Page = STAFF_PAGES[pagePath(path)] ?? CityPage;
  return (
    <AuthProvider>
      <Suspense fallback={null}>
        <Page />
      </Suspense>
    </AuthProvider>
  );
}

redirectOldLinks();

/**
 * The page a path belongs to: a site's own page (`/sites/12`) is the site workspace's, a truck's
 * replay (`/waste/trucks/T-01`) the replay's, a parcel's notice (`/tax/notices/812`) the notices'.
 */
function pagePath(path: string): string {
  if (path.startsWith(`${PATHS.sites}/`)) return PATHS.sites;
  if (path.startsWith(`${PATHS.wasteReplay}/`)) return PATHS.wasteReplay;
  if (path.startsWith(`${PATHS.taxNotices}/`)) return PATHS.taxNotices;
  return path;
}

/**
 * The reference data a page's first frame draws (and on the city map, its live layers), asked for now, while the page's chunk and the
 * map library are still downloading: the map would otherwise ask only once it has loaded, a round
 * trip or two later (over half a second each on a slow mobile network). The answers wait in the
 * client's shared reference cache for the components that draw them; a failure is theirs to
 * report when they ask again.
 */
function requestReferenceData(path: string): void {
  const early: (() => Promise<unknown>)[] = [api.boundary, api.basemap, api.zones];
  if (path === PATHS.city) {
    early.push(() => api.communities(), api.plan);
    api.requestCityLayers();
  }
  if (path === PATHS.plan) early.push(api.plan);
  for (const load of early) load().catch(() => undefined);
}
/**
 * The opened page's code is asked for first, before its data: a browser opens at most six
 * connections to a server, and the page's chunks queued behind eight data requests (measured on
 * the city map: asked for at 0.75 s, arrived at 2.1 s, after the data), while the data waits in
 * the cache for the page anyway. React's lazy() later gets the same module, already loading.
 */
const openedPath = window.location.pathname.replace(/(.)\/+$/, '$1');
(loaders[pagePath(openedPath) as keyof typeof loaders] ?? loaders[PATHS.city])().catch(() => undefined);
requestReferenceData(openedPath);

const root = document.getElementById('root');
if (!root) throw new Error('index.html must contain <div id="root">');

const opening = (lang: Lang) => loadMessages(lang).then((messages) => ({ lang, messages }));
// A page opened in English waits for the English messages (a chunk of its own) rather than
// showing Thai first; should they not come (offline, never cached), Thai, which is here.
void opening(initialLang())
  .catch(() => opening('th'))
  .then((language) => {
    createRoot(root).render(
      <StrictMode>
        <LanguageProvider opening={language}>
          <Pages />
        </LanguageProvider>
      </StrictMode>,
    );
  });
