import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PUBLIC } from '../../server/auth/policy.ts';
import { openDatabase, type Db } from '../../server/db/index.ts';
import { parcelMinZoom, parcelTileStatement } from '../../server/parcels/queries.ts';
import { tileViewOf } from '../../server/parcels/routes.ts';
import { BLOCKS_MIN_ZOOM, DETAIL_ZOOM } from '../../server/parcels/tileZooms.ts';
import { startServer, type RunningServer } from '../../tests/support/server.ts';
import { startCluster } from '../lib/cluster.ts';
import type { BenchPart, Figure } from './figures.ts';

/** As many requests in flight as the measurement had: a map loads tiles four at a time. */
const CONCURRENCY = 4;
const KB = 1024;
const PUBLIC_VIEW = tileViewOf(PUBLIC);
/** The tax office's tiles, as the server makes them for it: once the largest of any view (owners in them). */
const TAX_VIEW = tileViewOf({ kind: 'user', id: 0, username: 'tax', display_name: 'tax', role: 'tax', zones: null });

type Tile = { z: number; x: number; y: number };

/** Every tile that covers the box (WGS84) at zoom z. */
function tilesOver([west, south, east, north]: readonly number[], z: number): Tile[] {
  const n = 2 ** z;
  const column = (lon: number) => Math.floor(((lon + 180) / 360) * n);
  const row = (lat: number) => Math.floor(((1 - Math.asinh(Math.tan((lat * Math.PI) / 180)) / Math.PI) / 2) * n);
  const tiles: Tile[] = [];
  for (let x = column(west!); x <= column(east!); x++) for (let y = row(north!); y <= row(south!); y++) tiles.push({ z, x, y });
  return tiles;
}

/** Runs `work` over the tiles, CONCURRENCY at a time; returns tiles per second and each tile's bytes. */
async function throughput(tiles: readonly Tile[], work: (tile: Tile) => Promise<number>): Promise<{ perSecond: number; bytes: number[] }> {
  const bytes: number[] = new Array(tiles.length);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < tiles.length) {
        const i = next++;
        bytes[i] = await work(tiles[i]!);
      }
    }),
  );
  return { perSecond: tiles.length / ((performance.now() - started) / 1000), bytes };
}

/**
 * Tiles over HTTP through keep-alive connections, as a browser asks for them. node:http, not
 * fetch: the client shares the machine's two cores with the server and PostgreSQL, and fetch's
 * own work per request (about twice node:http's) would be charged to the server.
 */
const overHttp = (server: RunningServer) => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  return (tile: Tile) =>
    new Promise<number>((resolve, reject) => {
      http
        .get(`${server.url}/api/tiles/parcels/${tile.z}/${tile.x}/${tile.y}.mvt`, { agent }, (response) => {
          let bytes = 0;
          response.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
          });
          response.on('end', () =>
            response.statusCode === 200 ? resolve(bytes) : reject(new Error(`tile ${tile.z}/${tile.x}/${tile.y}: ${response.statusCode}`)),
          );
        })
        .on('error', reject);
    });
};

/**
 * Cold server tiles against the same statements run raw, in alternating slices of the tiles: the
 * other work on the machine comes and goes, and both sides get the same share of it. Every tile
 * is the server's first of it (cold); raw SQL has no cache. Both sides first warm up (connections,
 * prepared statements, the JIT of a fresh process: a server that has run a while has all of
 * them) on the same zooms east of the city, where the tiles are empty and cache nothing useful.
 */
async function coldAgainstRaw(tiles: readonly Tile[], server: (tile: Tile) => Promise<number>, raw: (tile: Tile) => Promise<number>) {
  const elsewhere = tiles.map((t) => ({ ...t, x: t.x + 2 ** (t.z - 7) }));
  await throughput(elsewhere, raw);
  await throughput(elsewhere, server);
  const SLICES = 8;
  const totals = { server: 0, raw: 0 };
  const bytes: number[] = [];
  for (let i = 0; i < SLICES; i++) {
    const slice = tiles.filter((_, j) => j % SLICES === i);
    const order = i % 2 === 0 ? (['raw', 'server'] as const) : (['server', 'raw'] as const);
    for (const side of order) {
      const run = await throughput(slice, side === 'raw' ? raw : server);
      totals[side] += slice.length / run.perSecond;
      if (side === 'server') bytes.push(...run.bytes);
    }
  }
  return { server: tiles.length / totals.server, raw: tiles.length / totals.raw, bytes };
}

/** The server's own statement for a view (the public's unless told), straight through a pool. */
const rawSql =
  (db: Db, minZoom: number, view = PUBLIC_VIEW) =>
  async (tile: Tile) => {
    const { statement, params } = parcelTileStatement(view, { ...tile, minZoom });
    const [row] = await db.query<{ mvt: Uint8Array }>(statement, params);
    return row?.mvt.byteLength ?? 0;
  };

/** A demo server on PostGIS at a parcel scale, seeded by its own start, analysed as autovacuum would. */
async function postgisAt(clusterUrl: string, scale: number) {
  const url = clusterUrl.replace(/\/[^/]*$/, `/mueang_bench_tiles_${scale}`);
  const admin = await openDatabase({ url: clusterUrl, dataDir: null });
  await admin.query(`CREATE DATABASE mueang_bench_tiles_${scale}`);
  await admin.close();
  const started = performance.now();
  const server = await startServer({ DATABASE_URL: url, MUEANG_MODE: 'demo', PARCEL_SCALE: String(scale), FLOOD_SWEEP_SECONDS: '0' }, 600_000);
  const seedSeconds = (performance.now() - started) / 1000;
  const db = await openDatabase({ url, dataDir: null });
  await db.query('ANALYZE');
  return { server, db, seedSeconds, minZoom: await parcelMinZoom(db) };
}

const rate = (perSecond: number) => `${perSecond.toFixed(0)} tiles/s`;

/**
 * Parcel tiles: the server's cold tiles against its own SQL run raw, warm against cold, the
 * largest tile at 10× parcels, 10× against 1×, and the embedded engine against PostGIS.
 */
export const tiles: BenchPart = async () => {
  const cluster = startCluster('bench-tiles');
  const stops: (() => Promise<void>)[] = [];
  try {
    const one = await postgisAt(cluster.url, 1);
    stops.push(
      () => one.server.stop(),
      () => one.db.close(),
    );
    const boundary = (await (await fetch(`${one.server.url}/api/boundary`)).json()) as { bbox: number[] };
    const parcelTiles = (minZoom: number) => Array.from({ length: DETAIL_ZOOM - minZoom + 1 }, (_, i) => tilesOver(boundary.bbox, minZoom + i)).flat();
    const oneTiles = parcelTiles(one.minZoom);

    const oneHttp = overHttp(one.server);
    const vs1 = await coldAgainstRaw(oneTiles, oneHttp, rawSql(one.db, one.minZoom));
    const [raw1, cold1] = [{ perSecond: vs1.raw }, { perSecond: vs1.server }];
    const warm1 = await throughput(oneTiles, oneHttp);
    const cityView = await throughput(tilesOver(boundary.bbox, 13), oneHttp);

    const ten = await postgisAt(cluster.url, 10);
    stops.push(
      () => ten.server.stop(),
      () => ten.db.close(),
    );
    const tenTiles = parcelTiles(ten.minZoom);
    const tenHttp = overHttp(ten.server);
    const vs10 = await coldAgainstRaw(tenTiles, tenHttp, rawSql(ten.db, ten.minZoom));
    const [raw10, cold10] = [{ perSecond: vs10.raw }, { perSecond: vs10.server, bytes: vs10.bytes }];
    const blockTiles = Array.from({ length: ten.minZoom - BLOCKS_MIN_ZOOM }, (_, i) => tilesOver(boundary.bbox, BLOCKS_MIN_ZOOM + i)).flat();
    const blocks10 = await throughput(blockTiles, tenHttp);
    const largest = Math.max(...cold10.bytes, ...blocks10.bytes) / KB;
    const largestParcels = Math.max(...cold10.bytes) / KB;
    const taxTiles = await throughput(tenTiles, rawSql(ten.db, ten.minZoom, TAX_VIEW));

    const dataDir = mkdtempSync(join(tmpdir(), 'bench-tiles-embedded-'));
    stops.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const embedded = await startServer({ DATA_DIR: dataDir, MUEANG_MODE: 'demo', FLOOD_SWEEP_SECONDS: '0' }, 600_000);
    stops.push(() => embedded.stop());
    const coldEmbedded = await throughput(oneTiles, overHttp(embedded));

    const figures: Figure[] = [
      {
        what: 'cold tiles: server ÷ raw ST_AsMVT (PostGIS, 1×)',
        value: cold1.perSecond / raw1.perSecond,
        unit: '×',
        target: { min: 0.9 },
        detail: `${rate(cold1.perSecond)} over HTTP vs ${rate(raw1.perSecond)} raw; ${oneTiles.length} tiles z${one.minZoom}–${DETAIL_ZOOM}, ${CONCURRENCY} at a time`,
      },
      {
        what: 'cold tiles: server ÷ raw ST_AsMVT (PostGIS, 10×)',
        value: cold10.perSecond / raw10.perSecond,
        unit: '×',
        target: { min: 0.9 },
        detail: `${rate(cold10.perSecond)} vs ${rate(raw10.perSecond)}; ${tenTiles.length} tiles z${ten.minZoom}–${DETAIL_ZOOM}`,
      },
      { what: 'tiles: warm ÷ cold (PostGIS, 1×)', value: warm1.perSecond / cold1.perSecond, unit: '×', detail: `${rate(warm1.perSecond)} warm` },
      {
        what: 'largest tile at 10× parcels',
        value: largest,
        unit: 'KB',
        target: { max: 150 },
        detail: `parcels from z${ten.minZoom} (largest ${largestParcels.toFixed(0)} KB), blocks z${BLOCKS_MIN_ZOOM}–${ten.minZoom - 1}; every tile over the city`,
      },
      {
        what: 'largest tile at 10× parcels, tax office view',
        value: Math.max(...taxTiles.bytes) / KB,
        unit: 'KB',
        target: { max: 150 },
        detail: 'the attributes the map draws by, as the public’s: owners, IDs, values and tax due come one parcel at a time (GET /api/parcels/:id)',
      },
      {
        what: 'cold tiles: 10× ÷ 1× (PostGIS)',
        value: cold10.perSecond / cold1.perSecond,
        unit: '×',
        detail: `${rate(cold10.perSecond)} vs ${rate(cold1.perSecond)}; 10× parcels start at z${ten.minZoom}, 1× at z${one.minZoom}; seeding ${ten.seedSeconds.toFixed(0)} s vs ${one.seedSeconds.toFixed(0)} s`,
      },
      {
        what: 'cold tiles: embedded ÷ PostGIS (1×)',
        value: coldEmbedded.perSecond / cold1.perSecond,
        unit: '×',
        target: { min: 0.5 },
        detail: `${rate(coldEmbedded.perSecond)} vs ${rate(cold1.perSecond)}`,
      },
      {
        what: 'city view (z13) tiles, 1×',
        value: Math.max(...cityView.bytes) / KB,
        unit: 'KB',
        detail: `${cityView.bytes.length} tiles of blocks, ${(cityView.bytes.reduce((a, b) => a + b, 0) / KB).toFixed(0)} KB in all (was 4 × 330–400 KB of parcels)`,
      },
    ];
    return figures;
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    cluster.stop();
  }
};
