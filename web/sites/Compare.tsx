import { useMemo, useState } from 'react';
import { formatDate, formatNumber } from '../i18n/format.ts';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { fill } from '../i18n/strings.ts';
import { proposeCounterpart } from './comparePair.ts';
import type { TimelinePhoto } from './PhotoTimeline.tsx';

type Mode = 'side' | 'slider';

/**
 * Before and after: the photo picked and, proposed, the one of another day taken nearest the
 * same spot and bearing (computed here, on the photos the page already has), or another the
 * person picks. Side by side (stacked on a phone), or one over the other cut by a slider.
 */
export function Compare({ first, photos, onClose }: { first: TimelinePhoto; photos: readonly TimelinePhoto[]; onClose: () => void }) {
  const { t, lang } = useLanguage();
  const proposal = useMemo(() => proposeCounterpart(first, photos), [first, photos]);
  const [picked, setPicked] = useState<TimelinePhoto | null>(null);
  const second = picked ?? proposal?.photo ?? null;
  const [mode, setMode] = useState<Mode>('side');
  const [split, setSplit] = useState(50);
  const others = photos.filter((p) => p.day !== first.day);
  // The older one is "before", whichever was picked first.
  const [before, after] = second && second.day > first.day ? [first, second] : second ? [second, first] : [first, null];

  return (
    <section className="site-section compare" data-testid="compare" data-mode={mode}>
      <div className="compare-head">
        <h3>{t('compare.title')}</h3>
        <div className="compare-modes">
          {(['side', 'slider'] as const).map((m) => (
            <button key={m} type="button" className="site-chip" aria-pressed={mode === m} data-testid={`compare-mode-${m}`} onClick={() => setMode(m)}>
              {t(`compare.${m}`)}
            </button>
          ))}
          <button type="button" className="site-chip compare-close" aria-label={t('sites.close')} onClick={onClose}>
            ×
          </button>
        </div>
      </div>
      {!second && <p className="sites-none">{t('compare.none')}</p>}
      {proposal && second === proposal.photo && (
        <p className="compare-apart">
          {fill(t('compare.apart'), { m: formatNumber(proposal.metres, 0), deg: proposal.degrees === null ? '?' : formatNumber(proposal.degrees, 0) })}
        </p>
      )}
      {after && mode === 'side' && (
        <div className="compare-side">
          <Shot photo={before} testId="compare-before" label={formatDate(before.day, lang)} />
          <Shot photo={after} testId="compare-after" label={formatDate(after.day, lang)} />
        </div>
      )}
      {after && mode === 'slider' && (
        <div className="compare-slide">
          <div className="compare-frame">
            <img src={before.urls.display} alt="" data-testid="compare-before" data-photo-id={before.id} />
            <div className="compare-clip" data-testid="compare-clip" style={{ clipPath: `inset(0 0 0 ${split}%)` }}>
              <img src={after.urls.display} alt="" data-testid="compare-after" data-photo-id={after.id} />
            </div>
            <span className="compare-divider" style={{ left: `${split}%` }} />
            <span className="compare-tag compare-tag--before">{formatDate(before.day, lang)}</span>
            <span className="compare-tag compare-tag--after">{formatDate(after.day, lang)}</span>
          </div>
          <input
            type="range"
            min={0}
            max={100}
            value={split}
            aria-label={t('compare.sliderLabel')}
            data-testid="compare-slider"
            onChange={(e) => setSplit(Number(e.target.value))}
          />
        </div>
      )}
      {others.length > 0 && (
        <div className="compare-pick">
          <span>{t('compare.pick')}</span>
          <div className="photo-strip">
            {others.map((p) => (
              <button
                key={p.id}
                type="button"
                className={p.id === second?.id ? 'photo-thumb photo-thumb--chosen' : 'photo-thumb'}
                data-testid="compare-candidate"
                data-photo-id={p.id}
                onClick={() => setPicked(p)}
              >
                <img src={p.urls.thumb} alt="" loading="lazy" width={80} height={60} />
              </button>
            ))}
          </div>
        </div>
      )}
    </section>
  );
}

function Shot({ photo, testId, label }: { photo: TimelinePhoto; testId: string; label: string }) {
  return (
    <figure>
      <img src={photo.urls.display} alt="" data-testid={testId} data-photo-id={photo.id} />
      <figcaption>{label}</figcaption>
    </figure>
  );
}
