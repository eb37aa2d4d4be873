import './map/shell.css';
import { lazy, StrictMode, Suspense, type ComponentType } from 'react';
import { createRoot } from 'react-dom/client';
import { api } from './api/client.ts';
import { AuthProvider } from './auth/AuthProvider.tsx';
import { LanguageProvider } from './i18n/LanguageProvider.tsx';
import { PATHS, redirectOldLinks, usePath } from './router.tsx';

/**
 * Each page is a chunk of its own, loaded when its path is opened: the public flood page
 * brings neither deck.gl nor any staff code, the plan page none of the city's layers.
 */
const page = (load: () => Promise<{ default: ComponentType }>) => lazy(load);
const CityPage = page(() => import('./city/CityPage.tsx').then((m) => ({ default: m.CityPage })));
const PlanPage = page(() => import('./plan/PlanPage.tsx').then((m) => ({ default: m.PlanPage })));
const FloodDeskPage = page(() => import('./flood/FloodDeskPage.tsx').then((m) => ({ default: m.FloodDeskPage })));
const PublicFloodPage = page(() => import('./flood/PublicFloodPage.tsx').then((m) => ({ default: m.PublicFloodPage })));

const STAFF_PAGES: Record<string, ComponentType> = {
  [PATHS.city]: CityPage,
  [PATHS.plan]: PlanPage,
  [PATHS.flood]: FloodDeskPage,
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
  const Page = STAFF_PAGES[path] ?? CityPage;
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
requestReferenceData(window.location.pathname.replace(/(.)\/+$/, '$1'));

const root = document.getElementById('root');
if (!root) throw new Error('index.html must contain <div id="root">');

createRoot(root).render(
  <StrictMode>
    <LanguageProvider>
      <Pages />
    </LanguageProvider>
  </StrictMode>,
);
