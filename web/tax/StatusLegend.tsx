import { TAX_STATUSES } from '../api/client.ts';
import { formatNumber } from '../i18n/format.ts';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { Legend } from '../map/Legend.tsx';
import { TAX_STATUS_COLORS } from '../map/palette.ts';
import type { Found } from './TaxSearch.tsx';

/**
 * The map's key: each status in its colour, and once a search has found parcels, how many of
 * them are in each (the counts are the search answer's, as the server sent them).
 */
export function StatusLegend({ found }: { found: Found | null }) {
  const { t } = useLanguage();
  const count = (status: string) => found?.features.filter((f) => f.properties.tax_status === status).length ?? 0;
  return (
    <div className="tax-status-legend">
      <p className="tax-legend-title">{found ? t('tax.status.found') : t('tax.status.title')}</p>
      <Legend
        testId="tax-status-legend"
        shape="square"
        items={TAX_STATUSES.map((status) => ({
          key: status,
          color: TAX_STATUS_COLORS[status],
          label: found ? `${t(`tax.status.${status}`)} · ${formatNumber(count(status))}` : t(`tax.status.${status}`),
        }))}
      />
    </div>
  );
}
