import { useCallback, useMemo, useState } from 'react';
import { api, type ProjectQuery } from './api/client.ts';
import { useResource } from './api/useResource.ts';
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
import type { Selection } from './map/selection.ts';
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

export function App() {
  const { t, lang, setLang } = useLanguage();
  const [visibility, setVisibility] = useState<Visibility>(ALL_VISIBLE);
  const [selection, setSelection] = useState<Selection | null>(null);
  const [zoom, setZoom] = useState(CITY_ZOOM);
  const [projectFilter, setProjectFilter] = useState<ProjectQuery>({});

  const boundary = useResource('boundary', () => api.boundary());
  const cityExtent = boundary.data?.bbox ?? null;

  const toggleLayer = useCallback((layer: ThematicLayer, on: boolean) => {
    setVisibility((v) => ({ ...v, [layer]: on }));
    // A details panel about something no longer on the map would be confusing.
    if (!on) setSelection((s) => (s && LAYER_OF_KIND[s.kind] === layer ? null : s));
  }, []);

  const selectedParcelId = selection?.kind === 'parcel' ? Number(selection.feature.id) : null;

  return (
    <div className="app">
      <header className="app-header">
        <h1 data-testid="app-title">Mueang · เทศบาลนครขอนแก่น</h1>
        <span className="app-subtitle">{t('app.subtitle')}</span>
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
      </header>
      <main className="app-main">
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
          <ProjectsLayer visible={visibility.projects} filter={projectFilter} />
          <SensorsLayer visible={visibility.sensors} />
          <TrucksLayer visible={visibility.trucks} />
          <SelectionLayer selection={selection} />
        </MapView>
        <LayerSwitcher
          visibility={visibility}
          onToggle={toggleLayer}
          zoom={zoom}
          projectFilter={projectFilter}
          onProjectFilter={setProjectFilter}
        />
        {selection && <DetailsPanel selection={selection} onClose={() => setSelection(null)} />}
      </main>
    </div>
  );
}
