import { booleanPointInPolygon, pointOnFeature } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LAND_USES } from '../../server/parcels/landUse.ts';
import { openApp, openSeededApp, type AppUnderTest } from '../support/app.ts';
import { expectBody, type Client } from '../support/client.ts';
import { copyOf, type DataCopy } from '../support/databases.ts';
import { decodeTile, tileAt, tileParam } from '../support/tiles.ts';
import { until } from '../support/wait.ts';

const engines = inject('engines');

const CITY_CENTRE = [102.834, 16.432] as const;
/** Well under the 60 s the cache keeps a tile: a change seen sooner was purged, not expired. */
const PURGE_WITHIN_MS = 10_000;

type At = { z: number; x: number; y: number };

async function tileOf(client: Client, at: At, headers: Record<string, string> = {}) {
  const response = await client.api.tiles.parcels[':z'][':x'][':y'].$get({ param: tileParam(at) }, { headers });
  return { response, bytes: await response.arrayBuffer() };
}

/** The features of a tile's one layer, with the layer's name. */
async function layerOf(client: Client, at: At) {
  const { response, bytes } = await tileOf(client, at);
  expect(response.status).toBe(200);
  const layers = decodeTile(bytes).layers;
  const names = Object.keys(layers);
  expect(names.length).toBeLessThanOrEqual(1);
  const layer = names[0] ? layers[names[0]]! : null;
  const features = layer ? Array.from({ length: layer.length }, (_, i) => layer.feature(i)) : [];
  return { name: names[0] ?? null, features };
}

/** Inserts a square parcel `side` degrees wide at the south-west corner `[lon, lat]`; returns its id. */
async function insertParcel(app: AppUnderTest, [lon, lat]: readonly [number, number], side: number, parcelNo: string): Promise<number> {
  const [row] = await app.db.query<{ id: number }>(
    `INSERT INTO parcels (parcel_no, land_use, area_m2, assessed_value, tax_due, geom)
     VALUES ($1, 'commercial', ST_Area(ST_MakeEnvelope($2::float8, $3::float8, $2::float8 + $4::float8, $3::float8 + $4::float8, 4326)::geography),
             1000, 3, ST_MakeEnvelope($2::float8, $3::float8, $2::float8 + $4::float8, $3::float8 + $4::float8, 4326))
     RETURNING id`,
    [parcelNo, lon, lat, side],
  );
  return row!.id;
}

describe.each(engines)('parcel tiles on $engine', (target) => {
  let app: AppUnderTest;
  let anyone: Client;

  beforeAll(async () => {
    app = await openSeededApp(target, 'mueang_tiles_test', { FLOOD_SWEEP_SECONDS: '0' });
    anyone = app.client();
  }, 180_000);

  afterAll(async () => {
    await app?.close();
  });

  it('carries blocks below the parcels’ zoom (land use and count) and parcels from it', async () => {
    // At the demo's density a z14 tile over the centre would hold about 3,800 parcels (185 KB):
    // too many, so parcels start at z15 and z13–14 carry blocks.
    for (const z of [13, 14]) {
      const { name, features } = await layerOf(anyone, tileAt(...CITY_CENTRE, z));
      expect(name, `z${z}`).toBe('parcel_blocks');
      expect(features.length).toBeGreaterThan(50);
      for (const f of features) {
        expect(LAND_USES).toContain(f.properties.land_use);
        expect(f.properties.parcels).toBeGreaterThan(0);
        expect(f.id).toBeGreaterThan(0);
      }
      // A block has one id in every tile that holds a piece of it (here, in the tile's buffer),
      // so the map counts its parcels once.
      expect(new Set(features.map((f) => f.id)).size).toBe(features.length);
      const at = tileAt(...CITY_CENTRE, z);
      const shared = [];
      for (const [dx, dy] of [
        [1, 0],
        [-1, 0],
        [0, 1],
        [0, -1],
      ] as const) {
        const next = await layerOf(anyone, { ...at, x: at.x + dx, y: at.y + dy });
        shared.push(...next.features.filter((f) => features.some((g) => g.id === f.id)));
      }
      expect(shared.length, `z${z}: blocks in a tile and its neighbours`).toBeGreaterThan(0);
      for (const f of shared) expect(features.find((g) => g.id === f.id)?.properties).toEqual(f.properties);
    }
    const parcels = await layerOf(anyone, tileAt(...CITY_CENTRE, 15));
    expect(parcels.name).toBe('parcels');
    expect(parcels.features.length).toBeGreaterThan(100);
    // Below the blocks' zoom the city is a few pixels wide: nothing.
    const { bytes } = await tileOf(anyone, tileAt(...CITY_CENTRE, 11));
    expect(bytes.byteLength).toBe(0);
  });

  it('carries no personal data for any viewer, not even those who may see it', async () => {
    const PERSONAL = ['owner_name', 'national_id', 'assessed_value', 'tax_due'];
    for (const who of ['tax', 'auditor', 'admin']) {
      const viewer = await app.signIn(who);
      for (const z of [15, 16]) {
        const { name, features } = await layerOf(viewer, tileAt(...CITY_CENTRE, z));
        expect(name).toBe('parcels');
        expect(features.length).toBeGreaterThan(10);
        // Tiles leave out empty values: the attributes are those of all features together.
        const keys = new Set(features.flatMap((f) => Object.keys(f.properties)));
        expect([...keys].sort(), `${who} z${z}`).toEqual(['area_m2', 'community_id', 'land_use', 'map_code', 'parcel_no', 'tax_status', 'zone_id']);
        expect(PERSONAL.filter((key) => keys.has(key))).toEqual([]);
      }
    }
  });

  it('gives a zone-scoped viewer the blocks of their zones only, cut to the zone', async () => {
    const zoneOne = await app.signIn('engineer-z1');
    const zones = await expectBody(anyone.api.zones.$get());
    const one = zones.features.find((f) => f.properties.id === 1) as Feature<MultiPolygon | Polygon>;
    const at = tileAt(...CITY_CENTRE, 13);
    const all = await layerOf(anyone, at);
    const theirs = await layerOf(zoneOne, at);
    expect(theirs.name).toBe('parcel_blocks');
    expect(theirs.features.length).toBeGreaterThan(10);
    expect(theirs.features.length).toBeLessThan(all.features.length);
    for (const f of theirs.features) {
      const shape = f.toGeoJSON(at.x, at.y, at.z) as Feature<Polygon | MultiPolygon>;
      expect(booleanPointInPolygon(pointOnFeature(shape), one)).toBe(true);
    }
  });

  it('answers with an ETag, and 304 without the bytes to a client that has them', async () => {
    const at = tileAt(...CITY_CENTRE, 15);
    const first = await tileOf(anyone, at);
    const etag = first.response.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.response.headers.get('cache-control')).toBe('public, max-age=60');
    const again = await tileOf(anyone, at, { 'If-None-Match': etag! });
    expect(again.response.status).toBe(304);
    expect(again.bytes.byteLength).toBe(0);
    expect(again.response.headers.get('etag')).toBe(etag);
    // A browser that got the tile compressed holds the weak form of the tag, and sends that back.
    const weak = await tileOf(anyone, at, { 'If-None-Match': `"x", W/${etag}` });
    expect(weak.response.status).toBe(304);
    const other = await tileOf(anyone, at, { 'If-None-Match': '"something-else"' });
    expect(other.response.status).toBe(200);
    expect(other.bytes.byteLength).toBe(first.bytes.byteLength);
    // A planner sees what the public sees: the same tile (the same ETag, so a 304), kept private
    // as every signed-in viewer does. The tax office's carries the tax status: another tile.
    const planner = await tileOf(await app.signIn('planner'), at, { 'If-None-Match': etag! });
    expect(planner.response.status).toBe(304);
    expect(planner.response.headers.get('etag')).toBe(etag);
    expect(planner.response.headers.get('cache-control')).toBe('private, no-store');
    const tax = await tileOf(await app.signIn('tax'), at, { 'If-None-Match': etag! });
    expect(tax.response.status).toBe(200);
    expect(tax.response.headers.get('etag')).not.toBe(etag);
  });

  it('leaves out parcels smaller than a pixel, and draws them where they are not', async () => {
    // A 1.5 m square: under a z15 pixel (2.4 m), though five cells of the z15 tile's grid (0.3 m).
    const corner = [CITY_CENTRE[0] + 0.0001, CITY_CENTRE[1] + 0.0001] as const;
    const id = await insertParcel(app, corner, 0.000014, 'tiny-1');
    const ids = async (z: number) => (await layerOf(anyone, tileAt(...corner, z))).features.map((f) => f.id);
    await until('the new parcel in its z16 tile', async () => (await ids(16)).includes(id), PURGE_WITHIN_MS);
    expect(await ids(15)).not.toContain(id);
  });

  it('cuts a parcel across a tile edge at each tile’s buffer, its exterior wound as the spec says', async () => {
    // A square about 100 m wide, centred on the edge between two z16 tiles of one row: each tile
    // holds its part up to 64 units (of 4096) past the edge, as ST_AsMVTGeom cuts it on PostGIS.
    const n = 2 ** 16;
    const west = tileAt(CITY_CENTRE[0] + 0.004, CITY_CENTRE[1] - 0.004, 16);
    const east = { ...west, x: west.x + 1 };
    const edge = (east.x / n) * 360 - 180;
    const middle = (Math.atan(Math.sinh(Math.PI * (1 - (2 * (west.y + 0.5)) / n))) * 180) / Math.PI;
    const id = await insertParcel(app, [edge - 0.0005, middle - 0.0005], 0.001, 'across-an-edge-1');
    const part = async (at: At) => (await layerOf(anyone, at)).features.find((f) => f.id === id);
    await until('the new parcel in both tiles', async () => Boolean((await part(west)) && (await part(east))), PURGE_WITHIN_MS);
    const [westPart, eastPart] = [(await part(west))!, (await part(east))!];
    expect(westPart.properties.land_use).toBe('commercial');
    expect(eastPart.properties.land_use).toBe('commercial');
    const rings = [westPart.loadGeometry(), eastPart.loadGeometry()];
    for (const parts of rings) {
      expect(parts).toHaveLength(1);
      // The surveyor's formula in tile coordinates (y down): an exterior ring's area is positive.
      const ring = parts[0]!;
      const area = ring.reduce((sum, p, i) => sum + p.x * ring[(i + 1) % ring.length]!.y - ring[(i + 1) % ring.length]!.x * p.y, 0);
      expect(area).toBeGreaterThan(0);
    }
    const xs = rings.map(([ring]) => ring!.map((p) => p.x));
    expect(Math.max(...xs[0]!)).toBe(4096 + 64);
    expect(Math.min(...xs[0]!)).toBeLessThan(4096 - 64);
    expect(Math.min(...xs[1]!)).toBe(-64);
    expect(Math.max(...xs[1]!)).toBeGreaterThan(64);
    // The same rows of the grid on both sides.
    const ys = rings.map(([ring]) => ring!.map((p) => p.y));
    expect([Math.min(...ys[1]!), Math.max(...ys[1]!)]).toEqual([Math.min(...ys[0]!), Math.max(...ys[0]!)]);
  });

  it('drops a cached tile as soon as a parcel in it changes, not when the cache expires', async () => {
    const at = tileAt(...CITY_CENTRE, 16);
    const before = await layerOf(anyone, at);
    const parcel = before.features.find((f) => f.properties.land_use !== 'public')!;
    // Cached now: the same bytes come back.
    expect((await tileOf(anyone, at)).bytes).toEqual((await tileOf(anyone, at)).bytes);
    await app.db.query(`UPDATE parcels SET land_use = 'public' WHERE id = $1`, [parcel.id]);
    const landUse = async () => (await layerOf(anyone, at)).features.find((f) => f.id === parcel.id)?.properties.land_use;
    await until('the changed land use in the cached tile', async () => (await landUse()) === 'public', PURGE_WITHIN_MS);
    // The blocks below the parcels' zoom are counted again too.
    const block = async () => (await layerOf(anyone, tileAt(...CITY_CENTRE, 13))).features.reduce((n, f) => n + Number(f.properties.parcels), 0);
    const counted = await block();
    const id = await insertParcel(app, [CITY_CENTRE[0] + 0.0002, CITY_CENTRE[1] + 0.0002], 0.0001, 'new-block-1');
    await until('the new parcel counted in its block', async () => (await block()) === counted + 1, PURGE_WITHIN_MS);
    await app.db.query('DELETE FROM parcels WHERE id = $1', [id]);
    await until('the deleted parcel no longer counted', async () => (await block()) === counted, PURGE_WITHIN_MS);
  });
});

describe.each(engines.filter((e) => e.engine === 'postgis'))('parcel tiles in two server processes on $engine', (target) => {
  let copy: DataCopy;
  let a: AppUnderTest;
  let b: AppUnderTest;

  beforeAll(async () => {
    copy = await copyOf(target, 'seeded', 'mueang_tiles_two_test');
    a = await openApp({ MUEANG_MODE: 'demo', FLOOD_SWEEP_SECONDS: '0', ...copy.env });
    b = await openApp({ MUEANG_MODE: 'demo', FLOOD_SWEEP_SECONDS: '0', ...copy.env });
  }, 180_000);

  afterAll(async () => {
    await a?.close();
    await b?.close();
    copy?.remove();
  });

  it('drops, in every process, the tiles of every view where a parcel changed', async () => {
    // In zone 1, where the zone-scoped viewer below sees parcels.
    const at = tileAt(102.8438, 16.4156, 16);
    // The public and a zone-scoped viewer: two views, so two tiles of the same place in the cache.
    const [publicB, zoneB] = [b.client(), await b.signIn('engineer-z1')];
    const parcel = (await layerOf(zoneB, at)).features[0]!;
    const landUse = async (client: Client) => (await layerOf(client, at)).features.find((f) => f.id === parcel.id)?.properties.land_use;
    expect(await landUse(publicB)).toBe(parcel.properties.land_use);
    const next = parcel.properties.land_use === 'vacant' ? 'mixed' : 'vacant';
    // Through the other process's database connection, as a write through it would be.
    await a.db.query('UPDATE parcels SET land_use = $1 WHERE id = $2', [next, parcel.id]);
    await until('process B’s public tile to change', async () => (await landUse(publicB)) === next, PURGE_WITHIN_MS);
    await until('process B’s zone-1 tile to change', async () => (await landUse(zoneB)) === next, PURGE_WITHIN_MS);
  });
});
