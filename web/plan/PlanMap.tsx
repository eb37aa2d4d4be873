import { useEffect, useMemo, useRef } from 'react';
import { GeoJsonLayer } from '@deck.gl/layers';
import { api, type CommunityProps, type ZoneFeature, type ZoneProps } from '../api/client.ts';
import { useResource } from '../api/useResource.ts';
import { formatNumber } from '../i18n/format.ts';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { localName } from '../i18n/strings.ts';
import { UNDER_ROADS } from '../map/baseStyle.ts';
import { useDeckLayers } from '../map/deck/DeckOverlay.tsx';
import { useLayerData } from '../map/useLayerData.ts';
import { useZoneMarkers } from '../map/useZoneMarkers.ts';
import { hexToRgba, SELECTION_COLOR } from '../map/palette.ts';
import { colorOf, textColorOn } from './classify.ts';
import type { PlanState } from './state.ts';

/**
 * The choropleth of the plan page, through the map's own deck.gl slots: the four zones
 * (or, zoomed in, the 95 communities) filled by the chosen measure, zone edges on top, and each
 * zone's value as a label. Layer ids end in "@exec" so a click still reads as a zone/community.
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

  const fills = useMemo(() => {
    if (!zones) return null;
    const layers = [];
    layers.push(
      new GeoJsonLayer<ZoneProps>({
        ...UNDER_ROADS,
        id: 'zones@exec',
        data: zones.features,
        pickable: true,
        filled: true,
        stroked: false,
        visible: !showCommunities,
        getFillColor: (f) => hexToRgba(colorOf(classes, zoneValue.get(String(f.properties.id))), 215),
        updateTriggers: { getFillColor: [classes, zoneValue] },
      }),
    );
    if (communities) {
      layers.push(
        new GeoJsonLayer<CommunityProps>({
          ...UNDER_ROADS,
          id: 'communities@exec',
          data: communities.features,
          pickable: true,
          filled: true,
          stroked: true,
          visible: showCommunities,
          getFillColor: (f) => hexToRgba(colorOf(classes, communityValue.get(String(f.properties.id))), 215),
          getLineColor: [60, 64, 72, 140],
          lineWidthUnits: 'pixels',
          getLineWidth: 1,
          autoHighlight: true,
          highlightColor: [255, 255, 255, 70],
          updateTriggers: { getFillColor: [classes, communityValue] },
        }),
      );
    }
    return layers;
  }, [zones, communities, showCommunities, classes, zoneValue, communityValue]);

  const outlines = useMemo(
    () =>
      zones
        ? [
            new GeoJsonLayer<ZoneProps>({
              id: 'zone-outlines@exec',
              data: zones.features,
              pickable: false,
              filled: false,
              stroked: true,
              getLineColor: (f) => (f.properties.id === selectedZone ? SELECTION_COLOR : [40, 44, 52, 220]),
              lineWidthUnits: 'pixels',
              getLineWidth: (f) => (f.properties.id === selectedZone ? 4 : 2),
              updateTriggers: { getLineColor: selectedZone, getLineWidth: selectedZone },
            }),
          ]
        : null,
    [zones, selectedZone],
  );

  useDeckLayers('choropleth', fills);
  useDeckLayers('choropleth-outlines', outlines);

  return zones ? (
    <ExecZoneLabels
      zones={zones.features as ZoneFeature[]}
      text={(f) => `${localName(f.properties, lang)} · ${formatNumber(zoneValue.get(String(f.properties.id)), 2)}%`}
      color={(f) => colorOf(classes, zoneValue.get(String(f.properties.id)))}
      onSelect={state.setZone}
    />
  ) : null;
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
