import type { Polygon } from 'geojson';
import type { Queryable } from '../../db/index.ts';
import { queryFeatures } from '../../db/geojson.ts';
import { ownersOf, parcelsWhere, type ParcelView } from '../../parcels/queries.ts';

/** Thai letters sort by code point, the register's order, on both engines whatever their locale. */
const C = 'COLLATE "C"';

type CodeLevel = 'zone' | 'block' | 'lot';

/**
 * The next part of a tax-map code to choose: the map zones; the blocks of a zone; the lots of a
 * block, among the parcels in `zones` (null: all).
 */
export async function codeChoices(db: Queryable, zones: number[] | null, zone?: string, block?: string): Promise<{ level: CodeLevel; choices: string[] }> {
  const level: CodeLevel = zone === undefined ? 'zone' : block === undefined ? 'block' : 'lot';
  const column = { zone: 'p.map_zone', block: 'p.map_block', lot: 'p.map_lot' }[level];
  const rows = await db.query<{ code: string }>(
    `SELECT DISTINCT ${column} ${C} AS code
     FROM parcels p
     WHERE p.map_zone IS NOT NULL AND ($1::text IS NULL OR p.map_zone = $1) AND ($2::text IS NULL OR p.map_block = $2)
       AND ($3::int[] IS NULL OR p.zone_id = ANY($3))
     ORDER BY 1`,
    [zone ?? null, block ?? null, zones],
  );
  return { level, choices: rows.map((r) => r.code) };
}

export type ParcelSearch =
  | { by: 'code'; zone: string; block?: string; lot?: string }
  | { by: 'owner'; owner: string }
  | { by: 'national_id'; national_id: string }
  | { by: 'community'; community: number }
  | { by: 'point'; lon: number; lat: number };

/** The most parcels one search returns: a whole block or community, not the city. */
const SEARCH_LIMIT = 1000;

/** What each search matches, over parcels `p`: fixed text, its values as parameters. */
function searchCondition(search: ParcelSearch): { condition: string; params: unknown[] } {
  switch (search.by) {
    case 'code':
      return {
        condition: 'p.map_zone = $1 AND ($2::text IS NULL OR p.map_block = $2) AND ($3::text IS NULL OR p.map_lot = $3)',
        params: [search.zone, search.block ?? null, search.lot ?? null],
      };
    case 'owner':
      return {
        condition: `EXISTS (SELECT FROM parcel_owners po JOIN owners o ON o.id = po.owner_id
                            WHERE po.parcel_id = p.id AND strpos(lower(o.name_th), lower($1)) > 0)`,
        params: [search.owner],
      };
    case 'national_id':
      return {
        condition: 'EXISTS (SELECT FROM parcel_owners po JOIN owners o ON o.id = po.owner_id WHERE po.parcel_id = p.id AND o.national_id = $1)',
        params: [search.national_id],
      };
    case 'community':
      return { condition: 'p.community_id = $1', params: [search.community] };
    case 'point':
      return { condition: 'ST_Contains(p.geom, ST_SetSRID(ST_MakePoint($1::float8, $2::float8), 4326))', params: [search.lon, search.lat] };
  }
}

export function searchParcels(db: Queryable, view: ParcelView, search: ParcelSearch, limit = SEARCH_LIMIT) {
  const { condition, params } = searchCondition(search);
  return parcelsWhere(db, view, condition, params, limit);
}

export const ARREARS_AGES = ['0-30', '31-90', '91-365', '>365'] as const;
type ArrearsAge = (typeof ARREARS_AGES)[number];

export interface ArrearsRow {
  parcel_id: number;
  map_code: string | null;
  owners: string | null;
  year: number;
  owed: number;
  owed_since: string;
  days_overdue: number;
  age: ArrearsAge;
  community_id: number | null;
  zone_id: number | null;
}

/**
 * The bills overdue on `asOf` (tax_bill_status), of `year` or of every year, in `zones`: what the
 * arrears list, its export and the hot spots read. $1 as of, $2 year, $3 zones.
 */
const OVERDUE = `
  SELECT t.parcel_id, t.year, t.owed, t.owed_since, p.zone_id, p.community_id, p.geom,
         p.map_code
  FROM tax_bill_status($1::date) AS t
  JOIN parcels p ON p.id = t.parcel_id
  WHERE t.status = 'overdue' AND ($2::int IS NULL OR t.year = $2) AND ($3::int[] IS NULL OR p.zone_id = ANY($3))`;

/** The arrears, the longest overdue first, aged from the first unpaid due date. */
export async function arrears(db: Queryable, asOf: string, year: number | null, zones: number[] | null): Promise<ArrearsRow[]> {
  return db.query<ArrearsRow>(
    `SELECT a.parcel_id, a.map_code,
            ${ownersOf('o.name_th', 'a.parcel_id')} AS owners,
            a.year, a.owed::float8 AS owed, to_char(a.owed_since, 'YYYY-MM-DD') AS owed_since, d.days AS days_overdue,
            CASE WHEN d.days <= 30 THEN '0-30' WHEN d.days <= 90 THEN '31-90' WHEN d.days <= 365 THEN '91-365' ELSE '>365' END AS age,
            a.community_id, a.zone_id
     FROM (${OVERDUE}) AS a
     CROSS JOIN LATERAL (SELECT ($1::date - a.owed_since) AS days) AS d
     ORDER BY d.days DESC, a.parcel_id, a.year`,
    [asOf, year, zones],
  );
}

/** The hexagons' edge, in degrees: about 160 m, so a hexagon spans a few street blocks. */
const HEX_SIZE = 0.0015;
/** A hot spot: a hexagon with at least this many parcels in arrears (fewer could point at one owner). */
const HOTSPOT_MIN_PARCELS = 3;

/**
 * Hexagons (ST_HexagonGrid, one grid for the whole world) over the parcels in arrears, by where
 * each parcel's inner point falls. Each point asks for the hexagons over itself alone: a grid
 * over the whole city, joined to every point, took over a minute on the embedded engine.
 */
export function arrearsHotspots(db: Queryable, asOf: string, year: number | null, zones: number[] | null) {
  return queryFeatures<Polygon, { parcels: number; owed: number }>(
    db,
    `WITH owing AS (SELECT o.parcel_id, sum(o.owed) AS owed FROM (${OVERDUE}) AS o GROUP BY o.parcel_id),
          placed AS (
            -- A point on an edge touches two hexagons: it counts in the first.
            SELECT DISTINCT ON (owing.parcel_id) owing.owed, h.i, h.j, h.geom
            FROM owing JOIN parcels p ON p.id = owing.parcel_id
            CROSS JOIN LATERAL ST_PointOnSurface(p.geom) AS pt
            CROSS JOIN LATERAL ST_HexagonGrid($4::float8, pt) AS h
            WHERE ST_Intersects(h.geom, pt)
            ORDER BY owing.parcel_id, h.i, h.j)
     SELECT count(*)::int AS parcels, sum(owed)::float8 AS owed, (array_agg(geom))[1] AS geom
     FROM placed
     GROUP BY i, j
     HAVING count(*) >= $5
     ORDER BY owed DESC`,
    [asOf, year, zones, HEX_SIZE, HOTSPOT_MIN_PARCELS],
  );
}
