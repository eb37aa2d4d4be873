import type { Queryable } from '../../db/index.ts';

type CollectionBy = 'zone' | 'community';

/** One zone's or community's figures for a tax year: never a parcel's. */
export interface CollectionRow {
  id: number;
  name_th: string;
  name_en: string;
  bills: number;
  /** The tax assessed, in baht. */
  assessed: number;
  /** The tax paid of it by then (penalties and surcharges not counted). */
  collected: number;
  /** collected ÷ assessed; null where nothing was assessed. */
  rate: number | null;
  /** What overdue bills still owe. */
  arrears: number;
  overdue_bills: number;
}

/** Fixed text per grouping: never built from input. */
const AREAS: Record<CollectionBy, { table: string; key: string }> = {
  zone: { table: 'zones', key: 'zone_id' },
  community: { table: 'communities', key: 'community_id' },
};

/**
 * The collection figures of `year` as of `asOf` (tax_bill_status), for every zone or community,
 * those without bills included (with zeros).
 */
export async function collection(db: Queryable, year: number, asOf: string, by: CollectionBy): Promise<CollectionRow[]> {
  const { table, key } = AREAS[by];
  return db.query<CollectionRow>(
    `WITH s AS (SELECT t.*, p.${key} AS area_id FROM tax_bill_status($2::date) AS t JOIN parcels p ON p.id = t.parcel_id WHERE t.year = $1)
     SELECT a.id, a.name_th, a.name_en, count(s.bill_id)::int AS bills,
            coalesce(sum(s.tax), 0)::float8 AS assessed, coalesce(sum(s.paid), 0)::float8 AS collected,
            (sum(s.paid) / nullif(sum(s.tax), 0))::float8 AS rate,
            coalesce(sum(s.owed) FILTER (WHERE s.status = 'overdue'), 0)::float8 AS arrears,
            count(*) FILTER (WHERE s.status = 'overdue')::int AS overdue_bills
     FROM ${table} a LEFT JOIN s ON s.area_id = a.id
     GROUP BY a.id, a.name_th, a.name_en
     ORDER BY a.id`,
    [year, asOf],
  );
}
