import { useEffect, useMemo } from 'react';
import type { ExpressionSpecification } from 'maplibre-gl';
import type { Feature, FeatureCollection, Geometry, Point } from 'geojson';
import { api } from '../api/client.ts';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { localName } from '../i18n/strings.ts';
import { CIRCLE_PAINT, type CircleStyle } from '../map/expressions.ts';
import { useMap } from '../map/MapContext.ts';
import { SITE_COLORS } from '../map/palette.ts';
import type { SiteMapFeature } from '../map/selection.ts';
import { useGeoJsonLayers } from '../map/useMapLayers.ts';
import { useLayerData } from '../map/useLayerData.ts';
import { siteAnchor } from './siteAnchor.ts';

/** A late site's dot grows with its delay up to this many points behind plan, then stays. */
const DELAY_FOR_LARGEST = 40;
const LATE_RADIUS = { smallest: 7, largest: 15 };
const HALO_PX = 7;

const isLate = ['==', ['get', 'late'], true] as ExpressionSpecification;
const LAYER_IDS = ['sites-halo', 'sites'];

/** How a site is drawn: late ones large and red by their delay, the others a small grey ring. */
function styleOf(site: SiteMapFeature['properties']): CircleStyle {
  if (!site.late) return { color: '#ffffff', radius: 4.5, opacity: 0.9, stroke: SITE_COLORS.onTime, strokeWidth: 2 };
  const share = Math.min(1, Math.max(0, site.delay_pts ?? 0) / DELAY_FOR_LARGEST);
  return {
    color: SITE_COLORS.late,
    radius: LATE_RADIUS.smallest + share * (LATE_RADIUS.largest - LATE_RADIUS.smallest),
    opacity: 0.95,
    stroke: SITE_COLORS.lateRim,
    strokeWidth: 2,
  };
}

/** The sites as the map and the selection know them: those with a place, the project id also as `id`. */
const load = async (signal: AbortSignal): Promise<FeatureCollection & { features: SiteMapFeature[] }> => {
  const sites = await api.sitesGeoJson(signal);
  const features: SiteMapFeature[] = [];
  for (const { geometry, properties, ...rest } of sites.features) {
    // The serialised type loses GeometryCollection's members; the server writes GeoJSON (ST_AsGeoJSON).
    if (geometry) features.push({ ...rest, geometry: geometry as Geometry, properties: { ...properties, id: properties.project_id } });
  }
  return { type: 'FeatureCollection', features };
};

/**
 * Construction sites on the city map (signed-in staff only: see CityPage): one dot per site at
 * its works, late ones red and sized by how far behind plan they are, drawn above the rest;
 * on-schedule ones a small grey ring. A click selects the site (details, and a link to its
 * page); the pointer over one names it.
 */
export function LateSitesLayer({ visible }: { visible: boolean }) {
  const { data } = useLayerData('sites', 'sites?format=geojson', load);
  const { lang } = useLanguage();
  const map = useMap();

  const painted = useMemo<FeatureCollection<Point> | null>(() => {
    if (!data) return null;
    const features: Feature<Point>[] = [];
    for (const site of data.features) {
      const anchor = siteAnchor(site.geometry);
      if (!anchor) continue;
      const { id, late, name_th, name_en } = site.properties;
      features.push({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: anchor },
        properties: { id, late, name_th, name_en, ...styleOf(site.properties) },
      });
    }
    // Drawn in order: the on-schedule ones under the late ones, the furthest behind on top.
    const rank = (f: Feature<Point>) => (f.properties?.late ? 1 + (f.properties.radius as number) : 0);
    features.sort((a, b) => rank(a) - rank(b));
    return { type: 'FeatureCollection', features };
  }, [data]);

  useGeoJsonLayers(
    'sites',
    painted,
    [
      {
        id: 'sites-halo',
        type: 'circle',
        filter: isLate,
        paint: { ...CIRCLE_PAINT, 'circle-radius': ['+', ['get', 'radius'], HALO_PX], 'circle-opacity': 0.22, 'circle-stroke-width': 0 },
      },
      { id: 'sites', type: 'circle', paint: CIRCLE_PAINT },
    ],
    'sites',
    { visible, pick: 'site' },
  );

  // The map has no fonts (web/map/baseStyle.ts): the pointer's tooltip names the site instead.
  useEffect(() => {
    const canvas = map.getCanvas();
    const onMove = (event: { features?: { properties: Record<string, unknown> }[] }) => {
      const site = event.features?.[0]?.properties;
      canvas.title = site ? localName({ name_th: site.name_th as string, name_en: site.name_en as string }, lang) : '';
    };
    const onLeave = () => {
      canvas.title = '';
    };
    map.on('mousemove', LAYER_IDS, onMove);
    map.on('mouseleave', LAYER_IDS, onLeave);
    return () => {
      map.off('mousemove', LAYER_IDS, onMove);
      map.off('mouseleave', LAYER_IDS, onLeave);
      canvas.title = '';
    };
  }, [map, lang]);

  return null;
}
