import { formatDate, formatNumber } from '../i18n/format.ts';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { fill } from '../i18n/strings.ts';
import { bangkokDay } from './SiteBits.tsx';
import type { SiteInspection, SitePhoto } from './types.ts';

/** A site's photo with the day it belongs to on the timeline: when it was taken, else its visit's day. */
export type TimelinePhoto = SitePhoto & { day: string };

/** Every photo of a site's inspections, newest day first, in the order taken within a day. */
export function timelinePhotos(inspections: readonly SiteInspection[]): TimelinePhoto[] {
  return inspections
    .flatMap((i) => i.photos.map((p) => ({ ...p, day: bangkokDay(p.taken_at ?? i.visited_at) })))
    .sort((a, b) => b.day.localeCompare(a.day) || (a.taken_at ?? '').localeCompare(b.taken_at ?? ''));
}

/** The photos as thumbnails by day; a far one says how far from the works it was taken. */
export function PhotoTimeline({ photos, onOpen }: { photos: readonly TimelinePhoto[]; onOpen: (photo: TimelinePhoto) => void }) {
  const { t, lang } = useLanguage();
  const days = [...new Set(photos.map((p) => p.day))];
  return (
    <section className="site-section photo-timeline" data-testid="photo-timeline">
      <h3>{t('sites.photos')}</h3>
      {photos.length === 0 && <p className="sites-none">{t('sites.noPhotos')}</p>}
      {days.map((day) => (
        <div key={day} className="photo-day">
          <div className="photo-day-label">{formatDate(day, lang)}</div>
          <div className="photo-strip">
            {photos
              .filter((p) => p.day === day)
              .map((p) => (
                <button
                  key={p.id}
                  type="button"
                  className={p.far ? 'photo-thumb photo-thumb--far' : 'photo-thumb'}
                  data-testid="site-photo"
                  data-photo-id={p.id}
                  data-far={String(p.far)}
                  onClick={() => onOpen(p)}
                >
                  <img src={p.urls.thumb} alt="" loading="lazy" width={p.width >= p.height ? 120 : 90} height={90} />
                  {p.far && <span className="photo-far">{fill(t('sites.far'), { m: formatNumber(p.distance_m, 0) })}</span>}
                </button>
              ))}
          </div>
        </div>
      ))}
    </section>
  );
}
