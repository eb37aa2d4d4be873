import './inspection.css';
import { type ChangeEvent, type FormEvent, useState } from 'react';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { formatDateTime, formatNumber } from '../i18n/format.ts';
import { fill } from '../i18n/strings.ts';
import { locate, MAX_PHOTO_BYTES, MAX_PHOTOS, type PickedPhoto, type PhotoPosition, prepare, uploadQuery } from './capture.ts';
import { startCompass } from './compass.ts';
import { DefectRows } from './DefectRows.tsx';
import { FieldError } from './FieldError.tsx';
import { clientId } from './ids.ts';
import { bodyOf, type DraftErrors, draftOf, emptyDraft, type InspectionDraft, localInput, validate, WEATHERS } from './inspectionDraft.ts';
import { enqueue, type NewOutboxEntry } from './outbox.ts';
import type { InspectionFormProps } from './InspectionForm.tsx';
import { PhotoList } from './PhotoList.tsx';

/** What the server takes, and HEIC, which is re-encoded here (web/sites/capture.ts). */
const ACCEPT = 'image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif';

/**
 * An inspection of one site, written into the outbox whether or not there is a network: the
 * inspection's PUT first, then one PUT per photo, each waiting for the inspection. With
 * `resubmit` (an inspection returned to its author), the same inspection edited and sent again
 * under its own id, which the server takes as a resubmission.
 */
export function InspectionFormBody({ site, resubmit }: InspectionFormProps) {
  const { t, lang } = useLanguage();
  const [draft, setDraft] = useState<InspectionDraft>(() => (resubmit ? draftOf(resubmit) : emptyDraft(new Date())));
  const [errors, setErrors] = useState<DraftErrors>({});
  const [photos, setPhotos] = useState<PickedPhoto[]>([]);
  const [refusals, setRefusals] = useState<string[]>([]);
  const [queued, setQueued] = useState<number | null>(null);
  const [sentAgain, setSentAgain] = useState(false);
  // Once sent again, the form is a new inspection's: the returned one is on its way.
  const returned = resubmit && !sentAgain ? resubmit : undefined;
  const slots = MAX_PHOTOS - (returned?.photos.length ?? 0);
  const returnNote = returned && [...returned.reviews].reverse().find((r) => r.decision === 'return');
  // Files being read (decoded, re-encoded, their EXIF read): saving waits for them to be in the list.
  const [preparing, setPreparing] = useState(0);

  const edit = (change: Partial<InspectionDraft>) => setDraft((d) => ({ ...d, ...change }));

  const placed = (ids: string[], position: PhotoPosition | null) =>
    setPhotos((list) => list.map((p) => (ids.includes(p.id) ? { ...p, locating: false, position: p.position ?? position } : p)));

  const pick = async (event: ChangeEvent<HTMLInputElement>) => {
    const files = [...(event.target.files ?? [])];
    // Emptied, so that the next photo is another pick (the list here keeps the ones before).
    event.target.value = '';
    if (files.length === 0) return;
    // Where the phone is now, asked at once: the photos were just taken here.
    const fix = locate();
    const room = Math.max(0, slots - photos.length);
    const messages: string[] = [];
    if (files.length > room) messages.push(fill(t('inspection.refused.tooMany'), { max: MAX_PHOTOS, count: files.length - room }));
    const ready: PickedPhoto[] = [];
    setPreparing((n) => n + 1);
    try {
      for (const file of files.slice(0, room)) {
        const result = await prepare(file, clientId());
        if ('reason' in result) messages.push(fill(t(`inspection.refused.${result.reason}`), { name: result.name, mb: MAX_PHOTO_BYTES / 1024 / 1024 }));
        else ready.push(result.position ? result : { ...result, locating: true });
      }
    } finally {
      setPreparing((n) => n - 1);
    }
    setRefusals(messages);
    setQueued(null);
    setPhotos((list) => [...list, ...ready].slice(0, slots));
    const waiting = ready.filter((p) => p.locating).map((p) => p.id);
    if (waiting.length > 0) placed(waiting, await fix);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = validate(draft, new Date());
    const body = bodyOf(draft);
    // The same body again would be taken for a resend of the first (200, still returned).
    if (returned && Object.keys(found).length === 0 && JSON.stringify(body) === JSON.stringify(bodyOf(draftOf(returned)))) {
      found.form = 'inspection.error.unchanged';
    }
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const inspection = returned?.id ?? clientId();
    const common = { site: { id: site.id, name: site.name }, visitedAt: body.visited_at };
    const entries: NewOutboxEntry[] = [
      {
        ...common,
        key: inspection,
        kind: 'inspection',
        url: `/api/sites/${site.id}/inspections/${inspection}`,
        body: JSON.stringify(body),
        contentType: 'application/json',
        dependsOn: null,
      },
      ...photos.map(
        (photo): NewOutboxEntry => ({
          ...common,
          key: photo.id,
          kind: 'photo',
          url: `/api/inspections/${inspection}/photos/${photo.id}${uploadQuery(photo)}`,
          body: photo.blob,
          contentType: photo.contentType,
          dependsOn: inspection,
        }),
      ),
    ];
    await enqueue(entries);
    setQueued(entries.length);
    setDraft(emptyDraft(new Date()));
    setPhotos([]);
    setRefusals([]);
    if (returned) setSentAgain(true);
  };

  const errorCount = Object.keys(errors).length;
  return (
    <form
      className="inspection-form"
      data-testid="inspection-form"
      data-resubmit={returned ? returned.id : undefined}
      noValidate
      onSubmit={(e) => void submit(e)}
    >
      <h2>{t(returned ? 'inspection.resubmitTitle' : 'inspection.title')}</h2>
      {returnNote && (
        <p className="inspection-returned" data-testid="inspection-form-returned-note">
          {fill(t('inspection.returnedNote'), { name: returnNote.reviewer.display_name, note: returnNote.note })}
        </p>
      )}
      <label>
        {t('inspection.visitedAt')}
        <input
          type="datetime-local"
          value={draft.visitedAt}
          max={localInput(new Date())}
          data-testid="inspection-visited-at"
          aria-invalid={errors.visitedAt ? true : undefined}
          onChange={(e) => edit({ visitedAt: e.target.value })}
        />
        {draft.visitedAt && <span className="field-hint">{formatDateTime(new Date(draft.visitedAt).toISOString(), lang)}</span>}
        <FieldError errors={errors} field="visitedAt" />
      </label>
      <label>
        {t('inspection.progress')}
        <input
          type="number"
          inputMode="decimal"
          min={0}
          max={100}
          step="any"
          value={draft.progress}
          data-testid="inspection-progress"
          aria-invalid={errors.progress ? true : undefined}
          onChange={(e) => edit({ progress: e.target.value })}
        />
        {site.planned_pct != null && (
          <span className="field-hint" data-testid="inspection-planned">
            {fill(t('inspection.planned'), { pct: formatNumber(site.planned_pct, 1) })}
          </span>
        )}
        <FieldError errors={errors} field="progress" />
      </label>
      <label>
        {t('inspection.workDone')}
        <textarea value={draft.workDone} rows={2} data-testid="inspection-work-done" onChange={(e) => edit({ workDone: e.target.value })} />
        <FieldError errors={errors} field="workDone" />
      </label>
      <fieldset className="weather">
        <legend>{t('inspection.weather')}</legend>
        <div className="choices">
          {WEATHERS.map((w) => (
            <button
              key={w}
              type="button"
              aria-pressed={draft.weather === w}
              className={`choice weather-${w}`}
              data-testid={`inspection-weather-${w}`}
              onClick={() => edit({ weather: draft.weather === w ? null : w })}
            >
              {t(`inspection.weather.${w}`)}
            </button>
          ))}
        </div>
      </fieldset>
      <label>
        {t('inspection.notes')}
        <textarea value={draft.notes} rows={3} data-testid="inspection-notes" onChange={(e) => edit({ notes: e.target.value })} />
        <FieldError errors={errors} field="notes" />
      </label>
      <DefectRows defects={draft.defects} errors={errors} onChange={(defects) => edit({ defects })} />
      <fieldset className="photos">
        <legend>
          {t('inspection.photos')} <span className="photo-count">{fill(t('inspection.photoCount'), { count: photos.length, max: slots })}</span>
        </legend>
        <PhotoList photos={photos} geometry={site.geometry} onRemove={(id) => setPhotos((list) => list.filter((p) => p.id !== id))} />
        {refusals.map((message) => (
          <p key={message} className="field-error" data-testid="inspection-photo-refused" role="alert">
            {message}
          </p>
        ))}
        {photos.length < slots && (
          <div className="photo-picks">
            {/* The camera, or photos taken before (an iPhone's may be HEIC): two inputs, since `capture` opens only the camera. */}
            <label className="photo-pick">
              {t('inspection.photoCamera')}
              <input type="file" accept="image/*" capture="environment" data-testid="inspection-camera" onClick={startCompass} onChange={(e) => void pick(e)} />
            </label>
            <label className="photo-pick">
              {t('inspection.photoAdd')}
              <input type="file" accept={ACCEPT} multiple data-testid="inspection-photos" onClick={startCompass} onChange={(e) => void pick(e)} />
            </label>
          </div>
        )}
      </fieldset>
      {errorCount > 0 && (
        <p className="field-error" data-testid="inspection-errors" role="alert">
          {errors.form ? t(errors.form) : fill(t('inspection.errors'), { count: errorCount })}
        </p>
      )}
      <button type="submit" className="primary" data-testid="inspection-save" disabled={preparing > 0} aria-busy={preparing > 0}>
        {t(returned ? 'inspection.resubmit' : 'inspection.save')}
      </button>
      {queued !== null && (
        <p className="inspection-queued" role="status">
          {fill(t('inspection.queued'), { count: queued })}
        </p>
      )}
    </form>
  );
}
