import type { Queryable } from '../../db/index.ts';
import { utcIso } from '../../db/sql.ts';
import type { ParcelDescription } from '../calc.ts';
import type { Due } from '../taxYear.ts';

/**
 * What the tax of each parcel depends on in `year` (all parcels, or those of `parcelIds`), in
 * one query: the land's value (area × appraisal per m²), its use shares, its buildings valued
 * for the year (building_value), the owner's residence on it, its exemption and vacant years.
 * A parcel with no appraisal yet has a land value of 0.
 */
export async function describeParcels(db: Queryable, year: number, parcelIds: readonly number[] | null): Promise<Map<number, ParcelDescription>> {
  const rows = await db.query<ParcelDescription & { id: number }>(
    `SELECT p.id, round((p.area_m2 * coalesce(p.land_price_m2, 0))::numeric, 2)::float8 AS land_value,
            coalesce(u.uses, '[]') AS uses, coalesce(b.buildings, '[]') AS buildings, b.residence,
            p.exemption, p.vacant_years
     FROM parcels p
     LEFT JOIN LATERAL (
       SELECT json_agg(json_build_object('use', pu.use, 'share', pu.share::float8) ORDER BY pu.use) AS uses
       FROM parcel_uses pu WHERE pu.parcel_id = p.id) AS u ON true
     LEFT JOIN LATERAL (
       SELECT json_agg(json_build_object('use', bd.use, 'value',
                         building_value(bd.floor_area_m2, t.cost_m2, t.depreciation_pct, t.depreciation_max_pct, bd.year_built, $1)::float8)
                       ORDER BY bd.id) AS buildings,
              CASE WHEN bool_or(bd.residence = 'owner') THEN 'owner' WHEN bool_or(bd.residence = 'building_only') THEN 'building_only' END AS residence
       FROM buildings bd JOIN building_types t ON t.code = bd.building_type
       WHERE bd.parcel_id = p.id) AS b ON true
     WHERE $2::int[] IS NULL OR p.id = ANY($2)`,
    [year, parcelIds],
  );
  return new Map(rows.map(({ id, ...description }) => [id, description]));
}

/** The due dates of a bill paid in `parts` instalments from `dueDate` (instalment_dues), in order. */
export async function dueDates(db: Queryable, dueDate: string, parts: number): Promise<string[]> {
  const rows = await db.query<{ due: string }>('SELECT d.due::text AS due FROM instalment_dues(0, $1::date, true, $2) AS d ORDER BY d.instalment', [
    dueDate,
    parts,
  ]);
  return rows.map((r) => r.due);
}

/** A payment as its receipt records it, with who took it. */
interface Payment {
  id: number;
  paid_on: string;
  instalment: number | null;
  tax_part: number;
  penalty: number;
  surcharge: number;
  receipt_no: string;
  received_by: string | null;
  recorded_at: string;
}

/** A bill as it stands on a day: its notice, what is paid and owed (tax_bill_status), its due dates and payments. */
export interface Bill {
  id: number;
  parcel_id: number;
  zone_id: number | null;
  year: number;
  assessed_value: number;
  tax: number;
  lines: unknown;
  notice_no: string;
  notice_date: string;
  due_date: string;
  instalments: boolean;
  warning_date: string | null;
  warning_deadline: string | null;
  status: 'paid' | 'part_paid' | 'unpaid' | 'overdue' | 'exempt';
  paid: number;
  owed: number;
  owed_since: string | null;
  dues: Due[];
  payments: Payment[];
}

/** The bills' columns as of $1, from tax_bills b, tax_years y and parcels p. */
const BILL_COLUMNS = `
  b.id, b.parcel_id, p.zone_id, b.year, b.assessed_value::float8 AS assessed_value, b.tax::float8 AS tax, b.lines,
  b.notice_no, b.notice_date::text AS notice_date, b.due_date::text AS due_date, b.instalments,
  b.warning_date::text AS warning_date, b.warning_deadline::text AS warning_deadline,
  s.status, s.paid::float8 AS paid, s.owed::float8 AS owed, s.owed_since::text AS owed_since,
  (SELECT json_agg(json_build_object('instalment', d.instalment, 'due', d.due, 'amount', d.amount::float8) ORDER BY d.instalment)
   FROM instalment_dues(b.tax, b.due_date, b.instalments, y.instalments) AS d) AS dues,
  (SELECT coalesce(json_agg(json_build_object('id', t.id, 'paid_on', t.paid_on, 'instalment', t.instalment,
                                              'tax_part', t.tax_part::float8, 'penalty', t.penalty::float8,
                                              'surcharge', t.surcharge::float8, 'receipt_no', t.receipt_no,
                                              'received_by', u.display_name,
                                              'recorded_at', ${utcIso('t.recorded_at')})
                            ORDER BY t.paid_on, t.id), '[]')
   FROM tax_payments t LEFT JOIN users u ON u.id = t.received_by WHERE t.bill_id = b.id) AS payments`;

const BILL_FROM = `
  FROM tax_bills b
  JOIN tax_years y ON y.year = b.year
  JOIN parcels p ON p.id = b.parcel_id
  JOIN tax_bill_status($1::date) AS s ON s.bill_id = b.id`;

/** The parcels' bills for a year as they stand on `asOf`, by parcel; a parcel without one is absent. */
export async function parcelBills(db: Queryable, parcelIds: readonly number[], year: number, asOf: string): Promise<Map<number, Bill>> {
  const bills = await db.query<Bill>(`SELECT ${BILL_COLUMNS} ${BILL_FROM} WHERE b.parcel_id = ANY($2::int[]) AND b.year = $3`, [asOf, parcelIds, year]);
  return new Map(bills.map((bill) => [bill.parcel_id, bill]));
}

/**
 * A bill as it stands on `asOf`, locked until the transaction ends: two payments of one bill are
 * recorded one after the other, each against what the other left owing.
 */
export async function lockedBill(tx: Queryable, id: number, asOf: string): Promise<Bill | null> {
  const locked = await tx.query('SELECT id FROM tax_bills WHERE id = $1 FOR UPDATE', [id]);
  if (locked.length === 0) return null;
  const [bill] = await tx.query<Bill>(`SELECT ${BILL_COLUMNS} ${BILL_FROM} WHERE b.id = $2`, [asOf, id]);
  return bill ?? null;
}

type NewPayment = Pick<Payment, 'paid_on' | 'instalment' | 'tax_part' | 'penalty' | 'surcharge' | 'receipt_no'> & {
  bill_id: number;
  received_by: number | null;
};

/** Records a payment; null when its receipt number is on another payment already. */
export async function insertPayment(tx: Queryable, payment: NewPayment): Promise<{ id: number } | null> {
  const [row] = await tx.query<{ id: number }>(
    `INSERT INTO tax_payments (bill_id, paid_on, instalment, tax_part, penalty, surcharge, receipt_no, received_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (receipt_no) DO NOTHING
     RETURNING id`,
    [payment.bill_id, payment.paid_on, payment.instalment, payment.tax_part, payment.penalty, payment.surcharge, payment.receipt_no, payment.received_by],
  );
  return row ?? null;
}

/** The warning notice sent for a bill unpaid after its due date, and the date it sets for payment. */
export async function setWarning(tx: Queryable, id: number, warning: { warning_date: string; warning_deadline: string }): Promise<void> {
  await tx.query('UPDATE tax_bills SET warning_date = $2, warning_deadline = $3 WHERE id = $1', [id, warning.warning_date, warning.warning_deadline]);
}

/** The tax year the officers work on in `year` (billing_year: in January, last year's). */
export async function billingYear(db: Queryable, year: number): Promise<number> {
  const [row] = await db.query<{ year: number }>('SELECT billing_year($1) AS year', [year]);
  return row?.year ?? year;
}

/** Puts the parcels' status in the billing year, as of `today`, on parcels.tax_status (and so in their tiles). */
export async function refreshTaxStatus(tx: Queryable, year: number, today: string, parcelIds: readonly number[] | null): Promise<void> {
  await tx.query('SELECT refresh_tax_status(billing_year($1), $2::date, $3::int[])', [year, today, parcelIds]);
}
