import { createHash } from 'node:crypto';
import type { Db } from '../db/index.ts';
import { logError } from '../failures.ts';
import { type Encoded, type Encoding, encodeBody } from '../http/compress.ts';
import { parcelMinZoom, type ParcelTileView } from './queries.ts';

/** The channel the parcels' triggers (migration 012) NOTIFY the changed area on, in 3857 metres. */
const TILES_CHANNEL = 'mueang_tiles';
const HALF_WORLD = 20_037_508.342789244;
/** A tile holds shapes up to this share of its width beyond its edge (the tile buffer). */
const BUFFER_SHARE = 64 / 4096;

type Area = readonly [number, number, number, number];

/**
 * A tile as served: its bytes, their ETag, and the bytes in each encoding once a client asked
 * for it, so a warm tile is compressed once, not at every request.
 */
interface ServedTile {
  bytes: Uint8Array<ArrayBuffer>;
  etag: string;
  encoded: Partial<Record<Encoding, Promise<Encoded | null>>>;
}

/** The tile's bytes in `encoding` (null: too small to encode), made at the first request for them. */
export function encodedTile(tile: ServedTile, encoding: Encoding): Promise<Encoded | null> {
  tile.encoded[encoding] ??= encodeBody(tile.bytes, encoding);
  return tile.encoded[encoding];
}

interface Entry {
  tile: ServedTile;
  z: number;
  x: number;
  y: number;
  madeAt: number;
}

function touches(entry: Entry, [minX, minY, maxX, maxY]: Area): boolean {
  const size = (2 * HALF_WORLD) / 2 ** entry.z;
  const margin = size * BUFFER_SHARE;
  const west = -HALF_WORLD + entry.x * size - margin;
  const north = HALF_WORLD - entry.y * size + margin;
  return west <= maxX && west + size + 2 * margin >= minX && north >= minY && north - size - 2 * margin <= maxY;
}

/**
 * Recently made tiles, kept for a minute or until the parcels under them change. The key starts
 * with what the tile carries (its attributes and zones), so a tile is shared by every viewer who
 * sees exactly the same in it (the public and the tax office, say) and by no one else.
 */
class TileCache {
  private readonly entries = new Map<string, Entry>();
  /**
   * Bumped by every purge: a tile whose query started before a purge may hold what was purged,
   * so it is served but not kept.
   */
  generation = 0;

  constructor(
    private readonly capacity = 2000,
    private readonly ttlMs = 60_000,
    private readonly now = () => Date.now(),
  ) {}

  static key(view: ParcelTileView, z: number, x: number, y: number): string {
    return `${view.attributes.join(',')}:${view.zones ? view.zones.join(',') : '*'}|${z}/${x}/${y}`;
  }

  get(key: string): ServedTile | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.now() - entry.madeAt > this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    // Re-insert: a Map iterates in insertion order, so the oldest-used entry comes first.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.tile;
  }

  /** The tile as served (with its ETag), kept unless a purge came since `generation`. */
  set(key: string, at: { z: number; x: number; y: number }, bytes: Uint8Array<ArrayBuffer>, generation: number): ServedTile {
    const tile: ServedTile = { bytes, etag: `"${createHash('sha1').update(bytes).digest('base64url')}"`, encoded: {} };
    if (generation !== this.generation) return tile;
    this.entries.delete(key);
    this.entries.set(key, { tile, ...at, madeAt: this.now() });
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return tile;
  }

  /** Drops every view's tiles that show any of `area` (3857), or all tiles when there is no area. */
  purge(area: Area | null): void {
    this.generation++;
    for (const [key, entry] of this.entries) if (!area || touches(entry, area)) this.entries.delete(key);
  }
}

function areaOf(payload: string): Area | null {
  try {
    const area = JSON.parse(payload) as unknown;
    if (Array.isArray(area) && area.length === 4 && area.every((n) => typeof n === 'number')) return area as unknown as Area;
  } catch {
    // Unreadable: purge everything below.
  }
  return null;
}

/**
 * A server process's parcel tiles: the cache, and the parcels' min zoom (counted once, again after
 * any change). Every process LISTENs for changed areas, from any process or plain SQL, and drops
 * its tiles there; after a gap in listening (a database restart) it drops them all.
 */
export class ParcelTiles {
  readonly cache = new TileCache();
  private minZoom: Promise<number> | null = null;
  private lastMinZoom: number | null = null;
  private stopListening: () => Promise<void> = async () => {};

  private constructor(private readonly db: Db) {}

  static async open(db: Db): Promise<ParcelTiles> {
    const tiles = new ParcelTiles(db);
    tiles.stopListening = await db.listen(
      TILES_CHANNEL,
      (payload) => {
        const area = areaOf(payload);
        if (!area) logError('parcel tiles: unreadable change notice, dropping every tile', new Error(payload.slice(0, 80)));
        tiles.changed(area);
      },
      () => tiles.changed(null),
    );
    return tiles;
  }

  close(): Promise<void> {
    return this.stopListening();
  }

  private changed(area: Area | null): void {
    this.cache.purge(area);
    this.minZoom = null;
  }

  /** The tile of a view, from the cache or made by `make` (given the parcels' min zoom). */
  async tile(view: ParcelTileView, at: { z: number; x: number; y: number }, make: (minZoom: number) => Promise<Uint8Array<ArrayBuffer>>) {
    const key = TileCache.key(view, at.z, at.x, at.y);
    const hit = this.cache.get(key);
    if (hit) return hit;
    const generation = this.cache.generation;
    const minZoom = await this.currentMinZoom();
    return this.cache.set(key, at, await make(minZoom), generation);
  }

  private currentMinZoom(): Promise<number> {
    if (!this.minZoom) {
      const counting = parcelMinZoom(this.db).then((z) => {
        // Where the parcels start decides what every tile holds: none made before may stay.
        if (this.lastMinZoom !== null && z !== this.lastMinZoom) this.cache.purge(null);
        this.lastMinZoom = z;
        return z;
      });
      counting.catch(() => {
        if (this.minZoom === counting) this.minZoom = null;
      });
      this.minZoom = counting;
    }
    return this.minZoom;
  }
}
