import type { Queryable } from '../../db/index.ts';
import type { ParcelDescription } from '../calc.ts';

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
