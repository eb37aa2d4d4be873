import { useMemo } from 'react';
import { api } from '../api/client.ts';
import { useResource } from '../api/useResource.ts';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { Legend } from '../map/Legend.tsx';
import { useGeoJsonLayers } from '../map/useMapLayers.ts';

/** Light to dark: the cells owing least, middling and most (thirds of the cells, by what they owe). */
const RAMP = ['#fee8c8', '#fc8d59', '#b30000'] as const;

/**
 * Where the arrears gather: the server's hexagons holding three or more parcels in arrears
 * (fewer would point at one household), darker the more they owe. Asked for only when shown.
 */
export function HotspotsLayer({ year, version, visible }: { year: number; version: number; visible: boolean }) {
  const hotspots = useResource(visible ? `tax-hotspots:${year}:${version}` : 'tax-hotspots-off', (signal) =>
    visible ? api.taxArrearsHotspots({ year }, signal) : Promise.resolve(null),
  ).data;
  const coloured = useMemo(() => {
    if (!hotspots) return null;
    // By rank, not by share of the largest: one cell owing a fortune would leave every other pale.
    const sorted = hotspots.features.map((f) => f.properties.owed).sort((a, b) => a - b);
    const color = (owed: number) => RAMP[Math.min(RAMP.length - 1, Math.floor((sorted.indexOf(owed) / sorted.length) * RAMP.length))]!;
    return { ...hotspots, features: hotspots.features.map((f) => ({ ...f, properties: { ...f.properties, color: color(f.properties.owed) } })) };
  }, [hotspots]);
  useGeoJsonLayers(
    'tax-hotspots',
    coloured,
    [
      { id: 'tax-hotspots', type: 'fill', paint: { 'fill-color': ['get', 'color'], 'fill-opacity': 0.75 } },
      { id: 'tax-hotspots-outline', type: 'line', paint: { 'line-color': 'rgba(127, 0, 0, 0.35)', 'line-width': 0.5 } },
    ],
    'choropleth-outlines',
    { visible },
  );
  return null;
}

/** The hot spots' colours: the third of the cells owing least, the middle third, the most. */
export function HotspotsLegend() {
  const { t } = useLanguage();
  const labels = [t('tax.hotspots.least'), t('tax.hotspots.middle'), t('tax.hotspots.most')];
  return <Legend testId="tax-hotspots-legend" shape="square" items={RAMP.map((color, i) => ({ key: String(i), color, label: labels[i]! }))} />;
}
