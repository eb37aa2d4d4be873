import { PbfWriter } from 'pbf';

/**
 * Mapbox Vector Tiles for the embedded engine, which is built without protobuf (no ST_AsMVT or
 * ST_AsMVTGeom). Its tile statement returns the tile's rows in two values: `attributes`, a JSON
 * array with one array per row, and `shapes`, the rows' shapes as one TWKB in web Mercator to the
 * micrometre, base64. Here they are brought to the tile's grid as ST_AsMVTGeom does (scaled,
 * rounded, cut to the tile and its buffer, rings wound as the spec says) and encoded as ST_AsMVT
 * would. Over the demo city (z12–16) every parcel comes out as PostGIS draws it, and every block
 * but 15, where a block's slanted edge crosses the buffer's edge one unit from PostGIS's point.
 *
 * Compact on purpose: the embedded database answers every request on one thread, so the less it
 * writes, the more tiles it serves. TWKB is about a third of the GeoJSON's size and needs no
 * JSON built in the database; base64 text, because PGlite decodes a bytea one byte at a time.
 * Micrometres, because millimetres put a vertex on the other side of a half unit of the grid
 * often enough to move hundreds of the demo's parcels by a unit.
 */
export interface TileRows {
  attributes: string | null;
  shapes: string | null;
}

type Value = string | number | boolean | null;

export interface LayerSpec {
  name: string;
  /** The name of each value of a row's attributes, in order. */
  attributes: readonly string[];
  /** The attribute that becomes the feature id (and leaves the attributes), as ST_AsMVT's feature_id_name. */
  id?: string;
}

export interface Grid {
  extent: number;
  buffer: number;
}

/** Half the width of the web Mercator world, as ST_TileEnvelope's default bounds. */
const HALF_WORLD = 20037508.342789244;

/** The tile, or empty bytes when no row has a shape left in it (as ST_AsMVT over no rows). */
export function encodeTile(rows: TileRows | undefined, layer: LayerSpec, tile: { z: number; x: number; y: number }, grid: Grid): Uint8Array<ArrayBuffer> {
  if (!rows?.attributes || !rows.shapes) return new Uint8Array();
  const attributes = JSON.parse(rows.attributes) as Value[][];
  const size = (2 * HALF_WORLD) / 2 ** tile.z;
  const shapes = new TwkbReader(Buffer.from(rows.shapes, 'base64'), {
    scale: grid.extent / size,
    xmin: -HALF_WORLD + tile.x * size,
    ymax: HALF_WORLD - tile.y * size,
  }).rows();
  if (shapes.length !== attributes.length) throw new Error(`tile rows: ${attributes.length} attributes but ${shapes.length} shapes`);
  const features: Feature[] = [];
  for (let i = 0; i < shapes.length; i++) {
    const geometry = polygonCommands(shapes[i]!, -grid.buffer, grid.extent + grid.buffer);
    if (geometry.length) features.push({ values: attributes[i]!, geometry });
  }
  if (!features.length) return new Uint8Array();
  return new Uint8Array(writeLayer(layer, grid.extent, features));
}

// ——— TWKB (the spec: github.com/TWKB/Specification), read straight onto the tile's grid ———

/** A polygon's rings (the exterior first), each as flat x, y pairs on the tile's grid, not yet rounded. */
type Polygon = number[][];

class TwkbReader {
  private pos = 0;
  // The previous point, in the geometry's own units: TWKB stores each point as the difference.
  private x = 0;
  private y = 0;
  // Grid = x × scale + xShift, and yShift − y × scale (tiles are square; y grows down in one).
  private scale = 0;
  private xShift = 0;
  private yShift = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly toGrid: { scale: number; xmin: number; ymax: number },
  ) {}

  /**
   * One entry per row: its polygons. ST_Collect makes a MultiPolygon with a part per row when
   * every row is a Polygon, else a collection with a member per row; a member's points and lines
   * (what cutting a block to its zone can leave) are read past, not drawn.
   */
  rows(): Polygon[][] {
    const { type, parts } = this.geometry();
    if (type === 7) return parts as Polygon[][];
    if (type === 6) return (parts as Polygon[]).map((polygon) => [polygon]);
    return [parts as Polygon[]];
  }

  private geometry(): { type: number; parts: Polygon[] | Polygon[][] } {
    const header = this.bytes[this.pos++]!;
    const type = header & 0x0f;
    const unit = 10 ** -unzigzag(header >> 4);
    this.scale = unit * this.toGrid.scale;
    this.xShift = -this.toGrid.xmin * this.toGrid.scale;
    this.yShift = this.toGrid.ymax * this.toGrid.scale;
    this.x = 0;
    this.y = 0;
    const flags = this.bytes[this.pos++]!;
    if (flags & 0x08) throw new Error('tile shapes: TWKB with Z or M');
    if (flags & 0x02) this.varint(); // the size
    if (flags & 0x01) for (let i = 0; i < 4; i++) this.varint(); // the bounding box
    if (flags & 0x10) return { type, parts: [] }; // empty
    const count = () => {
      const n = this.varint();
      if (flags & 0x04) for (let i = 0; i < n; i++) this.varint(); // the id list
      return n;
    };
    const parts: Polygon[] = [];
    switch (type) {
      case 1:
        this.points(1);
        break;
      case 2:
        this.points(this.varint());
        break;
      case 3:
        parts.push(this.polygon());
        break;
      case 4:
        this.points(count());
        break;
      case 5:
        for (let n = count(); n > 0; n--) this.points(this.varint());
        break;
      case 6:
        for (let n = count(); n > 0; n--) parts.push(this.polygon());
        break;
      case 7: {
        const members: Polygon[][] = [];
        for (let n = count(); n > 0; n--) {
          const member = this.geometry();
          members.push(member.type === 7 ? (member.parts as Polygon[][]).flat() : (member.parts as Polygon[]));
        }
        return { type, parts: members };
      }
      default:
        throw new Error(`tile shapes: TWKB type ${type}`);
    }
    return { type, parts };
  }

  private polygon(): Polygon {
    const rings: Polygon = new Array(this.varint());
    for (let i = 0; i < rings.length; i++) rings[i] = this.points(this.varint());
    return rings;
  }

  private points(n: number): number[] {
    const ring = new Array<number>(2 * n);
    for (let i = 0; i < 2 * n; i += 2) {
      this.x += unzigzag(this.varint());
      this.y += unzigzag(this.varint());
      ring[i] = this.x * this.scale + this.xShift;
      ring[i + 1] = this.yShift - this.y * this.scale;
    }
    return ring;
  }

  /** Without bitwise operators: coordinates in micrometres pass 2^32. */
  private varint(): number {
    let value = 0;
    let factor = 1;
    let byte: number;
    do {
      byte = this.bytes[this.pos++]!;
      value += (byte & 0x7f) * factor;
      factor *= 128;
    } while (byte & 0x80);
    return value;
  }
}

const unzigzag = (n: number) => (n % 2 ? -(n + 1) / 2 : n / 2);

// ——— Onto the tile's grid, as ST_AsMVTGeom ———

/**
 * The MVT geometry commands of a row's polygons: rounded to whole units (see `rounded`), cut to [min, max] on both axes, rounded again. A ring left with no area goes; a
 * polygon whose exterior goes, goes whole. Exteriors wind with positive area in tile coordinates
 * (y down), holes the other way, as the spec asks.
 */
function polygonCommands(polygons: Polygon[], min: number, max: number): number[] {
  const commands: number[] = [];
  const cursor = { x: 0, y: 0 };
  for (const polygon of polygons) {
    const rings: number[][] = [];
    for (let i = 0; i < polygon.length; i++) {
      let ring = rounded(polygon[i]!);
      if (!within(ring, min, max)) ring = rounded(clip(clip(clip(clip(ring, 0, min, 1), 0, max, -1), 1, min, 1), 1, max, -1));
      const area = ring.length >= 6 ? doubleArea(ring) : 0;
      if (area === 0) {
        if (i === 0) break;
        continue;
      }
      // Exterior: positive area; a hole: negative.
      rings.push(area > 0 === (i === 0) ? ring : reversed(ring));
    }
    for (const ring of rings) writeRing(commands, ring, cursor);
  }
  return commands;
}

function within(ring: number[], min: number, max: number): boolean {
  for (const v of ring) if (v < min || v > max) return false;
  return true;
}

/**
 * Points rounded to the grid, without repeats or points on a straight line between their
 * neighbours (as PostGIS's clipper, Wagyu, leaves them out), nor the closing point: MVT closes
 * rings itself.
 */
function rounded(ring: number[]): number[] {
  const out: number[] = [];
  for (let j = 0; j < ring.length; j += 2) {
    const x = rint(ring[j]!);
    const y = rint(ring[j + 1]!);
    // The last point kept is dropped while it lies on the line from the one before it to this one.
    while (out.length >= 4 && collinear(out[out.length - 4]!, out[out.length - 3]!, out[out.length - 2]!, out[out.length - 1]!, x, y)) out.length -= 2;
    if (out.length >= 2 && out[out.length - 2] === x && out[out.length - 1] === y) continue;
    out.push(x, y);
  }
  // Where the ring closes: its last and first points, checked against their neighbours there.
  for (let changed = true; changed && out.length >= 6; ) {
    changed = false;
    const n = out.length;
    if (collinear(out[n - 4]!, out[n - 3]!, out[n - 2]!, out[n - 1]!, out[0]!, out[1]!)) {
      out.length -= 2;
      changed = true;
    } else if (collinear(out[n - 2]!, out[n - 1]!, out[0]!, out[1]!, out[2]!, out[3]!)) {
      out.splice(0, 2);
      changed = true;
    }
  }
  return out;
}

/** Whether b lies on the line through a and c (or repeats one of them). */
const collinear = (ax: number, ay: number, bx: number, by: number, cx: number, cy: number) => (bx - ax) * (cy - ay) - (by - ay) * (cx - ax) === 0;

/** To the nearest whole number, a half to the even one: C's rint, as PostGIS rounds to its grid. */
function rint(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Sutherland–Hodgman: the ring cut to one side of a line (axis 0: x, 1: y) where side × (v − at) ≥ 0. */
function clip(ring: number[], axis: 0 | 1, at: number, side: 1 | -1): number[] {
  const out: number[] = [];
  const n = ring.length;
  for (let j = 0; j < n; j += 2) {
    const k = (j + n - 2) % n;
    const inside = side * (ring[j + axis]! - at) >= 0;
    const before = side * (ring[k + axis]! - at) >= 0;
    if (inside !== before) {
      const t = (at - ring[k + axis]!) / (ring[j + axis]! - ring[k + axis]!);
      const other = 1 - axis;
      const crossing = ring[k + other]! + t * (ring[j + other]! - ring[k + other]!);
      if (axis === 0) out.push(at, crossing);
      else out.push(crossing, at);
    }
    if (inside) out.push(ring[j]!, ring[j + 1]!);
  }
  return out;
}

/** Twice the ring's area by the surveyor's formula, in tile coordinates (y down). */
function doubleArea(ring: number[]): number {
  let sum = 0;
  for (let j = 0, k = ring.length - 2; j < ring.length; k = j, j += 2) sum += ring[k]! * ring[j + 1]! - ring[j]! * ring[k + 1]!;
  return sum;
}

function reversed(ring: number[]): number[] {
  const out = new Array<number>(ring.length);
  for (let j = 0; j < ring.length; j += 2) {
    out[ring.length - 2 - j] = ring[j]!;
    out[ring.length - 1 - j] = ring[j + 1]!;
  }
  return out;
}

const zigzag = (n: number) => (n << 1) ^ (n >> 31);

/** MoveTo the first point, LineTo the rest, ClosePath; positions relative to the cursor. */
function writeRing(commands: number[], ring: number[], cursor: { x: number; y: number }): void {
  for (let j = 0; j < ring.length; j += 2) {
    if (j === 0) commands.push((1 << 3) | 1); // MoveTo, once
    if (j === 2) commands.push(((ring.length / 2 - 1) << 3) | 2); // LineTo, for the rest
    commands.push(zigzag(ring[j]! - cursor.x), zigzag(ring[j + 1]! - cursor.y));
    cursor.x = ring[j]!;
    cursor.y = ring[j + 1]!;
  }
  commands.push((1 << 3) | 7); // ClosePath
}

// ——— The layer (vector_tile.proto, version 2) ———

interface Feature {
  values: Value[];
  geometry: number[];
}

/** Each distinct entry once, in the order first seen, with its index: the layer's keys and values. */
class Table<T> {
  readonly entries: T[] = [];
  // Keyed by the value itself: a Map tells 1 from '1' and true apart, as the tile's value types do.
  private readonly index = new Map<T, number>();
  of(entry: T): number {
    let i = this.index.get(entry);
    if (i === undefined) {
      i = this.entries.push(entry) - 1;
      this.index.set(entry, i);
    }
    return i;
  }
}

function writeLayer(layer: LayerSpec, extent: number, features: Feature[]): Uint8Array {
  const idAt = layer.id === undefined ? -1 : layer.attributes.indexOf(layer.id);
  const keys = new Table<string>();
  const values = new Table<Exclude<Value, null>>();
  const pbf = new PbfWriter();
  pbf.writeMessage(
    3,
    (_: null, out: PbfWriter) => {
      out.writeVarintField(15, 2);
      out.writeStringField(1, layer.name);
      out.writeVarintField(5, extent);
      for (const feature of features) {
        const tags: number[] = [];
        feature.values.forEach((value, i) => {
          // Null attributes are left out, as ST_AsMVT leaves them.
          if (i !== idAt && value !== null) tags.push(keys.of(layer.attributes[i]!), values.of(value));
        });
        out.writeMessage(
          2,
          (_: null, f: PbfWriter) => {
            const id = idAt < 0 ? null : feature.values[idAt];
            if (typeof id === 'number') f.writeVarintField(1, id);
            f.writePackedVarint(2, tags);
            f.writeVarintField(3, 3); // POLYGON
            f.writePackedVarint(4, feature.geometry);
          },
          null,
        );
      }
      for (const key of keys.entries) out.writeStringField(3, key);
      for (const value of values.entries) out.writeMessage(4, writeValue, value);
    },
    null,
  );
  return pbf.finish();
}

function writeValue(value: Exclude<Value, null>, pbf: PbfWriter): void {
  if (typeof value === 'string') pbf.writeStringField(1, value);
  else if (typeof value === 'boolean') pbf.writeBooleanField(7, value);
  else if (!Number.isInteger(value)) pbf.writeDoubleField(3, value);
  else if (value < 0) pbf.writeSVarintField(6, value);
  else pbf.writeVarintField(5, value);
}
