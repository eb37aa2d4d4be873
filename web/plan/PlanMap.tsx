import { useEffect, useMemo, useRef } from 'react';
import type { Feature, FeatureCollection } from 'geojson';
import { api, type ZoneFeature } from '../api/client.ts';
import { useResource } from '../api/useResource.ts';
import { formatNumber } from '../i18n/format.ts';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { localName } from '../i18n/strings.ts';
import { areaPaint, cssColor } from '../map/expressions.ts';
import { useLayerData } from '../map/useLayerData.ts';
import { useGeoJsonLayers } from '../map/useMapLayers.ts';
import { useZoneMarkers } from '../map/useZoneMarkers.ts';
import { SELECTION_COLOR } from '../map/palette.ts';
import { colorOf, textColorOn } from './classify.ts';
import type { PlanState } from './state.ts';

/**
 * The choropleth of the plan page: the four zones (or, zoomed in, the 95 communities) filled by
 * the chosen measure, zone edges on top, and each zone's value as a label.
 */
export function PlanMap({ state }: { state: PlanState }) {
  const { lang } = useLanguage();
  // Counted for the page's readiness like the city map's zones.
  const zones = useLayerData('zones', 'zones', () => api.zones()).data;
  const { measure, classes, showCommunities, communitiesWanted, zone: selectedZone } = state;
  const communities = useResource(
    communitiesWanted ? 'communities' : 'communities-later',
    () => (communitiesWanted ? api.communities() : Promise.resolve(null)),
    {
      perViewer: false,
    },
  ).data;

  const zoneValue = useMemo(() => new Map((state.byZone.data ?? []).map((row) => [row.key, row[measure]])), [state.byZone.data, measure]);
  const communityValue = useMemo(() => new Map((state.byCommunity.data ?? []).map((row) => [row.key, row[measure]])), [state.byCommunity.data, measure]);

  // The colours are worked out here, by the classes the legend shows, for the map to paint.
  const zoneFills = useMemo(
    () =>
      zones &&
      coloured(zones.features, (f) => ({ color: colorOf(classes, zoneValue.get(String(f.properties.id))), selected: f.properties.id === selectedZone })),
    [zones, classes, zoneValue, selectedZone],
  );
  const communityFills = useMemo(
    () => communities && coloured(communities.features, (f) => ({ color: colorOf(classes, communityValue.get(String(f.properties.id))) })),
    [communities, classes, communityValue],
  );

  useGeoJsonLayers('zones@exec', zoneFills, [{ id: 'zones@exec', type: 'fill', paint: areaPaint(['get', 'color'], 0.84) }], 'choropleth', {
    visible: !showCommunities,
    pick: 'zone',
  });
  useGeoJsonLayers(
    'communities@exec',
    communityFills,
    [
      { id: 'communities@exec', type: 'fill', paint: areaPaint(['get', 'color'], 0.84) },
      { id: 'communities@exec-outline', type: 'line', paint: { 'line-color': 'rgba(60, 64, 72, 0.55)', 'line-width': 1 } },
    ],
    'choropleth',
    { visible: showCommunities, pick: 'community' },
  );
  useGeoJsonLayers(
    'zone-outlines@exec',
    zoneFills,
    [
      // Two layers of fixed paint rather than one that varies by zone: see web/map/expressions.ts.
      { id: 'zone-outlines@exec', type: 'line', filter: ['!', ['get', 'selected']], paint: { 'line-color': 'rgba(40, 44, 52, 0.86)', 'line-width': 2 } },
      { id: 'zone-outlines@exec-selected', type: 'line', filter: ['get', 'selected'], paint: { 'line-color': cssColor(SELECTION_COLOR), 'line-width': 4 } },
    ],
    'choropleth-outlines',
  );

  return zones ? (
    <ExecZoneLabels
      zones={zones.features as ZoneFeature[]}
      text={(f) => `${localName(f.properties, lang)} · ${formatNumber(zoneValue.get(String(f.properties.id)), 2)}%`}
      color={(f) => colorOf(classes, zoneValue.get(String(f.properties.id)))}
      onSelect={state.setZone}
    />
  ) : null;
}

/** The features with what the map paints them by added to their properties. */
function coloured<F extends Feature>(features: F[], paint: (feature: F) => Record<string, unknown>): FeatureCollection {
  return { type: 'FeatureCollection', features: features.map((f) => ({ ...f, properties: { ...f.properties, ...paint(f) } })) };
}

/** Zone name and value as HTML markers (the offline style has no glyphs); a click opens the zone. */
function ExecZoneLabels({
  zones,
  text,
  color,
  onSelect,
}: {
  zones: ZoneFeature[];
  text: (zone: ZoneFeature) => string;
  color: (zone: ZoneFeature) => string;
  onSelect: (zone: number) => void;
}) {
  const onSelectRef = useRef(onSelect);
  onSelectRef.current = onSelect;
  const elements = useZoneMarkers(zones, (id) => {
    const element = document.createElement('button');
    element.type = 'button';
    element.className = 'exec-zone-label';
    element.dataset.testid = `exec-zone-label-${id}`;
    element.addEventListener('click', (event) => {
      event.stopPropagation();
      onSelectRef.current(id);
    });
    return element;
  });

  useEffect(() => {
    for (const zone of zones) {
      const element = elements.current.get(zone.properties.id);
      if (!element) continue;
      element.textContent = text(zone);
      const fill = color(zone);
      element.style.borderColor = fill;
      element.style.setProperty('--swatch', fill);
      element.style.setProperty('--swatch-ink', textColorOn(fill));
    }
  });

  return null;
}
