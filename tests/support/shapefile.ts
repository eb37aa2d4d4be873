import { crc32, deflateRawSync } from 'node:zlib';

/**
 * A small Shapefile writer for the tax-map import's tests: polygons (type 5) with text attributes,
 * zipped with their .shx, .dbf, .prj and, when asked, .cpg. Attributes are written in TIS-620 (as
 * Thai GIS programs write them) unless the .cpg says UTF-8.
 */
export interface ShapeFeature {
  /** Rings in the layer's coordinates, outer ring clockwise (the Shapefile's rule), closed. */
  rings: [number, number][][];
  attributes: Record<string, string>;
}

/** WGS 84 / UTM zone 48N and 47N, and WGS 84 itself, as ESRI's programs write them in a .prj. */
export const PRJ = {
  32647:
    'PROJCS["WGS_1984_UTM_Zone_47N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",99.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]',
  32648:
    'PROJCS["WGS_1984_UTM_Zone_48N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",105.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]',
  indian1975:
    'PROJCS["Indian_1975_UTM_Zone_48N",GEOGCS["GCS_Indian_1975",DATUM["D_Indian_1975",SPHEROID["Everest_Adjustment_1937",6377276.345,300.8017]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",105.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]',
} as const;

/** A square of side 2 × `half` metres (or degrees) centred on (x, y), drawn clockwise. */
export const square = (x: number, y: number, half: number): [number, number][][] => [
  [
    [x - half, y - half],
    [x - half, y + half],
    [x + half, y + half],
    [x + half, y - half],
    [x - half, y - half],
  ],
];

/** TIS-620: Thai letters U+0E01–U+0E5B are bytes 0xA1–0xFB; ASCII stays as it is. */
const tis620 = (text: string) => Buffer.from([...text].map((ch) => (ch.charCodeAt(0) >= 0x0e01 ? ch.charCodeAt(0) - 0x0e01 + 0xa1 : ch.charCodeAt(0))));

function shpAndShx(features: ShapeFeature[]): { shp: Buffer; shx: Buffer } {
  const contents = features.map(({ rings }) => {
    const points = rings.flat();
    const content = Buffer.alloc(44 + 4 * rings.length + 16 * points.length);
    const xs = points.map((p) => p[0]);
    const ys = points.map((p) => p[1]);
    content.writeInt32LE(5, 0);
    for (const [i, v] of [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)].entries()) content.writeDoubleLE(v, 4 + 8 * i);
    content.writeInt32LE(rings.length, 36);
    content.writeInt32LE(points.length, 40);
    let start = 0;
    rings.forEach((ring, i) => {
      content.writeInt32LE(start, 44 + 4 * i);
      start += ring.length;
    });
    points.forEach(([x, y], k) => {
      content.writeDoubleLE(x, 44 + 4 * rings.length + 16 * k);
      content.writeDoubleLE(y, 44 + 4 * rings.length + 16 * k + 8);
    });
    return content;
  });
  const header = (length: number) => {
    const h = Buffer.alloc(100);
    h.writeInt32BE(9994, 0);
    h.writeInt32BE(length / 2, 24);
    h.writeInt32LE(1000, 28);
    h.writeInt32LE(5, 32);
    return h;
  };
  const records: Buffer[] = [];
  const index: Buffer[] = [];
  let offset = 100;
  contents.forEach((content, i) => {
    const head = Buffer.alloc(8);
    head.writeInt32BE(i + 1, 0);
    head.writeInt32BE(content.length / 2, 4);
    records.push(head, content);
    const entry = Buffer.alloc(8);
    entry.writeInt32BE(offset / 2, 0);
    entry.writeInt32BE(content.length / 2, 4);
    index.push(entry);
    offset += 8 + content.length;
  });
  return { shp: Buffer.concat([header(offset), ...records]), shx: Buffer.concat([header(100 + 8 * features.length), ...index]) };
}

function dbf(features: ShapeFeature[], encode: (text: string) => Buffer): Buffer {
  const names = [...new Set(features.flatMap((f) => Object.keys(f.attributes)))];
  const fields = names.map((name) => ({ name, length: Math.max(1, ...features.map((f) => encode(f.attributes[name] ?? '').length)) }));
  const recordLength = 1 + fields.reduce((sum, f) => sum + f.length, 0);
  const headerLength = 32 + 32 * fields.length + 1;
  const header = Buffer.alloc(headerLength);
  header.writeUInt8(0x03, 0);
  header.writeUInt8(125, 1);
  header.writeUInt8(1, 2);
  header.writeUInt8(1, 3);
  header.writeUInt32LE(features.length, 4);
  header.writeUInt16LE(headerLength, 8);
  header.writeUInt16LE(recordLength, 10);
  fields.forEach((field, i) => {
    header.write(field.name.slice(0, 10), 32 + 32 * i, 'latin1');
    header.write('C', 32 + 32 * i + 11, 'latin1');
    header.writeUInt8(field.length, 32 + 32 * i + 16);
  });
  header.writeUInt8(0x0d, headerLength - 1);
  const records = features.map((f) => {
    const record = Buffer.alloc(recordLength, 0x20);
    let at = 1;
    for (const field of fields) {
      encode(f.attributes[field.name] ?? '').copy(record, at);
      at += field.length;
    }
    return record;
  });
  return Buffer.concat([header, ...records, Buffer.from([0x1a])]);
}

/** A ZIP archive of the given files, deflated, with their CRCs. */
function zip(files: Record<string, Buffer>): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [fileName, data] of Object.entries(files)) {
    const name = Buffer.from(fileName);
    const packed = deflateRawSync(data);
    const fields = (b: Buffer, at: number) => {
      b.writeUInt16LE(20, at);
      b.writeUInt16LE(8, at + 4);
      b.writeUInt32LE(crc32(data), at + 10);
      b.writeUInt32LE(packed.length, at + 14);
      b.writeUInt32LE(data.length, at + 18);
      b.writeUInt16LE(name.length, at + 22);
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    fields(local, 4);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    fields(entry, 6);
    entry.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    central.push(entry, name);
    offset += 30 + name.length + packed.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(central.length / 2, 8);
  end.writeUInt16LE(central.length / 2, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** A zipped layer `name` (.shp, .shx, .dbf, and .prj / .cpg when given). */
export function shapefileZip(name: string, features: ShapeFeature[], options: { prj?: string; utf8?: boolean } = {}): Buffer {
  const { shp, shx } = shpAndShx(features);
  const files: Record<string, Buffer> = {
    [`${name}.shp`]: shp,
    [`${name}.shx`]: shx,
    [`${name}.dbf`]: dbf(features, options.utf8 ? (t) => Buffer.from(t, 'utf8') : tis620),
  };
  if (options.prj) files[`${name}.prj`] = Buffer.from(options.prj);
  if (options.utf8) files[`${name}.cpg`] = Buffer.from('UTF-8');
  return zip(files);
}
