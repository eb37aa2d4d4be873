import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type ProjectFeature, type ProjectQuery } from './api/client.ts';
import { useResource, useViewerGeneration } from './api/useResource.ts';
import { useAuth } from './auth/AuthProvider.tsx';
import { SessionNotice } from './auth/SessionNotice.tsx';
import { UserMenu } from './auth/UserMenu.tsx';
import { useLanguage } from './i18n/LanguageProvider.tsx';
import { CityBase } from './map/CityBase.tsx';
import { ALL_VISIBLE, type ThematicLayer, type Visibility } from './map/layerIds.ts';
import { CITY_ZOOM, MapView } from './map/MapView.tsx';
import { CommunitiesLayer } from './map/layers/CommunitiesLayer.tsx';
import { ParcelsLayer, parcelDetailForZoom } from './map/layers/ParcelsLayer.tsx';
import { ProjectsLayer } from './map/layers/ProjectsLayer.tsx';
import { SelectionLayer } from './map/layers/SelectionLayer.tsx';
import { SensorsLayer } from './map/layers/SensorsLayer.tsx';
import { TrucksLayer } from './map/layers/TrucksLayer.tsx';
import { ZonesLayer } from './map/layers/ZonesLayer.tsx';
import { reloadSelection, selectionKey, type Selection } from './map/selection.ts';
import { AuditPanel } from './panels/AuditPanel.tsx';
import { DetailsPanel } from './panels/DetailsPanel.tsx';
import { LayerSwitcher } from './panels/LayerSwitcher.tsx';

const LAYER_OF_KIND: Record<Selection['kind'], ThematicLayer> = {
  zone: 'zones',
  community: 'communities',
  parcel: 'parcels',
  project: 'projects',
  truck: 'trucks',
  sensor: 'sensors',
};

/**
 * When the signed-in person changes, what is selected is fetched again as the new person may
 * see it (or closed, if they may not): the details panel never shows one person's view to another.
 */
function useSelectionFollowsViewer(selection: Selection | null, setSelection: (s: Selection | null) => void) {
  const generation = useViewerGeneration();
  const latest = useRef(selection);
  latest.current = selection;
  const seen = useRef(generation);

  useEffect(() => {
    if (seen.current === generation) return;
    seen.current = generation;
    const current = latest.current;
    if (!current) return;
    const controller = new AbortController();
    if (current.kind === 'project' || current.kind === 'parcel') setSelection(null);
    reloadSelection(current, controller.signal).then(
      (next) => {
        if (!controller.signal.aborted) setSelection(next);
      },
      () => {
        if (!controller.signal.aborted) setSelection(null);
      },
    );
    return () => controller.abort();
  }, [generation, setSelection]);
}

export function App() {
  const { t, lang, setLang } = useLanguage();
  const { permissions } = useAuth();
  const [visibility, setVisibility] = useState<Visibility>(ALL_VISIBLE);
  const [selection, setSelection] = useState<Selection | null>(null);
  const [zoom, setZoom] = useState(CITY_ZOOM);
  const [projectFilter, setProjectFilter] = useState<ProjectQuery>({});
  /** Bumped after a project is saved, so the layer shows the change. */
  const [projectsVersion, setProjectsVersion] = useState(0);
  const [auditOpen, setAuditOpen] = useState(false);

  const boundary = useResource('boundary', () => api.boundary(), { perViewer: false });
  const cityExtent = boundary.data?.bbox ?? null;

  useSelectionFollowsViewer(selection, setSelection);

  // Whoever signs in next opens the audit trail themselves.
  useEffect(() => {
    if (!permissions.audit.read) setAuditOpen(false);
  }, [permissions.audit.read]);

  const toggleLayer = useCallback((layer: ThematicLayer, on: boolean) => {
    setVisibility((v) => ({ ...v, [layer]: on }));
    // A details panel about something no longer on the map would be confusing.
    if (!on) setSelection((s) => (s && LAYER_OF_KIND[s.kind] === layer ? null : s));
  }, []);

  const onProjectSaved = useCallback((project: ProjectFeature) => {
    setSelection({ kind: 'project', feature: project });
    setProjectsVersion((n) => n + 1);
  }, []);

  const selectedParcelId = selection?.kind === 'parcel' ? Number(selection.feature.id) : null;
  const showAudit = auditOpen && permissions.audit.read;

  return (
    <div className="app">
      <header className="app-header">
        <h1 data-testid="app-title">Mueang · เทศบาลนครขอนแก่น</h1>
        <span className="app-subtitle">{t('app.subtitle')}</span>
        <div className="header-actions">
          <UserMenu auditOpen={showAudit} onToggleAudit={() => setAuditOpen((open) => !open)} />
          <button
            type="button"
            className="lang-toggle"
            data-testid="lang-toggle"
            data-lang={lang}
            title={t('lang.toggleTitle')}
            onClick={() => setLang(lang === 'th' ? 'en' : 'th')}
          >
            {t('lang.toggle')}
          </button>
        </div>
      </header>
      <main className={showAudit ? 'app-main audit-open' : 'app-main'}>
        <MapView onSelect={setSelection} onZoomChange={setZoom}>
          <CityBase />
          <ZonesLayer visible={visibility.zones} />
          <CommunitiesLayer visible={visibility.communities} />
          <ParcelsLayer
            visible={visibility.parcels}
            detail={parcelDetailForZoom(zoom)}
            selectedId={selectedParcelId}
            extent={cityExtent}
          />
          <ProjectsLayer visible={visibility.projects} filter={projectFilter} version={projectsVersion} />
          <SensorsLayer visible={visibility.sensors} />
          <TrucksLayer visible={visibility.trucks} />
          <SelectionLayer selection={selection} />
        </MapView>
        <SessionNotice />
        <LayerSwitcher
          visibility={visibility}
          onToggle={toggleLayer}
          zoom={zoom}
          projectFilter={projectFilter}
          onProjectFilter={setProjectFilter}
        />
        {selection && (
          <DetailsPanel
            key={selectionKey(selection)}
            selection={selection}
            onClose={() => setSelection(null)}
            onProjectSaved={onProjectSaved}
          />
        )}
        {showAudit && <AuditPanel onClose={() => setAuditOpen(false)} />}
      </main>
    </div>
  );
}
