import type { Geometry } from 'geojson';
import { type FormEvent, useState } from 'react';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { fill } from '../i18n/strings.ts';
import { clientId } from './ids.ts';
import { enqueue, type NewOutboxEntry } from './outbox.ts';
import type { SiteInspection } from './types.ts';

/**
 * An inspection of one site, written into the outbox whether or not there is a network: the
 * inspection's PUT first, then one PUT per photo, each waiting for the inspection.
 */
export function InspectionForm({
  site,
}: {
  site: { id: number; name: string; geometry: Geometry | null; planned_pct?: number | null };
  /** An inspection returned to its author, to edit and send again (helper B's form takes it). */
  resubmit?: SiteInspection | undefined;
}) {
  const { t } = useLanguage();
  const [progress, setProgress] = useState('');
  const [notes, setNotes] = useState('');
  const [photos, setPhotos] = useState<File[]>([]);
  const [queued, setQueued] = useState<number | null>(null);
  // A new file input after each save: the browser's own input cannot be emptied by React.
  const [formKey, setFormKey] = useState(0);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const inspection = clientId();
    const visitedAt = new Date().toISOString();
    const common = { site: { id: site.id, name: site.name }, visitedAt };
    const entries: NewOutboxEntry[] = [
      {
        ...common,
        key: inspection,
        kind: 'inspection',
        url: `/api/sites/${site.id}/inspections/${inspection}`,
        body: JSON.stringify({ visited_at: visitedAt, progress_pct: Number(progress), notes }),
        contentType: 'application/json',
        dependsOn: null,
      },
      ...photos.map((photo): NewOutboxEntry => {
        const id = clientId();
        return {
          ...common,
          key: id,
          kind: 'photo',
          url: `/api/inspections/${inspection}/photos/${id}`,
          body: photo,
          contentType: photo.type || 'image/jpeg',
          dependsOn: inspection,
        };
      }),
    ];
    await enqueue(entries);
    setQueued(entries.length);
    setProgress('');
    setNotes('');
    setPhotos([]);
    setFormKey((k) => k + 1);
  };

  return (
    <form key={formKey} className="inspection-form" data-testid="inspection-form" onSubmit={(e) => void submit(e)}>
      <h2>{t('inspection.title')}</h2>
      <label>
        {t('inspection.progress')}
        <input
          type="number"
          inputMode="decimal"
          min={0}
          max={100}
          step="any"
          required
          value={progress}
          data-testid="inspection-progress"
          onChange={(e) => setProgress(e.target.value)}
        />
      </label>
      <label>
        {t('inspection.notes')}
        <textarea value={notes} required rows={3} data-testid="inspection-notes" onChange={(e) => setNotes(e.target.value)} />
      </label>
      <label>
        {t('inspection.photos')}
        <input
          type="file"
          accept="image/jpeg,image/png,image/webp"
          capture="environment"
          multiple
          data-testid="inspection-photos"
          onChange={(e) => setPhotos([...(e.target.files ?? [])])}
        />
      </label>
      <button type="submit" data-testid="inspection-save">
        {t('inspection.save')}
      </button>
      {queued !== null && (
        <p className="inspection-queued" role="status">
          {fill(t('inspection.queued'), { count: queued })}
        </p>
      )}
    </form>
  );
}
