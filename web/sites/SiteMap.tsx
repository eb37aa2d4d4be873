import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { type LngLatBoundsLike, Marker } from 'maplibre-gl';
import { useEffect, useMemo } from 'react';
import { CityBase } from '../map/CityBase.tsx';
import { useMap } from '../map/MapContext.ts';
import { MapView } from '../map/MapView.tsx';
import { type LayerWithoutSource, useGeoJsonLayers } from '../map/useMapLayers.ts';
import type { TimelinePhoto } from './PhotoTimeline.tsx';

const WORKS_COLOUR = '#c2410c';

/** The works as the plan draws a project: an area, a line or a point, whichever its geometry is. */
const WORKS_LAYERS: LayerWithoutSource[] = [
  { id: 'site-works-fill', type: 'fill', filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': WORKS_COLOUR, 'fill-opacity': 0.25 } },
  { id: 'site-works-line', type: 'line', paint: { 'line-color': WORKS_COLOUR, 'line-width': 4 }, layout: { 'line-cap': 'round', 'line-join': 'round' } },
  // At every vertex too: a short stretch of road is a dot at the zoom that also shows a photo taken far from it.
  {
    id: 'site-works-point',
    type: 'circle',
    paint: { 'circle-color': WORKS_COLOUR, 'circle-radius': 7, 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 },
  },
];

/** Every position of a geometry, whatever its type. */
function positions(geometry: Geometry): number[][] {
  switch (geometry.type) {
    case 'Point':
      return [geometry.coordinates];
    case 'MultiPoint':
    case 'LineString':
      return geometry.coordinates;
    case 'MultiLineString':
    case 'Polygon':
      return geometry.coordinates.flat();
    case 'MultiPolygon':
      return geometry.coordinates.flat(2);
    case 'GeometryCollection':
      return geometry.geometries.flatMap(positions);
  }
}

/**
 * The site's map (a lazily loaded chunk: MapLibre is never part of the list's code): the city's
 * base, the works, and each photo as an HTML marker where it was taken, with an arrow the way the
 * camera faced; one taken far from the works in another colour. The markers carry their
 * position as data attributes, so the tests read where they are without reading WebGL pixels.
 */
export default function SiteMap({
  geometry,
  photos,
  onOpen,
}: {
  geometry: Geometry | null;
  photos: readonly TimelinePhoto[];
  onOpen: (photo: TimelinePhoto) => void;
}) {
  return (
    <div className="site-map" data-testid="site-map">
      <MapView requires={['boundary', 'basemap']}>
        <CityBase fit={false} />
        <SiteFeatures geometry={geometry} photos={photos} onOpen={onOpen} />
      </MapView>
    </div>
  );
}

function SiteFeatures({ geometry, photos, onOpen }: { geometry: Geometry | null; photos: readonly TimelinePhoto[]; onOpen: (photo: TimelinePhoto) => void }) {
  const map = useMap();
  const works = useMemo<FeatureCollection | null>(
    () => (geometry ? { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry } satisfies Feature] } : null),
    [geometry],
  );
  useGeoJsonLayers('site-works', works, WORKS_LAYERS, 'projects');
  const placed = useMemo(() => photos.filter((p): p is TimelinePhoto & { lon: number; lat: number } => p.lon !== null && p.lat !== null), [photos]);

  // The works and every photo in view, once, before the first frame.
  // biome-ignore lint/correctness/useExhaustiveDependencies: framed once per site; later photos do not move the view.
  useEffect(() => {
    const all = [...(geometry ? positions(geometry) : []), ...placed.map((p) => [p.lon, p.lat])];
    if (all.length === 0) return;
    const lons = all.map((p) => p[0] as number);
    const lats = all.map((p) => p[1] as number);
    const bounds: LngLatBoundsLike = [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
    // Clear of the zoom buttons in the top right corner.
    map.fitBounds(bounds, { padding: { top: 30, right: 76, bottom: 30, left: 30 }, maxZoom: 18, animate: false });
  }, [map, geometry]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `onOpen` is the page's state setter, stable in effect.
  useEffect(() => {
    const markers = placed.map((photo) => {
      const element = document.createElement('button');
      element.type = 'button';
      element.className = photo.far ? 'photo-marker photo-marker--far' : 'photo-marker';
      Object.assign(element.dataset, {
        testid: 'photo-marker',
        photoId: photo.id,
        lon: String(photo.lon),
        lat: String(photo.lat),
        far: String(photo.far),
      });
      element.setAttribute('aria-label', photo.day);
      if (photo.bearing !== null) {
        const arrow = document.createElement('span');
        arrow.className = 'photo-marker-arrow';
        arrow.style.transform = `rotate(${photo.bearing}deg)`;
        element.append(arrow);
      }
      element.addEventListener('click', () => onOpen(photo));
      return new Marker({ element }).setLngLat([photo.lon, photo.lat]).addTo(map);
    });
    return () => {
      for (const marker of markers) marker.remove();
    };
  }, [map, placed]);

  return null;
}
