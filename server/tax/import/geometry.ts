import type { Polygon } from 'geojson';
import { FileRefusal, type ImportError, MAX_IMPORT_ROWS } from '../../plan/import.ts';
import { crsOfName, crsOfPrj, type ImportSrid } from './crs.ts';
import { readMapCode } from './register.ts';
import { readShapefile, type Rings, tooManyFeatures } from './shapefile.ts';

/** One feature of the tax map, read and checked as far as JavaScript can: the code and the shape. */
interface MapFeature {
  /** The feature's number in the layer, from 1: the `row` of its problems. */
  row: number;
  map_zone: string;
  map_block: string;
  map_lot: string;
  parcel_no: string | null;
  /** The attribute the code came from, where problems with the parcel are reported. */
  codeColumn: string;
  /** In the layer's own coordinates; PostGIS transforms it. */
  polygon: Polygon;
}

export interface MapLayer {
  srid: ImportSrid;
  features: MapFeature[];
  errors: ImportError[];
}

/** A layer refused for its coordinate system: the request's `crs` field is the way out. */
export class CrsRefusal extends FileRefusal {}

/** The attribute names a layer may carry the code under (compared without case). */
const CODE_FIELDS = ['parcel_cod', 'parcel_code', 'map_code', 'code', 'รหัสแปลง'];
const PART_FIELDS = { zone: ['zone', 'map_zone', 'โซน'], block: ['block', 'map_block', 'บล็อก'], lot: ['lot', 'map_lot', 'ล็อต'] };
const PARCEL_NO_FIELDS = ['parcel_no', 'deed_no', 'เลขที่โฉนด'];

/** The feature's code and parcel number from its attributes, or the problem, under the attribute's own name. */
function readAttributes(attributes: Record<string, unknown>): { code: ReturnType<typeof readMapCode>; parcel_no: string | null; column: string } {
  const keys = Object.keys(attributes);
  const find = (names: string[]) => keys.find((k) => names.includes(k.toLowerCase()));
  const text = (key: string | undefined) => (key === undefined ? '' : String(attributes[key] ?? '').trim());
  const codeKey = find(CODE_FIELDS);
  const parcelNoKey = find(PARCEL_NO_FIELDS);
  const parcel_no = text(parcelNoKey).slice(0, 64) || null;
  if (codeKey !== undefined && text(codeKey) !== '') return { code: readMapCode(text(codeKey)), parcel_no, column: codeKey };
  const [zone, block, lot] = [find(PART_FIELDS.zone), find(PART_FIELDS.block), find(PART_FIELDS.lot)];
  if (zone !== undefined && block !== undefined && lot !== undefined)
    return { code: readMapCode(`${text(zone)}-${text(block)}-${text(lot)}`), parcel_no, column: zone };
  return { code: null, parcel_no, column: codeKey ?? 'PARCEL_COD' };
}

/**
 * A feature's shape as one polygon: a parcel is one piece of land. A multipolygon of one polygon
 * is that polygon; one of several is refused rather than cut down to its largest part, which
 * would drop land from the register without anyone seeing it.
 */
function onePolygon(polygons: Rings[]): Polygon | string {
  if (polygons.length !== 1) return `a multipolygon of ${polygons.length} polygons: a parcel is one polygon; split it into parcels of their own`;
  return { type: 'Polygon', coordinates: polygons[0] as Rings };
}

function collect(records: { row: number; attributes: Record<string, unknown>; polygons: Rings[] | { problem: string } }[]): Omit<MapLayer, 'srid'> {
  const features: MapFeature[] = [];
  const errors: ImportError[] = [];
  const codes = new Map<string, number>();
  if (records.length > MAX_IMPORT_ROWS) throw tooManyFeatures();
  for (const { row, attributes, polygons } of records) {
    const { code, parcel_no, column } = readAttributes(attributes);
    const codeText = code && `${code.zone}-${code.block}-${code.lot}`;
    if (!code || !codeText) errors.push({ row, column, message: 'a tax-map code (zone-block-lot, such as 03-ก-017) in PARCEL_COD, or in ZONE, BLOCK and LOT' });
    else if (codes.has(codeText)) errors.push({ row, column, message: `${codeText} is also feature ${codes.get(codeText)}` });
    else codes.set(codeText, row);
    const polygon = 'problem' in polygons ? polygons.problem : onePolygon(polygons);
    if (typeof polygon === 'string') errors.push({ row, column: 'geometry', message: polygon });
    if (code && typeof polygon !== 'string')
      features.push({ row, map_zone: code.zone, map_block: code.block, map_lot: code.lot, parcel_no, codeColumn: column, polygon });
  }
  return { features: errors.length ? [] : features, errors };
}

/** A GeoJSON geometry as polygons of positions (x, y; a height is dropped), or why it is not one. */
function geoJsonPolygons(geometry: unknown): Rings[] | { problem: string } {
  const g = geometry as { type?: unknown; coordinates?: unknown } | null;
  const isRing = (r: unknown) =>
    Array.isArray(r) && r.length >= 4 && r.every((p) => Array.isArray(p) && p.length >= 2 && typeof p[0] === 'number' && typeof p[1] === 'number');
  const isPolygon = (p: unknown): p is number[][][] => Array.isArray(p) && p.length >= 1 && p.every(isRing);
  const flat = (p: number[][][]): Rings => p.map((r) => r.map(([x, y]) => [x as number, y as number]));
  if (!g) return { problem: 'the feature has no geometry' };
  if (g.type === 'Polygon' && isPolygon(g.coordinates)) return [flat(g.coordinates)];
  if (g.type === 'MultiPolygon' && Array.isArray(g.coordinates) && g.coordinates.length > 0 && g.coordinates.every(isPolygon))
    return (g.coordinates as number[][][][]).map(flat);
  if (g.type === 'Polygon' || g.type === 'MultiPolygon') return { problem: 'malformed coordinates: rings of at least 4 [x, y] positions' };
  return { problem: `a ${String(g.type)}: parcels are polygons` };
}

/** A GeoJSON FeatureCollection; its CRS from the `crs` member, the request's `crs`, or WGS 84 (RFC 7946's). */
function readGeoJson(content: Buffer, crs: string | undefined): MapLayer {
  let collection: { type?: unknown; features?: unknown; crs?: { properties?: { name?: unknown } } };
  try {
    collection = JSON.parse(content.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new FileRefusal(`not valid JSON (${(error as Error).message})`);
  }
  if (collection?.type !== 'FeatureCollection' || !Array.isArray(collection.features)) throw new FileRefusal('not a GeoJSON FeatureCollection');
  const named = collection.crs?.properties?.name;
  const member = typeof named === 'string' ? crsOfName(named) : undefined;
  const field = crs === undefined ? undefined : crsOfName(crs);
  for (const reading of [member, field]) if (reading && 'problem' in reading) throw new CrsRefusal(`${reading.problem}`);
  const srid = (field as { srid: ImportSrid } | undefined)?.srid ?? (member as { srid: ImportSrid } | undefined)?.srid ?? 4326;
  if (member && 'srid' in member && member.srid !== srid) throw new CrsRefusal(`the file says EPSG:${member.srid} but the request says EPSG:${srid}`);
  const records = (collection.features as { properties?: unknown; geometry?: unknown }[]).map((feature, i) => ({
    row: i + 1,
    attributes: (feature?.properties && typeof feature.properties === 'object' ? feature.properties : {}) as Record<string, unknown>,
    polygons: geoJsonPolygons(feature?.geometry),
  }));
  return { srid, ...collect(records) };
}

/** A zipped Shapefile; its CRS from the .prj, or from the request's `crs` when it has none. */
async function readZippedShapefile(content: Buffer, crs: string | undefined): Promise<MapLayer> {
  const layer = await readShapefile(content);
  const reading = layer.prj
    ? crsOfPrj(layer.prj)
    : crs !== undefined
      ? crsOfName(crs)
      : { problem: 'the archive has no .prj: send the crs field (EPSG:32647, 32648 or 4326)' };
  if ('problem' in reading) throw new CrsRefusal(`${reading.problem}`);
  if (layer.prj && crs !== undefined) {
    const asked = crsOfName(crs);
    if ('srid' in asked && asked.srid !== reading.srid) throw new CrsRefusal(`the .prj says EPSG:${reading.srid} but the request says EPSG:${asked.srid}`);
  }
  return { srid: reading.srid, ...collect(layer.records.map((r) => ({ row: r.index, attributes: r.attributes, polygons: r.polygons }))) };
}

/** The tax map's layer from a zipped Shapefile or a GeoJSON file; a file it will not read is a FileRefusal. */
export function readMapLayer(format: 'shapefile' | 'geojson', content: Buffer, crs: string | undefined): Promise<MapLayer> {
  return format === 'shapefile' ? readZippedShapefile(content, crs) : Promise.resolve(readGeoJson(content, crs));
}
