import { useState } from 'react';
import { api } from '../api/client.ts';
import { useResource } from '../api/useResource.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { formatBaht, formatBuddhistDate, formatNumber } from '../i18n/format.ts';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { fill, localName } from '../i18n/strings.ts';

type Age = NonNullable<Awaited<ReturnType<typeof api.taxArrears>>>['rows'][number]['age'];

/**
 * A zone's arrears, oldest debts first, aged as the Revenue Division reports them (0–30, 31–90,
 * 91–365 days, over a year), with the same list as CSV. `version` changes after a payment.
 */
export function ArrearsList({ year, version, onOpen }: { year: number; version: number; onOpen: (id: number, code: string | null) => void }) {
  const { t, lang } = useLanguage();
  const { permissions } = useAuth();
  const zones = useResource('zones', () => api.zones());
  // Someone scoped to zones sees theirs; the first of them is where the list starts.
  const [zone, setZone] = useState<number | null>(() => permissions.zones?.[0] ?? null);
  const choices = (zones.data?.features ?? []).filter((z) => permissions.zones === null || permissions.zones.includes(z.properties.id));
  const chosen = zone ?? choices[0]?.properties.id ?? null;
  const arrears = useResource(`tax-arrears:${year}:${chosen}:${version}`, (signal) =>
    chosen === null ? Promise.resolve(null) : api.taxArrears({ year, zone: chosen }, signal),
  );
  const rows = arrears.data?.rows ?? [];

  return (
    <section className="tax-section" data-testid="tax-arrears">
      <h3>{t('tax.arrears.title')}</h3>
      <label className="tax-zone">
        <span>{t('field.zone')}</span>
        <select data-testid="tax-arrears-zone" value={chosen ?? ''} onChange={(e) => setZone(Number(e.target.value))}>
          {choices.map((z) => (
            <option key={z.properties.id} value={z.properties.id}>
              {localName(z.properties, lang)}
            </option>
          ))}
        </select>
      </label>
      {arrears.error && <p className="form-error">{arrears.error.message}</p>}
      {arrears.data && (
        <ul className="tax-ages" data-testid="tax-arrears-ages">
          {/* The server's ages, youngest first, each with its total. */}
          {Object.entries(arrears.data.totals).map(([age, total]) => (
            <li key={age} data-age={age}>
              <b>{t(`tax.age.${age as Age}`)}</b> {fill(t('tax.arrears.bills'), { count: formatNumber(total.bills) })} · {formatBaht(total.owed, lang)}
            </li>
          ))}
        </ul>
      )}
      {arrears.data && rows.length === 0 && <p className="hint">{t('tax.arrears.none')}</p>}
      <ol className="tax-arrears-list" data-testid="tax-arrears-list">
        {rows.slice(0, 100).map((row) => (
          <li key={`${row.parcel_id}:${row.year}`}>
            <button
              type="button"
              className="tax-found-row"
              data-testid="tax-arrears-row"
              data-parcel={row.parcel_id}
              onClick={() => onOpen(row.parcel_id, row.map_code)}
            >
              <b>{row.map_code}</b>
              <span>{formatBaht(row.owed, lang)}</span>
              <span className="tax-meta">
                {row.year !== year ? `${row.year} · ` : ''}
                {fill(t('tax.arrears.since'), { date: formatBuddhistDate(row.owed_since, lang), days: formatNumber(row.days_overdue) })}
              </span>
            </button>
          </li>
        ))}
      </ol>
      {rows.length > 100 && <p className="hint">{fill(t('tax.arrears.more'), { count: formatNumber(rows.length - 100) })}</p>}
      {chosen !== null && (
        <a className="tax-csv" href={api.taxArrearsCsvUrl({ year, zone: chosen })} download data-testid="tax-arrears-csv">
          {t('tax.csv')}
        </a>
      )}
    </section>
  );
}
