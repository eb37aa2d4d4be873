import { useMemo } from 'react';
import type { ExpressionSpecification } from 'maplibre-gl';
import type { FeatureCollection } from 'geojson';
import { api, type ProjectQuery, projectStage } from '../api/client.ts';
import { byProperty } from '../map/expressions.ts';
import { STAGE_COLORS } from '../map/palette.ts';
import { useGeoJsonLayers } from '../map/useMapLayers.ts';
import { useLayerData } from '../map/useLayerData.ts';

const STAGE_COLOR = byProperty('stage', STAGE_COLORS, STAGE_COLORS.plan);
const geometryIs = (...types: string[]) => ['in', ['geometry-type'], ['literal', types]] as unknown as ExpressionSpecification;

/**
 * Plan projects are points (a pump), lines (a drain, a road) or areas (a park), coloured by how
 * far the money has moved: plan → approved → contracted → disbursed.
 */
export function ProjectsLayer({ visible, filter, version }: { visible: boolean; filter: ProjectQuery; version: number }) {
  // `version` changes when a project was edited here; the viewer is added by useResource.
  const key = `projects?fy=${filter.fy ?? ''}&strategy=${filter.strategy ?? ''}#${version}`;
  const { data } = useLayerData('projects', key, (signal) => api.projects(filter, signal));
  // The stage is worked out here (a project without one reads as planned), for the map to colour by.
  const staged = useMemo<FeatureCollection | null>(
    () =>
      data && {
        type: 'FeatureCollection',
        features: data.features.map((f) => ({ ...f, properties: { id: f.properties.id, stage: projectStage(f.properties) } })),
      },
    [data],
  );

  useGeoJsonLayers(
    'projects',
    staged,
    [
      // Area projects get a light wash so they never hide the parcels they sit on.
      { id: 'projects-area', type: 'fill', filter: geometryIs('Polygon', 'MultiPolygon'), paint: { 'fill-color': STAGE_COLOR, 'fill-opacity': 0.27 } },
      {
        id: 'projects-line',
        type: 'line',
        filter: geometryIs('LineString', 'MultiLineString', 'Polygon', 'MultiPolygon'),
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: { 'line-color': STAGE_COLOR, 'line-opacity': 0.92, 'line-width': ['case', geometryIs('Polygon', 'MultiPolygon'), 2, 3.5] },
      },
      {
        id: 'projects-point',
        type: 'circle',
        filter: geometryIs('Point', 'MultiPoint'),
        paint: {
          'circle-color': STAGE_COLOR,
          'circle-opacity': 0.92,
          // About 45 m across on the ground, never smaller than a fingertip's target nor bigger than a coin.
          'circle-radius': ['interpolate', ['exponential', 2], ['zoom'], 12, 4, 15, 9],
          'circle-stroke-color': 'rgba(255, 255, 255, 0.9)',
          'circle-stroke-width': 1.5,
        },
      },
    ],
    'projects',
    { visible, pick: 'project' },
  );
  return null;
}
