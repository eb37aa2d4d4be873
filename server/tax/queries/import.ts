import type { Polygon } from 'geojson';
import type { Queryable } from '../../db/index.ts';
import { THAILAND } from '../../http/geometry.ts';
import type { ImportSrid } from '../import/crs.ts';
import type { BuildingTypeName, RegisterRow } from '../import/register.ts';

/** A parcel found by its tax-map code: what an import needs to decide and check. */
export interface CodedParcel {
  id: number;
  zone_id: number | null;
  parcel_no: string;
}

/** A parcel's tax-map code as the register writes it: 03-ก-017. */
export const codeKey = (p: { map_zone: string; map_block: string; map_lot: string }) => `${p.map_zone}-${p.map_block}-${p.map_lot}`;

export async function buildingTypeNames(db: Queryable): Promise<BuildingTypeName[]> {
  return db.query<BuildingTypeName>('SELECT code, name_th, name_en FROM building_types ORDER BY code');
}

/** The parcels with these tax-map codes, by code ("03-ก-017"). */
export async function parcelsByCode(db: Queryable, codes: { map_zone: string; map_block: string; map_lot: string }[]): Promise<Map<string, CodedParcel>> {
  const rows = await db.query<CodedParcel & { code: string }>(
    `SELECT p.id, p.zone_id, p.parcel_no, p.map_code AS code
     FROM unnest($1::text[], $2::text[], $3::text[]) AS c(zone, block, lot)
     JOIN parcels p ON p.map_zone = c.zone AND p.map_block = c.block AND p.map_lot = c.lot`,
    [codes.map((c) => c.map_zone), codes.map((c) => c.map_block), codes.map((c) => c.map_lot)],
  );
  return new Map(rows.map(({ code, ...parcel }) => [code, parcel]));
}

/** Which parcel holds each of these parcel numbers (deed numbers are unique). */
export async function parcelNoHolders(db: Queryable, parcelNos: string[]): Promise<Map<string, number>> {
  const rows = await db.query<{ parcel_no: string; id: number }>('SELECT parcel_no, id FROM parcels WHERE parcel_no = ANY($1::text[])', [parcelNos]);
  return new Map(rows.map((r) => [r.parcel_no, r.id]));
}

/** A parcel's register entry as the audit trail keeps it, before and after an import. */
export async function registerSnapshots(db: Queryable, ids: number[]): Promise<Map<number, unknown>> {
  const rows = await db.query<{ id: number; entry: unknown }>(
    `SELECT p.id, json_build_object(
       'map_code', p.map_code, 'parcel_no', p.parcel_no, 'land_use', p.land_use,
       'area_m2', p.area_m2, 'land_price_m2', p.land_price_m2, 'exemption', p.exemption, 'vacant_years', p.vacant_years,
       'owners', (SELECT coalesce(json_agg(json_build_object('name_th', o.name_th, 'national_id', o.national_id) ORDER BY o.national_id), '[]')
                  FROM parcel_owners po JOIN owners o ON o.id = po.owner_id WHERE po.parcel_id = p.id),
       'uses', (SELECT coalesce(json_agg(json_build_object('use', u.use, 'share', u.share) ORDER BY u.use), '[]')
                FROM parcel_uses u WHERE u.parcel_id = p.id),
       'buildings', (SELECT coalesce(json_agg(json_build_object('building_type', b.building_type, 'use', b.use, 'floor_area_m2', b.floor_area_m2,
                                                                'year_built', b.year_built, 'residence', b.residence) ORDER BY b.id), '[]')
                     FROM buildings b WHERE b.parcel_id = p.id)) AS entry
     FROM parcels p WHERE p.id = ANY($1::int[])`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r.entry]));
}

/**
 * The parcels table's own land use (the map's colours), from the register's uses: exempt land is
 * public, one use is that use, several are mixed.
 */
function mapLandUse(row: RegisterRow): string {
  if (row.exemption) return 'public';
  if (row.uses.length !== 1) return 'mixed';
  return { residential: 'residential', agriculture: 'agricultural', other: 'commercial', vacant: 'vacant' }[(row.uses[0] as RegisterRow['uses'][number]).use];
}

/**
 * Writes register rows onto their parcels (`ids[k]` is row k's), in the caller's transaction:
 * the parcel's fields, and its owners, uses and buildings replaced by the file's. Owners are
 * people, found by national ID: a new one is added, a known one takes the file's spelling of
 * their name. A few statements over arrays, whatever the number of rows.
 */
export async function writeRegister(tx: Queryable, rows: RegisterRow[], ids: number[]): Promise<void> {
  const owners = new Map(rows.flatMap((r) => r.owners.map((o) => [o.national_id, o.name_th])));
  // owners.id has no sequence: new ids follow the largest, with the table locked against another import.
  await tx.query('LOCK TABLE owners IN SHARE ROW EXCLUSIVE MODE');
  await tx.query(
    `INSERT INTO owners (id, name_th, national_id)
     SELECT (SELECT coalesce(max(id), 0) FROM owners) + row_number() OVER (), o.name_th, o.national_id
     FROM unnest($1::text[], $2::text[]) AS o(national_id, name_th)
     ON CONFLICT (national_id) DO UPDATE SET name_th = EXCLUDED.name_th WHERE owners.name_th IS DISTINCT FROM EXCLUDED.name_th`,
    [[...owners.keys()], [...owners.values()]],
  );
  await tx.query(
    `UPDATE parcels p SET parcel_no = coalesce(v.parcel_no, p.parcel_no), land_use = v.land_use, area_m2 = v.area_m2,
       land_price_m2 = v.land_price_m2, exemption = v.exemption, vacant_years = v.vacant_years
     FROM unnest($1::int[], $2::text[], $3::text[], $4::float8[], $5::numeric[], $6::text[], $7::int[])
       AS v(id, parcel_no, land_use, area_m2, land_price_m2, exemption, vacant_years)
     WHERE p.id = v.id`,
    [
      ids,
      rows.map((r) => r.parcel_no),
      rows.map(mapLandUse),
      rows.map((r) => r.area_m2),
      rows.map((r) => r.land_price_m2),
      rows.map((r) => r.exemption),
      rows.map((r) => r.vacant_years),
    ],
  );
  const each = <T>(pick: (r: RegisterRow) => T[]) => rows.flatMap((r, k) => pick(r).map((item) => ({ id: ids[k] as number, item })));
  const owned = each((r) => r.owners);
  const uses = each((r) => r.uses);
  const buildings = each((r) => r.buildings);
  await tx.query('DELETE FROM parcel_owners WHERE parcel_id = ANY($1::int[])', [ids]);
  await tx.query(
    `INSERT INTO parcel_owners (parcel_id, owner_id)
     SELECT v.parcel_id, o.id FROM unnest($1::int[], $2::text[]) AS v(parcel_id, national_id) JOIN owners o ON o.national_id = v.national_id`,
    [owned.map((o) => o.id), owned.map((o) => o.item.national_id)],
  );
  await tx.query('DELETE FROM parcel_uses WHERE parcel_id = ANY($1::int[])', [ids]);
  await tx.query('INSERT INTO parcel_uses (parcel_id, use, share) SELECT * FROM unnest($1::int[], $2::text[], $3::numeric[])', [
    uses.map((u) => u.id),
    uses.map((u) => u.item.use),
    uses.map((u) => u.item.share),
  ]);
  await tx.query('DELETE FROM buildings WHERE parcel_id = ANY($1::int[])', [ids]);
  await tx.query(
    `INSERT INTO buildings (parcel_id, use, building_type, floor_area_m2, year_built, residence)
     SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::numeric[], $5::int[], $6::text[])`,
    [
      buildings.map((b) => b.id),
      buildings.map((b) => b.item.use),
      buildings.map((b) => b.item.building_type),
      buildings.map((b) => b.item.floor_area_m2),
      buildings.map((b) => b.item.year_built),
      buildings.map((b) => b.item.residence),
    ],
  );
}

/** The register's current value and the current year's tax of these parcels (CALC's assessment). */
export async function setValues(tx: Queryable, ids: number[], values: number[], taxes: number[]): Promise<void> {
  await tx.query(
    `UPDATE parcels p SET assessed_value = v.value, tax_due = v.tax
     FROM unnest($1::int[], $2::numeric[], $3::numeric[]) AS v(id, value, tax) WHERE p.id = v.id`,
    [ids, values, taxes],
  );
}

/** A feature's shape in WGS 84 as PostGIS made it (hex EWKB, stored as is), or why it cannot be stored. */
export interface PlacedShape {
  geom: string | null;
  problem: string | null;
  zone_id: number | null;
}

/**
 * The layer's polygons transformed by PostGIS from `srid` to WGS 84, each checked: valid where it
 * was drawn (with PostGIS's reason when not), inside Thailand once transformed (a wrong CRS lands
 * it elsewhere), and placed in its community's zone. For all features in one statement; should
 * PostGIS refuse one outright (an unclosed ring), each is asked alone so the others still get
 * their answer.
 */
export async function placeShapes(db: Queryable, srid: ImportSrid, polygons: Polygon[]): Promise<PlacedShape[]> {
  const sql = `
    SELECT CASE WHEN NOT ST_IsValid(s.g) THEN 'invalid geometry: ' || ST_IsValidReason(s.g)
                WHEN NOT ST_Within(w.g, ST_MakeEnvelope($3, $4, $5, $6, 4326))
                  THEN 'outside Thailand once transformed from EPSG:' || $2::int || ': is that the layer''s CRS?'
                WHEN NOT ST_IsValid(w.g) THEN 'invalid geometry once transformed: ' || ST_IsValidReason(w.g) END AS problem,
           ST_AsHexEWKB(w.g) AS geom, (SELECT zone_id FROM place_community(w.g)) AS zone_id
    FROM unnest($1::text[]) WITH ORDINALITY AS t(json, n)
    CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_Force2D(ST_GeomFromGeoJSON(t.json)), $2::int) AS g) AS s
    CROSS JOIN LATERAL (SELECT ST_Transform(s.g, 4326) AS g) AS w
    ORDER BY t.n`;
  const box = [THAILAND.minLon, THAILAND.minLat, THAILAND.maxLon, THAILAND.maxLat];
  const json = polygons.map((p) => JSON.stringify(p));
  if (json.length === 0) return [];
  const ask = (list: string[]) => db.query<PlacedShape>(sql, [list, srid, ...box]);
  try {
    return (await ask(json)).map((r) => (r.problem ? { ...r, geom: null } : r));
  } catch {
    const shapes: PlacedShape[] = [];
    for (const one of json) {
      try {
        const [r] = await ask([one]);
        shapes.push(r && !r.problem ? r : { geom: null, problem: r?.problem ?? 'no shape', zone_id: null });
      } catch (error) {
        shapes.push({ geom: null, problem: `PostGIS cannot read it (${(error as Error).message})`, zone_id: null });
      }
    }
    return shapes;
  }
}

/** New shapes for parcels the register has (hex EWKB in WGS 84, from placeShapes). */
export async function updateParcelShapes(tx: Queryable, ids: number[], geoms: string[]): Promise<void> {
  await tx.query('UPDATE parcels p SET geom = v.geom::geometry FROM unnest($1::int[], $2::text[]) AS v(id, geom) WHERE p.id = v.id', [ids, geoms]);
}

/**
 * Parcels the tax map has and the register not yet: the code, the shape, the parcel number (the
 * code when the layer has none) and the area the shape measures on the ground. Until the register
 * describes them they are vacant, unvalued and owned by no one. Returns their ids by code.
 */
export async function insertMappedParcels(
  tx: Queryable,
  parcels: { map_zone: string; map_block: string; map_lot: string; parcel_no: string | null; geom: string }[],
): Promise<Map<string, number>> {
  const rows = await tx.query<{ id: number; code: string }>(
    `INSERT INTO parcels (parcel_no, land_use, area_m2, assessed_value, tax_due, geom, map_zone, map_block, map_lot)
     SELECT coalesce(v.parcel_no, v.zone || '-' || v.block || '-' || v.lot), 'vacant', ST_Area(v.geom::geometry::geography), 0, 0,
            v.geom::geometry, v.zone, v.block, v.lot
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS v(zone, block, lot, parcel_no, geom)
     RETURNING id, map_code AS code`,
    [
      parcels.map((p) => p.map_zone),
      parcels.map((p) => p.map_block),
      parcels.map((p) => p.map_lot),
      parcels.map((p) => p.parcel_no),
      parcels.map((p) => p.geom),
    ],
  );
  return new Map(rows.map((r) => [r.code, r.id]));
}

/** A parcel's shape as the audit trail keeps it: GeoJSON in WGS 84. */
export async function parcelShapes(db: Queryable, ids: number[]): Promise<Map<number, unknown>> {
  const rows = await db.query<{ id: number; geometry: unknown }>('SELECT id, ST_AsGeoJSON(geom)::json AS geometry FROM parcels WHERE id = ANY($1::int[])', [
    ids,
  ]);
  return new Map(rows.map((r) => [r.id, r.geometry]));
}
