import { useLanguage } from '../i18n/LanguageProvider.tsx';
import type { DraftErrors } from './inspectionDraft.ts';

/** What is wrong with one field of the inspection form, under it. */
export function FieldError({ errors, field }: { errors: DraftErrors; field: string }) {
  const { t } = useLanguage();
  const key = errors[field];
  if (!key) return null;
  return (
    <span className="field-error" data-testid="field-error" data-field={field} role="alert">
      {t(key)}
    </span>
  );
}
