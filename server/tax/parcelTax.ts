import type { Queryable } from '../db/index.ts';
import type { ParcelFeature } from '../parcels/queries.ts';
import { assess, satang, type ParcelDescription, type YearRules } from './calc.ts';
import { describeParcels, parcelBills, type Bill } from './queries/bills.ts';
import { chargesFor } from './taxYear.ts';

/** A bill as a parcel's tax shows it: what it is, what it stands at, and what paying the rest today would cost. */
export function billView(bill: Bill, today: string) {
  const { parcel_id: _parcel, zone_id: _zone, ...shown } = bill;
  const warning = { warningDate: bill.warning_date, warningDeadline: bill.warning_deadline };
  const charges = bill.owed > 0 ? chargesFor(bill.dues, bill.paid, bill.owed, today, warning) : { penalty: 0, surcharge: 0 };
  const total = satang(bill.owed + charges.penalty + charges.surcharge);
  return { ...shown, owed_today: { tax: bill.owed, penalty: charges.penalty, surcharge: charges.surcharge, total } };
}

/**
 * Each parcel's tax in `rules.year`: its calculation from the register, its bill as it stands
 * `today`, in the parcels' order. One query for the descriptions and one for the bills, however
 * many parcels (a block's notices): what one parcel's panel and a batch of notices both show.
 */
export async function parcelTaxes(tx: Queryable, parcels: readonly ParcelFeature[], rules: YearRules, today: string) {
  const ids = parcels.map((f) => f.properties.id);
  const descriptions = await describeParcels(tx, rules.year, ids);
  const bills = await parcelBills(tx, ids, rules.year, today);
  return parcels.map((f) => {
    const description = descriptions.get(f.properties.id) as ParcelDescription;
    const bill = bills.get(f.properties.id);
    return { parcel: f.properties, year: rules.year, ...assess(description, rules), description, bill: bill ? billView(bill, today) : null };
  });
}
