import type { api } from '../api/client.ts';
import type { MessageKey } from '../i18n/strings.ts';

/** The body of `PUT /api/sites/{id}/inspections/{client_id}`, as the server's schema types it. */
export type InspectionBody = Parameters<typeof api.putInspection>[2];
type SiteDetail = Awaited<ReturnType<typeof api.site>>;
/** One inspection of a site's history (`GET /api/sites/{id}`). */
export type SiteInspection = SiteDetail['inspections'][number];
export type Weather = NonNullable<InspectionBody['weather']>;
export type Severity = NonNullable<InspectionBody['defects']>[number]['severity'];

export const WEATHERS: readonly Weather[] = ['clear', 'cloudy', 'rain', 'storm'];
export const SEVERITIES: readonly Severity[] = ['minor', 'major', 'critical'];

export interface DefectDraft {
  /** Made here, kept on a resubmission: the server updates the defect with this id. */
  id: string;
  description: string;
  severity: Severity;
  assignee: string;
  /** `YYYY-MM-DD`, or empty. */
  dueOn: string;
}

/** The form as typed: strings as the inputs hold them, checked by `validate` before anything is queued. */
export interface InspectionDraft {
  /** `YYYY-MM-DDTHH:mm` on the phone's clock (a datetime-local input). */
  visitedAt: string;
  progress: string;
  workDone: string;
  weather: Weather | null;
  notes: string;
  defects: DefectDraft[];
}

/** The server's limits (server/sites/inspectionBody.ts), checked here so that nothing is queued to be refused. */
const MAX_TEXT = 10_000;
const MAX_DEFECT_TEXT = 2000;
const MAX_ASSIGNEE = 200;
export const MAX_DEFECTS = 50;
/** The server accepts a phone clock up to five minutes fast; one minute is enough for a person's "now". */
const FUTURE_SLACK_MS = 60_000;

/** A datetime-local value for an instant, on the phone's clock. */
export function localInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function emptyDraft(now: Date): InspectionDraft {
  return { visitedAt: localInput(now), progress: '', workDone: '', weather: null, notes: '', defects: [] };
}

/** A returned inspection as the form shows it again, its defects under their own ids. */
export function draftOf(inspection: SiteInspection): InspectionDraft {
  return {
    visitedAt: localInput(new Date(inspection.visited_at)),
    progress: String(inspection.progress_pct),
    workDone: inspection.work_done,
    weather: inspection.weather,
    notes: inspection.notes,
    defects: inspection.defects.map((d) => ({ id: d.id, description: d.description, severity: d.severity, assignee: d.assignee, dueOn: d.due_on ?? '' })),
  };
}

/** Field (`progress`, `defects.2.description`…) → what is wrong with it. */
export type DraftErrors = Record<string, MessageKey>;

/** What would be refused, field by field; empty when the draft may be queued. */
export function validate(draft: InspectionDraft, now: Date): DraftErrors {
  const errors: DraftErrors = {};
  const visited = new Date(draft.visitedAt);
  if (draft.visitedAt === '' || Number.isNaN(visited.getTime())) errors.visitedAt = 'inspection.error.visitedAt';
  else if (visited.getTime() > now.getTime() + FUTURE_SLACK_MS) errors.visitedAt = 'inspection.error.future';
  const progress = draft.progress.trim() === '' ? Number.NaN : Number(draft.progress);
  if (!Number.isFinite(progress) || progress < 0 || progress > 100) errors.progress = 'inspection.error.progress';
  if (draft.workDone.length > MAX_TEXT) errors.workDone = 'inspection.error.tooLong';
  if (draft.notes.length > MAX_TEXT) errors.notes = 'inspection.error.tooLong';
  if (draft.defects.length > MAX_DEFECTS) errors.defects = 'inspection.error.tooManyDefects';
  draft.defects.forEach((d, i) => {
    const description = d.description.trim();
    if (description === '') errors[`defects.${i}.description`] = 'inspection.error.defectDescription';
    else if (description.length > MAX_DEFECT_TEXT) errors[`defects.${i}.description`] = 'inspection.error.tooLong';
    if (d.assignee.trim().length > MAX_ASSIGNEE) errors[`defects.${i}.assignee`] = 'inspection.error.tooLong';
    if (d.dueOn !== '' && !/^\d{4}-\d{2}-\d{2}$/.test(d.dueOn)) errors[`defects.${i}.dueOn`] = 'inspection.error.date';
  });
  return errors;
}

/** The body sent for a draft that `validate` passed. */
export function bodyOf(draft: InspectionDraft): InspectionBody {
  const workDone = draft.workDone.trim();
  return {
    visited_at: new Date(draft.visitedAt).toISOString(),
    progress_pct: Number(draft.progress),
    notes: draft.notes.trim(),
    ...(workDone ? { work_done: workDone } : {}),
    ...(draft.weather ? { weather: draft.weather } : {}),
    ...(draft.defects.length > 0
      ? {
          defects: draft.defects.map((d) => ({
            id: d.id,
            description: d.description.trim(),
            severity: d.severity,
            ...(d.assignee.trim() ? { assignee: d.assignee.trim() } : {}),
            ...(d.dueOn ? { due_on: d.dueOn } : {}),
          })),
        }
      : {}),
  };
}
