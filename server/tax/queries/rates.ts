import type { Queryable } from '../../db/index.ts';
import type { RateBand, TaxCategory, YearRules } from '../calc.ts';

/** A tax year's figures and its rate bands, or null for a year the tables do not hold. */
export async function loadYearRules(db: Queryable, year: number): Promise<YearRules | null> {
  const [row] = await db.query<Omit<YearRules, 'bands'> & { bands: (RateBand & { category: TaxCategory })[] }>(
    `SELECT y.year, y.notice_by::text AS notice_by, y.due_date::text AS due_date, y.reduction_pct::float8 AS reduction_pct,
            y.residence_exempt::float8 AS residence_exempt, y.building_only_exempt::float8 AS building_only_exempt,
            y.vacant_step_pct::float8 AS vacant_step_pct, y.vacant_step_years, y.vacant_max_pct::float8 AS vacant_max_pct,
            y.instalment_min::float8 AS instalment_min, y.instalments,
            (SELECT coalesce(json_agg(json_build_object('category', b.category, 'from', b.band_from::float8,
                                                        'to', b.band_to::float8, 'rate_pct', b.rate_pct::float8)
                                      ORDER BY b.category, b.band_from), '[]')
             FROM tax_rate_bands b WHERE b.year = y.year) AS bands
     FROM tax_years y
     WHERE y.year = $1`,
    [year],
  );
  if (!row) return null;
  const bands: Record<TaxCategory, RateBand[]> = { agriculture: [], residence_owner: [], residence_building: [], residential: [], other: [], vacant: [] };
  for (const { category, from, to, rate_pct } of row.bands) bands[category].push({ from, to, rate_pct });
  return { ...row, bands };
}
