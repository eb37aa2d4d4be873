import type { ParcelTax } from '../api/client.ts';
import { formatBaht, formatNumber } from '../i18n/format.ts';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import type { MessageKey } from '../i18n/strings.ts';

type TaxLine = ParcelTax['lines'][number];

/** "0 – 50,000,000", "50,000,000 ขึ้นไป" / "50,000,000 and above". */
function bandText(line: TaxLine, t: (key: MessageKey) => string): string {
  if (line.band_from === null) return '';
  if (line.band_to === null) return `${formatNumber(line.band_from)} ${t('tax.line.andAbove')}`;
  return `${formatNumber(line.band_from)} – ${formatNumber(line.band_to)}`;
}

/**
 * The calculation line by line, as the server computed it (server/tax/calc.ts): each use's
 * exemption, its value bands with base, rate and amount, the year's reduction, and the tax.
 */
export function CalculationTable({ lines, tax, testId }: { lines: readonly TaxLine[]; tax: number; testId?: string }) {
  const { t, lang } = useLanguage();
  return (
    <table className="tax-lines" data-testid={testId}>
      <thead>
        <tr>
          <th>{t('tax.line.use')}</th>
          <th>{t('tax.line.band')}</th>
          <th className="num">{t('tax.line.base')}</th>
          <th className="num">{t('tax.line.rate')}</th>
          <th className="num">{t('tax.line.amount')}</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((line, i) => (
          <tr
            // Lines have no id of their own: their place in the calculation is what they are.
            key={i}
            data-testid="tax-line"
            data-kind={line.kind}
            data-base={line.base}
            data-rate={line.rate_pct}
            data-amount={line.amount}
          >
            <td>
              {line.use ? t(`tax.use.${line.use}`) : t(`tax.line.${line.kind}`)}
              {line.use && line.kind !== 'band' && <span className="tax-meta"> · {t(`tax.line.${line.kind}`)}</span>}
              {line.kind === 'band' && line.category && line.category !== line.use && <span className="tax-meta"> · {t(`tax.category.${line.category}`)}</span>}
            </td>
            <td>{bandText(line, t)}</td>
            <td className="num">{formatNumber(line.base, 2)}</td>
            <td className="num">{line.kind === 'band' ? `${formatNumber(line.rate_pct, 2)}%` : ''}</td>
            <td className="num">{formatNumber(line.amount, 2)}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th colSpan={4}>{t('tax.line.total')}</th>
          <td className="num" data-testid="tax-total">
            {formatBaht(tax, lang)}
          </td>
        </tr>
      </tfoot>
    </table>
  );
}
