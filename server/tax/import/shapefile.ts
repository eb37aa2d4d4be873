import { inflateAll, ZipRefusal } from '../../plan/zip.ts';
import { FileRefusal, MAX_IMPORT_ROWS } from '../../plan/import.ts';

/** A polygon's rings as the file gives them, in the file's own coordinates (x, y): outer ring first. */
export type Rings = [number, number][][];

/** One record of a Shapefile: its attributes (.dbf) and its polygons (.shp), or why it has none. */
interface ShapeRecord {
  /** 1-based, as GIS programs number a layer's features. */
  index: number;
  attributes: Record<string, string>;
  polygons: Rings[] | { problem: string };
}

export interface Shapefile {
  records: ShapeRecord[];
  /** The .prj's WKT, or null when the archive has none. */
  prj: string | null;
}

/**
 * What a zipped Shapefile may unpack to: 5,000 parcels of a few hundred vertices each are a few
 * MB; a "ZIP bomb" of a few hundred KB is refused at this cap.
 */
const MAX_UNPACKED_BYTES = 40 * 1024 * 1024;

/** A layer over the row limit, as the project import refuses a long file. */
export const tooManyFeatures = () =>
  new FileRefusal(`more than ${MAX_IMPORT_ROWS.toLocaleString('en-US')} features; import at most ${MAX_IMPORT_ROWS.toLocaleString('en-US')} per file`);

const POLYGON_TYPES = new Set([5, 15, 25]); // Polygon, PolygonZ, PolygonM: only x and y are read.

/** Twice the signed area of a ring (the shoelace formula): negative for a clockwise ring. */
function signedArea(ring: [number, number][]): number {
  let sum = 0;
  for (let i = 1; i < ring.length; i++) {
    const [x0, y0] = ring[i - 1] as [number, number];
    const [x1, y1] = ring[i] as [number, number];
    sum += x0 * y1 - x1 * y0;
  }
  return sum;
}

/** Whether a point lies inside a ring (even-odd rule): which outer ring a hole belongs to. */
function inside([x, y]: [number, number], ring: [number, number][]): boolean {
  let within = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) within = !within;
  }
  return within;
}

/**
 * A polygon record's parts as polygons. The Shapefile specification draws outer rings clockwise
 * and holes counter-clockwise, all in one list of parts: each hole goes to the outer ring that
 * holds it. Nothing is moved or reprojected here; PostGIS does that.
 */
function polygonsOf(content: Buffer): Rings[] | { problem: string } {
  const type = content.readInt32LE(0);
  if (type === 0) return { problem: 'a null shape: the record has no geometry' };
  if (!POLYGON_TYPES.has(type)) return { problem: `shape type ${type} is not a polygon` };
  const parts = content.readInt32LE(36);
  const points = content.readInt32LE(40);
  const pointsAt = 44 + 4 * parts;
  if (parts < 1 || points < 4 || pointsAt + 16 * points > content.length) return { problem: 'the polygon record is damaged' };
  const rings: [number, number][][] = [];
  for (let p = 0; p < parts; p++) {
    const from = content.readInt32LE(44 + 4 * p);
    const to = p + 1 < parts ? content.readInt32LE(44 + 4 * (p + 1)) : points;
    if (from < 0 || to > points || to - from < 4) return { problem: `ring ${p + 1} has fewer than 4 points` };
    const ring: [number, number][] = [];
    for (let k = from; k < to; k++) ring.push([content.readDoubleLE(pointsAt + 16 * k), content.readDoubleLE(pointsAt + 16 * k + 8)]);
    rings.push(ring);
  }
  const outers: Rings[] = [];
  const holes: [number, number][][] = [];
  for (const ring of rings) signedArea(ring) <= 0 ? outers.push([ring]) : holes.push(ring);
  if (outers.length === 0) return { problem: 'no outer ring (every ring is drawn counter-clockwise, as holes are)' };
  for (const hole of holes) {
    const owner = outers.find(([outer]) => inside(hole[0] as [number, number], outer as [number, number][]));
    if (!owner) return { problem: 'a hole lies outside every outer ring' };
    owner.push(hole);
  }
  return outers;
}

/** The .shp's records in file order: a 100-byte header, then (number, length) big-endian and the content. */
async function readShp(shp: Buffer): Promise<(Rings[] | { problem: string })[]> {
  if (shp.length < 100 || shp.readInt32BE(0) !== 9994) throw new FileRefusal('the .shp file is not a Shapefile');
  const layerType = shp.readInt32LE(32);
  if (layerType !== 0 && !POLYGON_TYPES.has(layerType)) throw new FileRefusal(`the .shp holds shape type ${layerType}; parcels are polygons (type 5)`);
  const records: (Rings[] | { problem: string })[] = [];
  let at = 100;
  while (at + 8 <= shp.length) {
    const length = shp.readInt32BE(at + 4) * 2;
    const content = shp.subarray(at + 8, at + 8 + length);
    if (length < 4 || content.length < length) throw new FileRefusal(`the .shp file is damaged at record ${records.length + 1}`);
    records.push(content.readInt32LE(0) === 0 || content.length >= 44 ? polygonsOf(content) : { problem: 'the polygon record is damaged' });
    // Given up at the row limit: a file of millions of tiny records costs no more than that.
    if (records.length > MAX_IMPORT_ROWS) throw tooManyFeatures();
    at += 8 + length;
    // A turn of the event loop every few hundred records: other requests go on meanwhile.
    if (records.length % 500 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return records;
}

/**
 * The .dbf's records: field names from the header, text decoded as the .cpg says (UTF-8) or, as
 * Thai GIS programs write it by default, TIS-620 (Windows code page 874). Deleted records are null.
 */
function readDbf(dbf: Buffer, encoding: 'utf-8' | 'windows-874'): (Record<string, string> | null)[] {
  if (dbf.length < 32) throw new FileRefusal('the .dbf file is damaged');
  const decoder = new TextDecoder(encoding);
  const count = dbf.readUInt32LE(4);
  const headerLength = dbf.readUInt16LE(8);
  const recordLength = dbf.readUInt16LE(10);
  const fields: { name: string; offset: number; length: number }[] = [];
  let offset = 1; // each record starts with its deletion flag
  for (let at = 32; at + 32 <= headerLength && dbf[at] !== 0x0d; at += 32) {
    const raw = dbf.subarray(at, at + 11);
    const end = raw.indexOf(0);
    const length = dbf[at + 16] as number;
    fields.push({ name: decoder.decode(end < 0 ? raw : raw.subarray(0, end)).trim(), offset, length });
    offset += length;
  }
  if (count > MAX_IMPORT_ROWS) throw tooManyFeatures();
  if (headerLength + count * recordLength > dbf.length) throw new FileRefusal('the .dbf file is shorter than its header says');
  const records: (Record<string, string> | null)[] = [];
  for (let r = 0; r < count; r++) {
    const at = headerLength + r * recordLength;
    if (dbf[at] === 0x2a) {
      records.push(null);
      continue;
    }
    const record: Record<string, string> = {};
    for (const field of fields) record[field.name] = decoder.decode(dbf.subarray(at + field.offset, at + field.offset + field.length)).trim();
    records.push(record);
  }
  return records;
}

/**
 * A zipped Shapefile: the one .shp in the archive and its .dbf, .prj and .cpg (same base name,
 * any folder). The .shx index is not needed: records are read in order from the .shp.
 */
export async function readShapefile(zip: Buffer): Promise<Shapefile> {
  let files: Map<string, Buffer>;
  try {
    files = await inflateAll(zip, MAX_UNPACKED_BYTES);
  } catch (error) {
    if (error instanceof ZipRefusal) throw new FileRefusal(`this ZIP file is refused: ${error.message.replace('an XLSX file', 'a zipped Shapefile')}`);
    throw error;
  }
  const shps = [...files.keys()].filter((name) => /\.shp$/i.test(name) && !name.startsWith('__MACOSX/'));
  if (shps.length !== 1)
    throw new FileRefusal(shps.length ? `the archive holds ${shps.length} .shp files; send one layer per file` : 'the archive holds no .shp file');
  const base = (shps[0] as string).slice(0, -4);
  const part = (extension: string) => [...files].find(([name]) => name.toLowerCase() === `${base}.${extension}`.toLowerCase())?.[1];
  const shp = part('shp') as Buffer;
  const dbf = part('dbf');
  if (!dbf) throw new FileRefusal(`the archive has no ${base}.dbf: the parcels' codes are in it`);
  const cpg = part('cpg')?.toString('latin1').trim() ?? '';
  const encoding = /^(utf-?8|65001)$/i.test(cpg) ? 'utf-8' : 'windows-874';
  const shapes = await readShp(shp);
  const attributes = readDbf(dbf, encoding);
  if (attributes.length !== shapes.length) throw new FileRefusal(`the .shp has ${shapes.length} records but the .dbf ${attributes.length}`);
  const records: ShapeRecord[] = [];
  shapes.forEach((polygons, i) => {
    const row = attributes[i];
    if (row) records.push({ index: i + 1, attributes: row, polygons });
  });
  const prj = part('prj');
  return { records, prj: prj ? prj.toString('utf8').trim() : null };
}
