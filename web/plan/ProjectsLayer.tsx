import { useMemo } from 'react';
import { GeoJsonLayer } from '@deck.gl/layers';
import { api, type ProjectProps, type ProjectQuery, projectStage } from '../api/client.ts';
import { useDeckLayers } from '../map/deck/DeckOverlay.tsx';
import { hexToRgba, STAGE_COLORS } from '../map/palette.ts';
import { useLayerData } from '../map/useLayerData.ts';

/**
 * Plan projects are points (a pump), lines (a drain, a road) or areas (a park), coloured by how
 * far the money has moved: plan → approved → contracted → disbursed.
 */
export function ProjectsLayer({ visible, filter, version }: { visible: boolean; filter: ProjectQuery; version: number }) {
  // `version` changes when a project was edited here; the viewer is added by useResource.
  const key = `projects?fy=${filter.fy ?? ''}&strategy=${filter.strategy ?? ''}#${version}`;
  const { data } = useLayerData('projects', key, (signal) => api.projects(filter, signal));

  const layers = useMemo(
    () =>
      data
        ? [
            new GeoJsonLayer<ProjectProps>({
              id: 'projects',
              data: data.features,
              visible,
              pickable: true,
              autoHighlight: true,
              highlightColor: [255, 214, 10, 200],
              filled: true,
              stroked: true,
              pointType: 'circle',
              // Area projects get a light wash so they never hide the parcels they sit on.
              getFillColor: (f) => hexToRgba(STAGE_COLORS[projectStage(f.properties)], f.geometry.type === 'Point' ? 235 : 70),
              getLineColor: (f) => (f.geometry.type === 'Point' ? [255, 255, 255, 230] : hexToRgba(STAGE_COLORS[projectStage(f.properties)], 235)),
              lineWidthUnits: 'pixels',
              getLineWidth: (f) => (f.geometry.type === 'Point' ? 1.5 : f.geometry.type.includes('Line') ? 3.5 : 2),
              lineCapRounded: true,
              lineJointRounded: true,
              pointRadiusUnits: 'meters',
              getPointRadius: 45,
              pointRadiusMinPixels: 4,
              pointRadiusMaxPixels: 9,
            }),
          ]
        : null,
    [data, visible],
  );
  useDeckLayers('projects', layers);
  return null;
}
