import './projects.css';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { ApiError, api, STAGES, type ProjectChange, type ProjectFeature, type Stage, projectStage } from '../api/client.ts';
import { editableFormFields, type FormField } from '../auth/access.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { formatDate } from '../i18n/format.ts';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import type { MessageKey } from '../i18n/strings.ts';

const LABELS: Record<FormField, MessageKey> = {
  name_th: 'field.nameTh',
  name_en: 'field.nameEn',
  stage: 'field.stage',
  budget: 'field.budget',
  approved_amount: 'field.approved',
  contract_amount: 'field.contract',
  disbursed_amount: 'field.disbursed',
  as_of: 'field.asOf',
};

const AMOUNTS = ['budget', 'approved_amount', 'contract_amount', 'disbursed_amount'] as const;
type AmountField = (typeof AMOUNTS)[number];
const isAmount = (field: FormField): field is AmountField => (AMOUNTS as readonly string[]).includes(field);

type Values = Record<FormField, string>;

function initialValues(p: ProjectFeature['properties']): Values {
  const amount = (value: number | null) => (value === null ? '' : String(value));
  return {
    name_th: p.name_th,
    name_en: p.name_en,
    stage: projectStage(p),
    budget: amount(p.budget),
    approved_amount: amount(p.approved_amount),
    contract_amount: amount(p.contract_amount),
    disbursed_amount: amount(p.disbursed_amount),
    as_of: p.as_of,
  };
}

/** "1,234.50" or "1234.5" → 1234.5; empty → null; anything else → NaN. */
function parseAmount(text: string): number | null {
  const trimmed = text.trim().replace(/,/g, '');
  if (trimmed === '') return null;
  return /^\d+(\.\d{1,2})?$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}

interface ProjectEditFormProps {
  project: ProjectFeature;
  onSaved: (updated: ProjectFeature) => void;
  onCancel: () => void;
}

/**
 * Edits the fields of a project this viewer may change, and only those: an engineer sees the
 * stage and the as-of date, a planner the names, stage, amounts and date. Sends only what
 * changed; a refusal from the server is shown beside the field it names.
 */
export function ProjectEditForm({ project, onSaved, onCancel }: ProjectEditFormProps) {
  const { t, lang } = useLanguage();
  const { permissions } = useAuth();
  const fields = useMemo(() => editableFormFields(permissions), [permissions]);
  const initial = useMemo(() => initialValues(project.properties), [project]);
  const [values, setValues] = useState<Values>(initial);
  const [errors, setErrors] = useState<Partial<Record<FormField, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = useId();

  const set = (field: FormField, value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    setErrors((e) => ({ ...e, [field]: undefined }));
  };

  /** The change to send, or the problems found before sending anything. */
  const collect = (): { change: ProjectChange; problems: Partial<Record<FormField, string>> } => {
    const change: ProjectChange = {};
    const problems: Partial<Record<FormField, string>> = {};
    for (const field of fields) {
      const text = values[field];
      if (text === initial[field]) continue;
      if (isAmount(field)) {
        const amount = parseAmount(text);
        if (amount === null && field === 'budget') problems[field] = t('edit.required');
        else if (amount !== null && !Number.isFinite(amount)) problems[field] = t('edit.notNumber');
        else if (field === 'budget') change.budget = amount ?? 0;
        else change[field] = amount;
      } else if (field === 'stage') {
        change.stage = text as Stage;
      } else if (text.trim() === '') {
        problems[field] = t('edit.required');
      } else {
        change[field] = text.trim();
      }
    }
    return { change, problems };
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const { change, problems } = collect();
    setFormError(null);
    if (Object.keys(problems).length > 0) {
      setErrors(problems);
      return;
    }
    if (Object.keys(change).length === 0) {
      onCancel();
      return;
    }
    setBusy(true);
    try {
      const updated = await api.updateProject(project.properties.id, change);
      onSaved(updated ?? (await api.project(project.properties.id)));
    } catch (caught) {
      if (caught instanceof ApiError && caught.field && (fields as string[]).includes(caught.field)) {
        const prefix = caught.status === 403 ? `${t('edit.error.forbidden')}: ` : '';
        setErrors({ [caught.field]: prefix + caught.detail });
      } else if (caught instanceof ApiError && caught.status === 401) {
        setFormError(t('edit.error.expired'));
      } else if (caught instanceof ApiError) {
        setFormError(`${t('edit.error')}: ${caught.detail}`);
      } else {
        setFormError(t('auth.error.network'));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="edit-form" data-testid="project-edit-form" onSubmit={submit} aria-label={t('edit.title')}>
      <h3>{t('edit.title')}</h3>
      {fields.map((field, index) => {
        const id = `${ids}-${field}`;
        const error = errors[field];
        const common = {
          id,
          autoFocus: index === 0,
          name: field,
          'data-testid': `edit-${field}`,
          'aria-invalid': error ? true : undefined,
          'aria-describedby': error ? `${id}-error` : undefined,
          value: values[field],
        };
        return (
          <div key={field} className="edit-row" data-field={field}>
            <label htmlFor={id}>{t(LABELS[field])}</label>
            {field === 'stage' ? (
              <select {...common} onChange={(e) => set(field, e.target.value)}>
                {STAGES.map((stage) => (
                  <option key={stage} value={stage}>
                    {t(`stage.${stage}`)}
                  </option>
                ))}
              </select>
            ) : field === 'as_of' ? (
              <>
                <input {...common} type="date" required onChange={(e) => set(field, e.target.value)} />
                {lang === 'th' && values.as_of && <span className="edit-hint">{formatDate(values.as_of, 'th')}</span>}
              </>
            ) : isAmount(field) ? (
              <input
                {...common}
                inputMode="decimal"
                autoComplete="off"
                required={field === 'budget'}
                placeholder={field === 'budget' ? undefined : t('edit.emptyMeansNone')}
                onChange={(e) => set(field, e.target.value)}
              />
            ) : (
              <input {...common} required maxLength={300} onChange={(e) => set(field, e.target.value)} />
            )}
            {error && (
              <p id={`${id}-error`} className="field-error" data-testid={`edit-error-${field}`}>
                {error}
              </p>
            )}
          </div>
        );
      })}
      {formError && (
        <p className="form-error" role="alert" data-testid="edit-error">
          {formError}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onCancel} disabled={busy}>
          {t('edit.cancel')}
        </button>
        <button type="submit" className="button button-primary" data-testid="edit-save" disabled={busy}>
          {busy ? t('edit.saving') : t('edit.save')}
        </button>
      </div>
    </form>
  );
}
