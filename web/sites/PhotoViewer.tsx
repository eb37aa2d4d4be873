import { formatDateTime, formatHeading, formatNumber } from '../i18n/format.ts';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { fill } from '../i18n/strings.ts';
import type { TimelinePhoto } from './PhotoTimeline.tsx';

/** One photo at display size, with when, which way and how far from the works it was taken. */
export function PhotoViewer({ photo, onCompare, onClose }: { photo: TimelinePhoto; onCompare: () => void; onClose: () => void }) {
  const { t, lang } = useLanguage();
  return (
    <section className="site-section photo-viewer" data-testid="photo-viewer" data-photo-id={photo.id}>
      <img src={photo.urls.display} alt="" width={photo.width} height={photo.height} />
      <p className="photo-meta">
        {formatDateTime(photo.taken_at, lang)}
        {photo.bearing !== null && ` · ${formatHeading(photo.bearing, lang)}`}
        {photo.distance_m !== null && ` · ${fill(t('sites.far'), { m: formatNumber(photo.distance_m, 0) })}`}
      </p>
      <div className="photo-actions">
        <button type="button" className="site-button" data-testid="compare-open" onClick={onCompare}>
          {t('compare.open')}
        </button>
        <button type="button" className="site-button site-button--plain" onClick={onClose}>
          {t('sites.close')}
        </button>
      </div>
    </section>
  );
}
