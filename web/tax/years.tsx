import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { BANGKOK_OFFSET_MS, toBuddhistYear } from '../i18n/format.ts';

/** The first tax year the Land and Building Tax Act B.E. 2562 applied to (the rates table starts there). */
const FIRST_TAX_YEAR = 2563;

/** This calendar year on the Bangkok clock, Buddhist-era: the newest a tax year can be. */
const thisYear = (): number => toBuddhistYear(new Date(Date.now() + BANGKOK_OFFSET_MS).getUTCFullYear());

/** The tax years since the Act, newest first; nothing until the year shown is known (the server's billing year). */
export function YearSelect({ value, onChange }: { value: number | undefined; onChange: (year: number) => void }) {
  const { t } = useLanguage();
  if (value === undefined) return null;
  const newest = Math.max(thisYear(), value);
  const years = Array.from({ length: newest - FIRST_TAX_YEAR + 1 }, (_, i) => newest - i);
  return (
    <label className="tax-year">
      <span>{t('tax.year')}</span>
      <select data-testid="tax-year" value={value} onChange={(e) => onChange(Number(e.target.value))}>
        {years.map((year) => (
          <option key={year} value={year}>
            {year}
          </option>
        ))}
      </select>
    </label>
  );
}
