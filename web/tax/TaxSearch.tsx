import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { FeatureCollection } from 'geojson';
import { LngLatBounds, type MapMouseEvent } from 'maplibre-gl';
import { api, type TaxSearchAnswer, type TaxSearchQuery } from '../api/client.ts';
import { useResource } from '../api/useResource.ts';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { fill, localName } from '../i18n/strings.ts';
import { cssColor } from '../map/expressions.ts';
import { useMap } from '../map/MapContext.ts';
import { SELECTION_COLOR, TAX_STATUS_COLORS } from '../map/palette.ts';
import { pickableLayers } from '../map/selection.ts';
import { useGeoJsonLayers } from '../map/useMapLayers.ts';
import { Link, PATHS } from '../router.tsx';

/** What a search found: parcels with the attributes a tax role sees (status included). */
export type Found = TaxSearchAnswer;

type Mode = 'code' | 'owner' | 'community';

/**
 * Finding parcels: by tax-map code (zone, then block, then lot, each list the server's choices
 * for the one before), by owner name or national ID, or by community. A click on the map where
 * no parcel is drawn (below the parcels' zoom) finds the parcel under it (PointSearch).
 */
export function TaxSearch({
  year,
  version,
  onFound,
  onOpen,
  selectedId,
}: {
  year: number;
  /** Changes after a payment: the found parcels' statuses are asked for again. */
  version: number;
  onFound: (found: Found | null) => void;
  onOpen: (id: number) => void;
  selectedId: number | null;
}) {
  const { t, lang } = useLanguage();
  const [mode, setMode] = useState<Mode>('code');
  const [zone, setZone] = useState('');
  const [block, setBlock] = useState('');
  const [lot, setLot] = useState('');
  const [person, setPerson] = useState('');
  const [community, setCommunity] = useState('');
  const [query, setQuery] = useState<TaxSearchQuery | null>(null);

  const zones = useResource('tax-codes', (signal) => api.taxCodes({}, signal));
  const blocks = useResource(`tax-codes:${zone}`, (signal) => (zone ? api.taxCodes({ zone }, signal) : Promise.resolve(null)));
  const lots = useResource(`tax-codes:${zone}:${block}`, (signal) => (zone && block ? api.taxCodes({ zone, block }, signal) : Promise.resolve(null)));
  const communities = useResource('communities', () => api.communities());
  const result = useResource(`tax-search:${JSON.stringify(query)}:${version}`, (signal) => (query ? api.taxSearch(query, signal) : Promise.resolve(null)));

  const onFoundRef = useRef(onFound);
  onFoundRef.current = onFound;
  useEffect(() => onFoundRef.current(query ? result.data : null), [query, result.data]);

  // A single parcel found (a whole code, a national ID) is opened at once.
  useEffect(() => {
    const only = result.data?.features.length === 1 ? result.data.features[0] : undefined;
    if (only) onOpen(only.properties.id);
  }, [result.data, onOpen]);

  const chooseZone = (value: string) => {
    setZone(value);
    setBlock('');
    setLot('');
    setQuery(value ? { zone: value } : null);
  };
  const chooseBlock = (value: string) => {
    setBlock(value);
    setLot('');
    setQuery(value ? { zone, block: value } : zone ? { zone } : null);
  };
  const chooseLot = (value: string) => {
    setLot(value);
    setQuery(value ? { zone, block, lot: value } : { zone, block });
  };
  const searchPerson = (event: FormEvent) => {
    event.preventDefault();
    const text = person.trim();
    if (!text) return setQuery(null);
    // Thirteen digits (dashes and spaces allowed, as printed on the card) are a national ID.
    const digits = text.replace(/[\s-]/g, '');
    setQuery(/^\d{13}$/.test(digits) ? { national_id: digits } : { owner: text });
  };
  const chooseCommunity = (value: string) => {
    setCommunity(value);
    setQuery(value ? { community: Number(value) } : null);
  };
  const switchMode = (next: Mode) => {
    setMode(next);
    setQuery(null);
  };

  return (
    <section className="tax-section tax-search" data-testid="tax-search">
      <h3>{t('tax.search.title')}</h3>
      <fieldset className="tax-toggle" aria-label={t('tax.search.title')}>
        {(['code', 'owner', 'community'] as const).map((m) => (
          <button key={m} type="button" aria-pressed={mode === m} data-testid={`tax-search-${m}`} onClick={() => switchMode(m)}>
            {t(`tax.search.by.${m}`)}
          </button>
        ))}
      </fieldset>
      {mode === 'code' && (
        <div className="tax-code-chain">
          <CodeSelect testId="tax-code-zone" label={t('tax.code.zone')} value={zone} choices={zones.data?.choices} onChange={chooseZone} />
          <CodeSelect
            testId="tax-code-block"
            label={t('tax.code.block')}
            value={block}
            choices={blocks.data?.choices}
            onChange={chooseBlock}
            disabled={!zone}
          />
          <CodeSelect testId="tax-code-lot" label={t('tax.code.lot')} value={lot} choices={lots.data?.choices} onChange={chooseLot} disabled={!block} />
          {zone && !lot && (
            <Link
              className="tax-notice-link"
              href={`${PATHS.taxNotices}?${new URLSearchParams({ zone, ...(block ? { block } : {}), year: String(year) })}`}
              target="_blank"
              data-testid="tax-block-notices"
            >
              {fill(t('tax.notice.printBatch'), { code: [zone, block].filter(Boolean).join('-') })}
            </Link>
          )}
        </div>
      )}
      {mode === 'owner' && (
        <form className="tax-person" onSubmit={searchPerson}>
          <label>
            <span className="visually-hidden">{t('tax.search.person')}</span>
            <input data-testid="tax-person" value={person} placeholder={t('tax.search.person')} onChange={(e) => setPerson(e.target.value)} />
          </label>
          <button type="submit" data-testid="tax-person-search">
            {t('tax.search.go')}
          </button>
        </form>
      )}
      {mode === 'community' && (
        <label className="tax-community">
          <span className="visually-hidden">{t('field.community')}</span>
          <select data-testid="tax-community" value={community} onChange={(e) => chooseCommunity(e.target.value)}>
            <option value="">{t('tax.search.community')}</option>
            {communities.data?.features.map((c) => (
              <option key={c.properties.id} value={c.properties.id}>
                {localName(c.properties, lang)}
              </option>
            ))}
          </select>
        </label>
      )}
      {result.error && <p className="form-error">{result.error.message}</p>}
      {query && result.data && (
        <>
          <p className="hint" data-testid="tax-found">
            {fill(t('tax.search.found'), { count: result.data.features.length })}
          </p>
          <ol className="tax-found" data-testid="tax-found-list">
            {[...result.data.features].sort(byCode).map(({ properties: p }) => (
              <li key={p.id}>
                <button
                  type="button"
                  className={p.id === selectedId ? 'tax-found-row selected' : 'tax-found-row'}
                  data-testid="tax-found-row"
                  data-parcel={p.id}
                  data-status={p.tax_status ?? ''}
                  onClick={() => onOpen(p.id)}
                >
                  <span className="swatch swatch-square" style={{ background: statusColor(p.tax_status) }} aria-hidden="true" />
                  <b>{p.map_code ?? p.parcel_no}</b>
                  <span>{p.tax_status ? t(`tax.status.${p.tax_status}`) : t('tax.status.none')}</span>
                </button>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}

/** The register's order: by tax-map code (zone, block, lot), as the choices list them. */
const byCode = (a: Found['features'][number], b: Found['features'][number]) => (a.properties.map_code ?? '').localeCompare(b.properties.map_code ?? '');

const statusColor = (status: string | null | undefined) =>
  status && status in TAX_STATUS_COLORS ? TAX_STATUS_COLORS[status as keyof typeof TAX_STATUS_COLORS] : '#ffffff';

function CodeSelect({
  testId,
  label,
  value,
  choices,
  onChange,
  disabled = false,
}: {
  testId: string;
  label: string;
  value: string;
  choices: readonly string[] | undefined;
  onChange: (value: string) => void;
  disabled?: boolean;
}) {
  return (
    <label>
      <span>{label}</span>
      <select data-testid={testId} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
        <option value="">—</option>
        {choices?.map((choice) => (
          <option key={choice} value={choice}>
            {choice}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Brings the map to parcels, clear of the panels beside it on a desk (on a phone they are sheets below it). */
function fitTo(map: ReturnType<typeof useMap>, found: Found): void {
  if (found.features.length === 0) return;
  const bounds = new LngLatBounds();
  for (const feature of found.features) for (const ring of feature.geometry.coordinates) for (const point of ring) bounds.extend(point as [number, number]);
  const desk = map.getContainer().clientWidth > 800;
  map.fitBounds(bounds, { padding: desk ? { top: 60, bottom: 60, left: 400, right: 420 } : 30, maxZoom: 18, animate: false });
}

/** A parcel opened from a list (the arrears): the map is brought to it, found by its code. */
export function FocusOnCode({ code }: { code: string | null }) {
  const map = useMap();
  const [zone, block, lot] = code?.split('-') ?? [];
  const parcel = useResource(`tax-focus:${code}`, (signal) => (zone && block && lot ? api.taxSearch({ zone, block, lot }, signal) : Promise.resolve(null)));
  useEffect(() => {
    if (parcel.data) fitTo(map, parcel.data);
  }, [map, parcel.data]);
  return null;
}

/** The found parcels outlined on the map, and the map brought to them. */
export function FoundOnMap({ found }: { found: Found | null }) {
  const map = useMap();
  useGeoJsonLayers(
    'tax-found',
    (found as FeatureCollection | null) ?? null,
    [{ id: 'tax-found', type: 'line', paint: { 'line-color': cssColor(SELECTION_COLOR), 'line-width': 2, 'line-dasharray': [2, 1] } }],
    'selection',
    { visible: found !== null },
  );
  useEffect(() => {
    if (found) fitTo(map, found);
  }, [map, found]);
  return null;
}

/**
 * A click where the map shows no parcel (below the parcels' zoom, the choropleth) asks the
 * server which parcel is there, and opens it.
 */
export function PointSearch({ onOpen }: { onOpen: (id: number) => void }) {
  const map = useMap();
  const onOpenRef = useRef(onOpen);
  onOpenRef.current = onOpen;
  useEffect(() => {
    const onClick = (event: MapMouseEvent) => {
      const parcelLayers = [...pickableLayers()].filter(([id, kind]) => kind === 'parcel' && map.getLayer(id)).map(([id]) => id);
      if (parcelLayers.length > 0 && map.queryRenderedFeatures(event.point, { layers: parcelLayers }).some((f) => f.sourceLayer === 'parcels')) return;
      const { lng, lat } = event.lngLat;
      api.taxSearch({ lon: lng, lat }).then(
        (answer) => {
          const parcel = answer.features[0];
          if (parcel) onOpenRef.current(parcel.properties.id);
        },
        () => undefined,
      );
    };
    map.on('click', onClick);
    return () => {
      map.off('click', onClick);
    };
  }, [map]);
  return null;
}
