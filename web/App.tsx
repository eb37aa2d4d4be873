import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type ProjectFeature, type ProjectQuery } from './api/client.ts';
import { useResource, useViewerGeneration } from './api/useResource.ts';
import { useAuth } from './auth/AuthProvider.tsx';
import { SessionNotice } from './auth/SessionNotice.tsx';
import { UserMenu } from './auth/UserMenu.tsx';
import { ExecutiveMap } from './executive/ExecutiveMap.tsx';
import { ExecutiveControls, ExecutiveSidebar } from './executive/ExecutivePanels.tsx';
import { useExecutiveState } from './executive/state.ts';
import { FloodDeskMap, FloodFocusPanel, FloodWall, RedAlertBanner } from './flood/FloodDesk.tsx';
import { useFloodDesk } from './flood/state.ts';
import { LanguageToggle } from './i18n/LanguageToggle.tsx';
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

const VIEWS = ['city', 'executive', 'flood'] as const;
type View = (typeof VIEWS)[number];

/** `?view=executive` or `?view=flood` opens that view directly (shareable links, screenshots). */
function initialView(): View {
  const asked = new URLSearchParams(window.location.search).get('view');
  return VIEWS.find((v) => v === asked) ?? 'city';
}

export function App() {
  const { t } = useLanguage();
  const { permissions } = useAuth();
  const [visibility, setVisibility] = useState<Visibility>(ALL_VISIBLE);
  const [selection, setSelection] = useState<Selection | null>(null);
  const [zoom, setZoom] = useState(CITY_ZOOM);
  const [projectFilter, setProjectFilter] = useState<ProjectQuery>({});
  /** Bumped after a project is saved, so the layer shows the change. */
  const [projectsVersion, setProjectsVersion] = useState(0);
  const [auditOpen, setAuditOpen] = useState(false);
  const [view, setView] = useState<View>(initialView);
  const executive = view === 'executive';
  const exec = useExecutiveState(executive, zoom);
  const setExecZone = exec.setZone;
  const flood = view === 'flood';
  const desk = useFloodDesk(flood);
  const selectSensor = desk.selectSensor;

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

  /** After an import: the evaluation's figures and the projects layer are read again. */
  const refreshExec = exec.refresh;
  const onImported = useCallback(() => {
    refreshExec();
    setProjectsVersion((n) => n + 1);
  }, [refreshExec]);

  // In the executive view a click on the choropleth opens that zone's figures (a community: its
  // zone); on the flood desk a click on a sensor opens its hydrograph.
  const onMapSelect = useCallback(
    (next: Selection | null) => {
      if (flood) {
        if (next?.kind === 'sensor') selectSensor(next.feature.properties.code);
        return;
      }
      if (!executive) return setSelection(next);
      if (next?.kind === 'zone') setExecZone(next.feature.properties.id);
      else if (next?.kind === 'community' && next.feature.properties.zone_id) setExecZone(next.feature.properties.zone_id);
    },
    [flood, executive, setExecZone, selectSensor],
  );

  const switchView = (next: View) => {
    setView(next);
    setSelection(null);
  };
  /** The city's layers stay loaded (and counted) in the other views, only hidden. */
  const city = view === 'city';
  const shown = (layer: ThematicLayer) => visibility[layer] && city;

  const selectedParcelId = selection?.kind === 'parcel' ? Number(selection.feature.id) : null;
  const showAudit = auditOpen && permissions.audit.read;

  return (
    <div className="app">
      <header className="app-header">
        <h1 data-testid="app-title">Mueang · เทศบาลนครขอนแก่น</h1>
        <nav className="view-tabs" role="tablist" data-testid="view-switch">
          {VIEWS.map((v) => (
            <button
              key={v}
              type="button"
              role="tab"
              aria-selected={view === v}
              className={view === v ? 'view-tab active' : 'view-tab'}
              data-testid={`view-${v}`}
              onClick={() => switchView(v)}
            >
              {t(`view.${v}`)}
            </button>
          ))}
        </nav>
        <div className="header-actions">
          <UserMenu auditOpen={showAudit} onToggleAudit={() => setAuditOpen((open) => !open)} />
          <LanguageToggle />
        </div>
      </header>
      <main className={`app-main view-${view}${showAudit ? ' audit-open' : ''}`}>
        <MapView onSelect={onMapSelect} onZoomChange={setZoom}>
          <CityBase />
          <ZonesLayer visible={shown('zones') || flood} faint={flood} />
          <CommunitiesLayer visible={shown('communities')} />
          <ParcelsLayer
            visible={shown('parcels')}
            detail={parcelDetailForZoom(zoom)}
            selectedId={selectedParcelId}
            extent={cityExtent}
          />
          <ProjectsLayer visible={shown('projects')} filter={projectFilter} version={projectsVersion} />
          <SensorsLayer visible={shown('sensors')} />
          <TrucksLayer visible={shown('trucks')} />
          <SelectionLayer selection={selection} />
          {executive && <ExecutiveMap state={exec} />}
          {flood && <FloodDeskMap state={desk} zoom={zoom} />}
        </MapView>
        <SessionNotice />
        {executive && <ExecutiveControls state={exec} onImported={onImported} />}
        {executive && <ExecutiveSidebar state={exec} />}
        {flood && <FloodFocusPanel state={desk} />}
        {flood && <FloodWall state={desk} />}
        {flood && <RedAlertBanner state={desk} />}
        {city && <LayerSwitcher
          visibility={visibility}
          onToggle={toggleLayer}
          zoom={zoom}
          projectFilter={projectFilter}
          onProjectFilter={setProjectFilter}
        />}
        {selection && city && (
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
