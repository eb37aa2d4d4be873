import './city.css';
import { useCallback, useMemo, useState } from 'react';
import { api, type ProjectFeature, type ProjectQuery } from '../api/client.ts';
import { useResource } from '../api/useResource.ts';
import { showsSites } from '../auth/access.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { StaffShell } from '../auth/StaffShell.tsx';
import { SensorsLayer } from '../flood/SensorsLayer.tsx';
import { CityBase } from '../map/CityBase.tsx';
import { CITY_ZOOM, MapView } from '../map/MapView.tsx';
import { Picking } from '../map/Picking.tsx';
import { useFirstFrameDrawn } from '../map/readiness.ts';
import { LAYER_OF_KIND, selectionKey, type Selection } from '../map/selection.ts';
import { ParcelsLayer } from '../parcels/ParcelsLayer.tsx';
import { ProjectsLayer } from '../plan/ProjectsLayer.tsx';
import { TrucksLayer } from '../waste/TrucksLayer.tsx';
import { CommunitiesLayer } from './CommunitiesLayer.tsx';
import { DetailsPanel } from './DetailsPanel.tsx';
import { LateSitesLayer } from './LateSitesLayer.tsx';
import { useSelectionFollowsViewer } from './followViewer.ts';
import { LayerSwitcher } from './LayerSwitcher.tsx';
import { ALL_VISIBLE, type ThematicLayer, type Visibility } from './layers.ts';
import { SelectionLayer } from './SelectionLayer.tsx';
import { servedLabel, useZoneServed, WasteFigures } from './WasteFigures.tsx';
import { ZonesLayer } from './ZonesLayer.tsx';

/** Everything the city map's first complete picture needs; parcels stream in by tile. */
const REQUIRES = ['boundary', 'basemap', 'zones', 'communities', 'projects', 'trucks', 'sensors'] as const;

const NOTHING_HIDDEN: readonly ThematicLayer[] = [];
const WITHOUT_SITES: readonly ThematicLayer[] = ['sites'];

/** The city map (`/`): every layer of the city, a switch for each, and the details of what is clicked. */
export function CityPage() {
  const [visibility, setVisibility] = useState<Visibility>(ALL_VISIBLE);
  const [selection, setSelection] = useState<Selection | null>(null);
  const [zoom, setZoom] = useState(CITY_ZOOM);
  const [projectFilter, setProjectFilter] = useState<ProjectQuery>({});
  /** Bumped after a project is saved, so the layer shows the change. */
  const [projectsVersion, setProjectsVersion] = useState(0);

  // Parcels are never waited for (REQUIRES): their tiles come after the first frame, not before it.
  const firstFrameDrawn = useFirstFrameDrawn();
  // Staff see the construction sites too; for anyone else they are neither asked for nor offered.
  const sites = showsSites(useAuth().permissions);
  const boundary = useResource('boundary', () => api.boundary(), { perViewer: false });
  const cityExtent = boundary.data?.bbox ?? null;

  useSelectionFollowsViewer(selection, setSelection);
  const served = useZoneServed(firstFrameDrawn);
  const zoneSuffix = useMemo(() => (served ? (zone: number) => servedLabel(served.get(zone)) : undefined), [served]);

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

  return (
    <StaffShell className="page-city">
      <MapView requires={REQUIRES} onZoomChange={setZoom}>
        <CityBase />
        <ZonesLayer visible={visibility.zones} labelSuffix={zoneSuffix} />
        <CommunitiesLayer visible={visibility.communities} />
        {firstFrameDrawn && <ParcelsLayer visible={visibility.parcels} selectedId={selectedParcelId} extent={cityExtent} />}
        <ProjectsLayer visible={visibility.projects} filter={projectFilter} version={projectsVersion} />
        {sites && <LateSitesLayer visible={visibility.sites} />}
        <SensorsLayer visible={visibility.sensors} />
        <TrucksLayer visible={visibility.trucks} onSelect={setSelection} />
        <SelectionLayer selection={selection} />
        <Picking onSelect={setSelection} />
      </MapView>
      <LayerSwitcher
        visibility={visibility}
        onToggle={toggleLayer}
        zoom={zoom}
        projectFilter={projectFilter}
        onProjectFilter={setProjectFilter}
        hidden={sites ? NOTHING_HIDDEN : WITHOUT_SITES}
        wasteFigures={<WasteFigures served={served} />}
      />
      {selection && <DetailsPanel key={selectionKey(selection)} selection={selection} onClose={() => setSelection(null)} onProjectSaved={onProjectSaved} />}
    </StaffShell>
  );
}
