import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { FieldError } from './FieldError.tsx';
import { type DefectDraft, type DraftErrors, MAX_DEFECTS, SEVERITIES } from './inspectionDraft.ts';
import { clientId } from './ids.ts';

/** The defects found on a visit: a row each, added and removed; each has its own id from the start. */
export function DefectRows({ defects, errors, onChange }: { defects: DefectDraft[]; errors: DraftErrors; onChange: (next: DefectDraft[]) => void }) {
  const { t } = useLanguage();
  const set = (i: number, change: Partial<DefectDraft>) => onChange(defects.map((d, j) => (j === i ? { ...d, ...change } : d)));
  return (
    <fieldset className="defects" data-testid="inspection-defects">
      <legend>{t('inspection.defects')}</legend>
      {defects.map((d, i) => (
        <div key={d.id} className="defect-row" data-testid="defect-row" data-defect-id={d.id}>
          <label>
            {t('inspection.defectDescription')}
            <input
              value={d.description}
              data-testid="defect-description"
              aria-invalid={errors[`defects.${i}.description`] ? true : undefined}
              onChange={(e) => set(i, { description: e.target.value })}
            />
            <FieldError errors={errors} field={`defects.${i}.description`} />
          </label>
          <fieldset className="defect-severity">
            <legend>{t('inspection.defectSeverity')}</legend>
            {SEVERITIES.map((s) => (
              <button
                key={s}
                type="button"
                aria-pressed={d.severity === s}
                className={`choice severity-${s}`}
                data-testid={`defect-severity-${s}`}
                onClick={() => set(i, { severity: s })}
              >
                {t(`inspection.severity.${s}`)}
              </button>
            ))}
          </fieldset>
          <div className="defect-pair">
            <label>
              {t('inspection.defectAssignee')}
              <input value={d.assignee} data-testid="defect-assignee" onChange={(e) => set(i, { assignee: e.target.value })} />
              <FieldError errors={errors} field={`defects.${i}.assignee`} />
            </label>
            <label>
              {t('inspection.defectDue')}
              <input type="date" value={d.dueOn} data-testid="defect-due" onChange={(e) => set(i, { dueOn: e.target.value })} />
              <FieldError errors={errors} field={`defects.${i}.dueOn`} />
            </label>
          </div>
          <button type="button" className="link-button" data-testid="defect-remove" onClick={() => onChange(defects.filter((_, j) => j !== i))}>
            {t('inspection.defectRemove')}
          </button>
        </div>
      ))}
      <FieldError errors={errors} field="defects" />
      {defects.length < MAX_DEFECTS && (
        <button
          type="button"
          className="secondary"
          data-testid="defect-add"
          onClick={() => onChange([...defects, { id: clientId(), description: '', severity: 'minor', assignee: '', dueOn: '' }])}
        >
          {t('inspection.defectAdd')}
        </button>
      )}
    </fieldset>
  );
}
