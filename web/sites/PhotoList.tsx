import type { Geometry } from 'geojson';
import { useEffect, useState } from 'react';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { formatHeading, formatMetres } from '../i18n/format.ts';
import { fill } from '../i18n/strings.ts';
import { FAR_METRES, type PickedPhoto } from './capture.ts';

type Measure = typeof import('./siteDistance.ts').metresToSite;

/** turf, loaded the first time a photo has a position to measure (precached with the workspace: works offline). */
function useMeasure(needed: boolean): Measure | null {
  const [measure, setMeasure] = useState<Measure | null>(null);
  useEffect(() => {
    if (!needed || measure) return;
    let live = true;
    import('./siteDistance.ts').then(
      (m) => {
        if (live) setMeasure(() => m.metresToSite);
      },
      (error: unknown) => console.error('site distance:', error),
    );
    return () => {
      live = false;
    };
  }, [needed, measure]);
  return measure;
}

/** The photos picked for an inspection, before they are queued: what each shows, where it was taken, how far from the works. */
export function PhotoList({ photos, geometry, onRemove }: { photos: PickedPhoto[]; geometry: Geometry | null; onRemove: (id: string) => void }) {
  const measure = useMeasure(geometry !== null && photos.some((p) => p.position !== null));
  return (
    <ul className="photo-list">
      {photos.map((photo) => (
        <PhotoItem
          key={photo.id}
          photo={photo}
          distance={measure && geometry && photo.position ? measure(photo.position.lon, photo.position.lat, geometry) : null}
          onRemove={() => onRemove(photo.id)}
        />
      ))}
    </ul>
  );
}

function PhotoItem({ photo, distance, onRemove }: { photo: PickedPhoto; distance: number | null; onRemove: () => void }) {
  const { t, lang } = useLanguage();
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    const next = URL.createObjectURL(photo.blob);
    setUrl(next);
    return () => URL.revokeObjectURL(next);
  }, [photo.blob]);
  const p = photo.position;
  const far = distance !== null && distance > FAR_METRES;
  return (
    <li
      className={`photo-item${far ? ' photo-far' : ''}`}
      data-testid="inspection-photo"
      data-photo-id={photo.id}
      data-position={photo.locating ? 'pending' : (p?.source ?? 'none')}
      data-distance={distance === null ? undefined : distance.toFixed(1)}
      data-far={distance === null ? undefined : String(far)}
    >
      {url && <img src={url} alt={photo.name} width={88} height={88} />}
      <div className="photo-facts">
        <div className="photo-name">{photo.name}</div>
        {photo.converted && <div>{t('inspection.photoConverted')}</div>}
        <div>
          {photo.locating
            ? t('inspection.photoLocating')
            : !p
              ? t('inspection.photoNoPosition')
              : p.source === 'exif'
                ? t('inspection.photoExif')
                : fill(t('inspection.photoDevice'), { accuracy: Math.round(p.accuracy ?? 0) })}
        </div>
        {p?.bearing != null && <div>{fill(t('inspection.photoBearing'), { heading: formatHeading(p.bearing, lang) })}</div>}
        {distance !== null && <div>{fill(t('inspection.photoDistance'), { distance: formatMetres(distance, lang, 0) })}</div>}
        {far && (
          <div className="photo-far-flag" data-testid="inspection-photo-far">
            {fill(t('inspection.photoFar'), { limit: FAR_METRES })}
          </div>
        )}
      </div>
      <button type="button" className="photo-remove" data-testid="inspection-photo-remove" onClick={onRemove}>
        {t('inspection.photoRemove')}
      </button>
    </li>
  );
}
