import { useMemo } from 'react';
import type { ExpressionSpecification } from 'maplibre-gl';
import type { FeatureCollection } from 'geojson';
import { api, type ProjectQuery, projectStage } from '../api/client.ts';
import { areaPaint, CIRCLE_PAINT, type CircleStyle } from '../map/expressions.ts';
import { STAGE_COLORS } from '../map/palette.ts';
import { useGeoJsonLayers } from '../map/useMapLayers.ts';
import { useLayerData } from '../map/useLayerData.ts';

const geometryIs = (...types: string[]) => ['in', ['geometry-type'], ['literal', types]] as unknown as ExpressionSpecification;
const AREA = geometryIs('Polygon', 'MultiPolygon');
const LINE = geometryIs('LineString', 'MultiLineString');
const ROUND = { 'line-cap': 'round', 'line-join': 'round' } as const;
/** A point project: a dot a fingertip can hit, white-rimmed so it stands out on any fill. */
const POINT: Omit<CircleStyle, 'color'> = { radius: 6, opacity: 0.92, stroke: 'rgba(255, 255, 255, 0.9)', strokeWidth: 1.5 };

/**
 * Plan projects are points (a pump), lines (a drain, a road) or areas (a park), coloured by how
 * far the money has moved: plan → approved → contracted → disbursed.
 */
export function ProjectsLayer({ visible, filter, version }: { visible: boolean; filter: ProjectQuery; version: number }) {
  // `version` changes when a project was edited here; the viewer is added by useResource.
  const key = `projects?fy=${filter.fy ?? ''}&strategy=${filter.strategy ?? ''}#${version}`;
  const { data } = useLayerData('projects', key, (signal) => api.projects(filter, signal));
  // The colour is worked out here (a project without a stage reads as planned), for the map to paint.
  const painted = useMemo<FeatureCollection | null>(
    () =>
      data && {
        type: 'FeatureCollection',
        features: data.features.map((f) => {
          const color = STAGE_COLORS[projectStage(f.properties)];
          return { ...f, properties: { id: f.properties.id, color, ...(f.geometry.type === 'Point' ? POINT : {}) } };
        }),
      },
    [data],
  );

  useGeoJsonLayers(
    'projects',
    painted,
    [
      // Area projects get a light wash so they never hide the parcels they sit on.
      { id: 'projects-area', type: 'fill', filter: AREA, paint: areaPaint(['get', 'color'], 0.27) },
      { id: 'projects-edge', type: 'line', filter: AREA, layout: ROUND, paint: { 'line-color': ['get', 'color'], 'line-opacity': 0.92, 'line-width': 2 } },
      { id: 'projects-line', type: 'line', filter: LINE, layout: ROUND, paint: { 'line-color': ['get', 'color'], 'line-opacity': 0.92, 'line-width': 3.5 } },
      { id: 'projects-point', type: 'circle', filter: geometryIs('Point', 'MultiPoint'), paint: CIRCLE_PAINT },
    ],
    'projects',
    { visible, pick: 'project' },
  );
  return null;
}
