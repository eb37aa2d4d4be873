import './projects.css';
import { api, type ProjectQuery } from '../api/client.ts';
import { useResource } from '../api/useResource.ts';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { formatFiscalYearShort } from '../i18n/format.ts';
import { localName } from '../i18n/strings.ts';

/** Narrow the projects to one budget year or one strategy of the development plan. */
export function ProjectFilter({ value, onChange }: { value: ProjectQuery; onChange: (next: ProjectQuery) => void }) {
  const { t, lang } = useLanguage();
  const plan = useResource('plan', () => api.plan());
  if (!plan.data) return null;
  const { fiscal_years, strategies } = plan.data;

  return (
    <div className="project-filter">
      <label>
        <span>{t('filter.fiscalYear')}</span>
        <select
          data-testid="filter-fy"
          value={value.fy ?? ''}
          onChange={(e) => onChange({ ...value, fy: e.target.value ? Number(e.target.value) : undefined })}
        >
          <option value="">{t('filter.all')}</option>
          {fiscal_years.map((fy) => (
            <option key={fy} value={fy}>
              {formatFiscalYearShort(fy, lang)}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{t('filter.strategy')}</span>
        <select data-testid="filter-strategy" value={value.strategy ?? ''} onChange={(e) => onChange({ ...value, strategy: e.target.value || undefined })}>
          <option value="">{t('filter.all')}</option>
          {strategies.map((s) => (
            <option key={s.id} value={s.id}>
              {s.id} · {localName(s, lang)}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
