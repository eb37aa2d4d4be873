import type { DetailRow } from '../city/describe.ts';
import { formatBaht, formatNationalId } from '../i18n/format.ts';
import type { Lang } from '../i18n/strings.ts';
import type { Selection } from '../map/selection.ts';

type ParcelProperties = Extract<Selection, { kind: 'parcel' }>['feature']['properties'];

/**
 * Owner and tax rows, only when the server sent any of these attributes (it does for the roles
 * that may see them). Vector tiles leave out empty values, so one present attribute is enough
 * to show all four, with a dash for the missing ones (state land has no owner, say).
 */
export function parcelPersonalRows(p: ParcelProperties, lang: Lang): DetailRow[] {
  const sent = ['owner_name', 'national_id', 'assessed_value', 'tax_due'].some((key) => key in p);
  if (!sent) return [];
  return [
    { label: 'field.owner', field: 'owner_name', value: p.owner_name || '—', section: 'details.personal' },
    { label: 'field.nationalId', field: 'national_id', value: formatNationalId(p.national_id) },
    { label: 'field.assessedValue', field: 'assessed_value', value: formatBaht(p.assessed_value, lang) },
    { label: 'field.taxDue', field: 'tax_due', value: formatBaht(p.tax_due, lang) },
  ];
}
