import type { ParcelDetail } from '../api/client.ts';
import type { DetailRow } from '../city/describe.ts';
import { formatBaht, formatNationalId } from '../i18n/format.ts';
import type { Lang } from '../i18n/strings.ts';

/**
 * A parcel's owner and tax rows, from `GET /api/parcels/:id` (tiles never carry them), with a
 * dash where there is no value (state land has no owner, say).
 */
export function parcelPersonalRows(p: ParcelDetail['properties'], lang: Lang): DetailRow[] {
  return [
    { label: 'field.owner', field: 'owner_name', value: p.owner_name || '—' },
    { label: 'field.nationalId', field: 'national_id', value: formatNationalId(p.national_id) },
    { label: 'field.assessedValue', field: 'assessed_value', value: formatBaht(p.assessed_value, lang) },
    { label: 'field.taxDue', field: 'tax_due', value: formatBaht(p.tax_due, lang) },
  ];
}
