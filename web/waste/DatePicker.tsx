import { useRef } from 'react';
import { formatDate } from '../i18n/format.ts';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { addDays } from './dates.ts';

/**
 * A day, shown on the Buddhist-era calendar in Thai ("1 ธ.ค. 2569"): the browser's own date input
 * shows CE years, so it only opens the calendar, under a label the reader can read. Arrows step
 * a day; days after `max` (today) have nothing to show.
 */
export function DatePicker({ value, max, onChange }: { value: string; max: string; onChange: (date: string) => void }) {
  const { t, lang } = useLanguage();
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className="waste-date" data-testid="waste-date" data-date={value}>
      <button type="button" className="waste-date-step" aria-label={t('waste.date.previous')} onClick={() => onChange(addDays(value, -1))}>
        ‹
      </button>
      <label className="waste-date-label">
        <span>{formatDate(value, lang)}</span>
        <input
          ref={input}
          type="date"
          value={value}
          max={max}
          aria-label={t('waste.date')}
          onClick={() => input.current?.showPicker?.()}
          onChange={(event) => event.target.value && onChange(event.target.value)}
        />
      </label>
      <button type="button" className="waste-date-step" aria-label={t('waste.date.next')} disabled={value >= max} onClick={() => onChange(addDays(value, 1))}>
        ›
      </button>
    </div>
  );
}
