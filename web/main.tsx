import './map/maplibreWorker.ts';
import 'maplibre-gl/dist/maplibre-gl.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { AuthProvider } from './auth/AuthProvider.tsx';
import { FloodPublicPage, isPublicFloodPage } from './flood/FloodPublic.tsx';
import { LanguageProvider } from './i18n/LanguageProvider.tsx';
import { requireOnly } from './map/status.ts';

const root = document.getElementById('root');
if (!root) throw new Error('index.html must contain <div id="root">');

/** The public flood page is a page of its own, not a view of the staff app: nothing of the desk is in it. */
const publicFlood = isPublicFloodPage();
// Its map is complete with the city frame, the zones and the live sensors.
if (publicFlood) requireOnly(['boundary', 'basemap', 'zones', 'sensors']);

createRoot(root).render(
  <StrictMode>
    <LanguageProvider>
      <AuthProvider>
        {publicFlood ? <FloodPublicPage /> : <App />}
      </AuthProvider>
    </LanguageProvider>
  </StrictMode>,
);
