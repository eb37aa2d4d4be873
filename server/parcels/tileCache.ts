/**
 * Recently made tiles, kept for a minute. The key starts with the access policy's view key, so
 * a tile made for one kind of viewer (say, with owner names) is only ever served to viewers who
 * may see exactly the same data.
 */
export class TileCache {
  private readonly entries = new Map<string, { tile: Uint8Array<ArrayBuffer>; madeAt: number }>();

  constructor(
    private readonly capacity = 2000,
    private readonly ttlMs = 60_000,
    private readonly now = () => Date.now(),
  ) {}

  static key(viewKey: string, z: number, x: number, y: number): string {
    return `${viewKey}|${z}/${x}/${y}`;
  }

  get(key: string): Uint8Array<ArrayBuffer> | undefined {
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

  set(key: string, tile: Uint8Array<ArrayBuffer>): void {
    this.entries.delete(key);
    this.entries.set(key, { tile, madeAt: this.now() });
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}
