import { useMemo } from 'react';
import type { Feature, FeatureCollection } from 'geojson';
import { api, type TaxCollection, type ZoneFeature } from '../api/client.ts';
import { useResource } from '../api/useResource.ts';
import { ZoneLabels } from '../city/ZoneLabels.tsx';
import { formatBaht, formatNumber } from '../i18n/format.ts';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { localName } from '../i18n/strings.ts';
import { areaPaint } from '../map/expressions.ts';
import { Legend } from '../map/Legend.tsx';
import { useLayerData } from '../map/useLayerData.ts';
import { useGeoJsonLayers } from '../map/useMapLayers.ts';
import { classLabel, classRanges, colorOf, quantileClasses, type Classes } from '../plan/classify.ts';

export type CollectionBy = 'zone' | 'community';
type CollectionRow = TaxCollection['rows'][number];

/** collected ÷ assessed as a percentage; a place with nothing assessed has no rate (a dash). */
const ratePct = (row: Pick<CollectionRow, 'rate'> | undefined) => (row?.rate === null || row?.rate === undefined ? null : row.rate * 100);
const pctText = (value: number | null) => (value === null ? '—' : `${formatNumber(value, 1)}%`);

/** Classes of the collection rate across the rows, shared by the map and its legend. */
const classesOf = (rows: readonly CollectionRow[] | null) => quantileClasses((rows ?? []).map((r) => ratePct(r)));

/**
 * The collection rate (collected ÷ assessed) as a choropleth of the zones or of the communities,
 * with each zone's rate on its label. Areas only: no parcel is drawn or asked for here.
 */
export function CollectionMap({ rows, by, visible }: { rows: CollectionRow[] | null; by: CollectionBy; visible: boolean }) {
  const zones = useLayerData('zones', 'zones', () => api.zones()).data;
  const communities = useResource(by === 'community' ? 'communities' : 'communities-later', () =>
    by === 'community' ? api.communities() : Promise.resolve(null),
  ).data;
  const classes = useMemo(() => classesOf(rows), [rows]);
  const byId = useMemo(() => new Map((rows ?? []).map((row) => [row.id, row])), [rows]);

  const areas = by === 'zone' ? zones : communities;
  const fills = useMemo<FeatureCollection | null>(
    () =>
      areas && rows
        ? {
            type: 'FeatureCollection',
            features: (areas.features as Feature[]).map((f) => ({
              ...f,
              properties: { ...f.properties, color: colorOf(classes, ratePct(byId.get(Number(f.properties?.id)))) },
            })),
          }
        : null,
    [areas, rows, classes, byId],
  );

  useGeoJsonLayers(
    'tax-collection',
    fills,
    [
      { id: 'tax-collection', type: 'fill', paint: areaPaint(['get', 'color'], 0.8) },
      { id: 'tax-collection-outline', type: 'line', paint: { 'line-color': 'rgba(60, 64, 72, 0.55)', 'line-width': 1 } },
    ],
    'choropleth',
    { visible },
  );

  const suffix = useMemo(() => (by === 'zone' ? (zone: number) => pctText(ratePct(byId.get(zone))) : undefined), [by, byId]);
  return zones ? <ZoneLabels zones={zones.features as ZoneFeature[]} visible={visible} suffix={suffix} /> : null;
}

function RateLegend({ classes }: { classes: Classes | null }) {
  const { t } = useLanguage();
  if (!classes) return null;
  const ranges = classRanges(classes);
  return (
    <div className="tax-rate-legend">
      <p className="tax-legend-title">{t('tax.collection.rate')}</p>
      <Legend
        testId="tax-rate-legend"
        shape="square"
        items={ranges.map(([from, to], i) => ({
          key: String(i),
          color: classes.colors[i]!,
          label: classLabel([from, to], i, (v) => formatNumber(v, 1)),
        }))}
      />
    </div>
  );
}

/** The figures behind the choropleth, one row a zone or community, and the same rows as CSV. */
export function CollectionFigures({ collection, by, error }: { collection: TaxCollection | null; by: CollectionBy; error: Error | null }) {
  const { t, lang } = useLanguage();
  const classes = useMemo(() => classesOf(collection?.rows ?? null), [collection]);
  const rows = useMemo(() => [...(collection?.rows ?? [])].sort((a, b) => (ratePct(a) ?? -1) - (ratePct(b) ?? -1)), [collection]);
  const total = useMemo(() => {
    const sum = (pick: (row: CollectionRow) => number) => rows.reduce((s, row) => s + pick(row), 0);
    return { assessed: sum((r) => r.assessed), collected: sum((r) => r.collected), arrears: sum((r) => r.arrears) };
  }, [rows]);
  return (
    <section className="tax-section" data-testid="tax-collection">
      <h3>{t(by === 'zone' ? 'tax.collection.byZone' : 'tax.collection.byCommunity')}</h3>
      <RateLegend classes={classes} />
      {error && <p className="form-error">{error.message}</p>}
      {collection && (
        <p className="tax-total" data-testid="tax-collection-total">
          {t('tax.collection.total')}: {formatBaht(total.collected, lang)} / {formatBaht(total.assessed, lang)} ·{' '}
          {pctText(total.assessed > 0 ? (total.collected / total.assessed) * 100 : null)}
        </p>
      )}
      <div className="tax-table-wrap">
        <table className="tax-table" data-testid="tax-collection-table">
          <thead>
            <tr>
              <th>{t(by === 'zone' ? 'field.zone' : 'field.community')}</th>
              <th>{t('tax.collection.assessed')}</th>
              <th>{t('tax.collection.collected')}</th>
              <th>{t('tax.collection.rate')}</th>
              <th>{t('tax.collection.arrears')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id} data-testid="tax-collection-row" data-id={row.id} data-rate={row.rate ?? ''}>
                <td>
                  <span className="swatch swatch-square" style={{ background: colorOf(classes, ratePct(row)) }} aria-hidden="true" />
                  {localName(row, lang)}
                </td>
                <td>{formatNumber(row.assessed)}</td>
                <td>{formatNumber(row.collected)}</td>
                <td data-testid="tax-rate">{pctText(ratePct(row))}</td>
                <td>{formatNumber(row.arrears)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {collection && (
        <a className="tax-csv" href={api.taxCollectionCsvUrl({ year: collection.year, by })} download data-testid="tax-collection-csv">
          {t('tax.csv')}
        </a>
      )}
    </section>
  );
}
