import './tax.css';
import { useCallback, useState } from 'react';
import { api } from '../api/client.ts';
import { useResource } from '../api/useResource.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { StaffShell } from '../auth/StaffShell.tsx';
import { ZonesLayer } from '../city/ZonesLayer.tsx';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { CityBase } from '../map/CityBase.tsx';
import { byProperty } from '../map/expressions.ts';
import { MapView } from '../map/MapView.tsx';
import { TAX_STATUS_COLORS } from '../map/palette.ts';
import { Picking } from '../map/Picking.tsx';
import type { Selection } from '../map/selection.ts';
import { Panel } from '../map/Shell.tsx';
import { ParcelsLayer } from '../parcels/ParcelsLayer.tsx';
import { ArrearsList } from './ArrearsList.tsx';
import { CollectionFigures, CollectionMap, type CollectionBy } from './Collection.tsx';
import { HotspotsLayer, HotspotsLegend } from './HotspotsLayer.tsx';
import { ParcelTaxPanel } from './ParcelTaxPanel.tsx';
import { FocusOnCode, FoundOnMap, PointSearch, TaxSearch, type Found } from './TaxSearch.tsx';
import { StatusLegend } from './StatusLegend.tsx';
import { YearSelect } from './years.tsx';

/** The first picture: the city and its zones; the figures and the parcels' tiles come after. */
const REQUIRES = ['boundary', 'basemap', 'zones'] as const;
/** Room for the workspace's panels on the left and the parcel's on the right. */
const FRAME = { top: 24, bottom: 24, left: 380, right: 400 };
const STATUS_FILL = byProperty('tax_status', TAX_STATUS_COLORS, 'rgba(0, 0, 0, 0)');

/**
 * Land and building tax (`/tax`). Tax roles (tax, auditor, admin) get the Revenue Division's
 * workspace: parcels coloured by this year's tax status, search by code, owner or place, a
 * parcel's calculation, bill and payments, and a zone's arrears. Everyone else (the public,
 * executives, other staff) gets what is collected where, by zone and community, and never a
 * parcel's status: their page asks for no parcel at all.
 */
export function TaxPage() {
  const { known, permissions } = useAuth();
  return <StaffShell className="page-tax">{known ? permissions.tax.read ? <Workspace /> : <CollectionView /> : null}</StaffShell>;
}

/**
 * The collection figures of the chosen year, or (none chosen yet) of the server's billing year:
 * the latest with bills, so that in January the page opens on last year's, as the server's
 * status and arrears do. The year the page shows is the answer's.
 */
function useCollection(chosen: number | undefined, by: CollectionBy, version = 0) {
  const collection = useResource(`tax-collection:${chosen ?? ''}:${by}:${version}`, (signal) => api.taxCollection({ year: chosen, by }, signal));
  return { collection, year: chosen ?? collection.data?.year };
}

/** The collection figures by zone or community, on the map and in a table: all anyone but a tax role sees. */
function CollectionView() {
  const { t } = useLanguage();
  const [chosen, setYear] = useState<number>();
  const [by, setBy] = useState<CollectionBy>('zone');
  const { collection, year } = useCollection(chosen, by);
  return (
    <>
      <MapView requires={REQUIRES}>
        <CityBase frame={{ ...FRAME, right: 24 }} />
        <CollectionMap rows={collection.data?.rows ?? null} by={by} visible />
      </MapView>
      <Panel className="tax-panel" testId="tax-collection-panel" sheetTitle={t('tax.collection.title')}>
        <h2>{t('tax.collection.title')}</h2>
        <div className="tax-controls">
          <YearSelect value={year} onChange={setYear} />
          <ByToggle value={by} onChange={setBy} />
        </div>
        <CollectionFigures collection={collection.data} by={by} error={collection.error} />
      </Panel>
    </>
  );
}

function ByToggle({ value, onChange }: { value: CollectionBy; onChange: (by: CollectionBy) => void }) {
  const { t } = useLanguage();
  return (
    <fieldset className="tax-toggle" aria-label={t('tax.collection.by')}>
      {(['zone', 'community'] as const).map((by) => (
        <button key={by} type="button" data-testid={`tax-by-${by}`} aria-pressed={value === by} onClick={() => onChange(by)}>
          {t(`tax.collection.by.${by}`)}
        </button>
      ))}
    </fieldset>
  );
}

/** The tax roles' workspace. */
function Workspace() {
  const { t } = useLanguage();
  const [chosen, setYear] = useState<number>();
  const [by, setBy] = useState<CollectionBy>('community');
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [found, setFound] = useState<Found | null>(null);
  /** The code of a parcel opened from the arrears list, for the map to go to. */
  const [focus, setFocus] = useState<string | null>(null);
  const [parcelsShown, setParcelsShown] = useState(false);
  const [hotspotsShown, setHotspotsShown] = useState(false);
  /** Bumped after a payment: the map's tiles and the figures are asked for again. */
  const [paid, setPaid] = useState(0);
  const { collection, year } = useCollection(chosen, by, paid);
  const boundary = useResource('boundary', () => api.boundary(), { perViewer: false });

  const onSelect = useCallback((selection: Selection | null) => {
    if (selection?.kind === 'parcel') setSelectedId(Number(selection.feature.id));
  }, []);
  const onPaid = useCallback(() => setPaid((n) => n + 1), []);

  return (
    <>
      <MapView requires={REQUIRES}>
        <CityBase frame={FRAME} />
        <ZonesLayer visible faint />
        {/* One theme at a time at the city's zoom: the hot spots replace the collection choropleth. */}
        <CollectionMap rows={collection.data?.rows ?? null} by={by} visible={!parcelsShown && !hotspotsShown} />
        <ParcelsLayer key={paid} visible selectedId={selectedId} extent={boundary.data?.bbox ?? null} fill={STATUS_FILL} onParcelsShown={setParcelsShown} />
        {year !== undefined && <HotspotsLayer year={year} version={paid} visible={hotspotsShown} />}
        <FoundOnMap found={found} />
        <FocusOnCode code={focus} />
        <Picking onSelect={onSelect} />
        <PointSearch onOpen={setSelectedId} />
      </MapView>
      <Panel className="tax-panel" testId="tax-panel" sheetTitle={t('tax.title')}>
        <h2>{t('tax.title')}</h2>
        <div className="tax-controls">
          <YearSelect value={year} onChange={setYear} />
          <ByToggle value={by} onChange={setBy} />
        </div>
        <StatusLegend found={found} />
        {!parcelsShown && <p className="hint">{t('tax.map.zoomHint')}</p>}
        <label className="tax-hotspots-toggle">
          <input type="checkbox" data-testid="tax-hotspots-toggle" checked={hotspotsShown} onChange={(e) => setHotspotsShown(e.target.checked)} />
          {t('tax.hotspots.toggle')}
        </label>
        {hotspotsShown && <HotspotsLegend />}
        {year !== undefined && (
          <>
            <TaxSearch year={year} version={paid} onFound={setFound} onOpen={setSelectedId} selectedId={selectedId} />
            <ArrearsList
              year={year}
              version={paid}
              onOpen={(id, code) => {
                setSelectedId(id);
                setFocus(code);
              }}
            />
          </>
        )}
        <CollectionFigures collection={collection.data} by={by} error={collection.error} />
      </Panel>
      {selectedId !== null && year !== undefined && (
        <ParcelTaxPanel key={selectedId} id={selectedId} year={year} onClose={() => setSelectedId(null)} onPaid={onPaid} />
      )}
    </>
  );
}
