import { area, booleanIntersects, booleanPointInPolygon, bboxPolygon, union, featureCollection } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import type { ClientResponse, InferRequestType } from 'hono/client';
import { describe, expect, expectTypeOf, inject, it } from 'vitest';
import plan from '../../data/khonkaen/plan.json' with { type: 'json' };
import { answer, Client, expectBody } from '../support/client.ts';
import { decodeTile, tileAt, tileParam } from '../support/tiles.ts';

const engines = inject('engines');

/** The features of a GeoJSON answer (200), checking that it is a FeatureCollection. */
async function featuresOf<F>(answer: Promise<{ type: string; features: F[] }>): Promise<F[]> {
  const body = await answer;
  expect(body.type).toBe('FeatureCollection');
  return body.features;
}

const CITY_CENTRE = [102.834, 16.432] as const;
const PUBLIC_PARCEL_ATTRIBUTES = ['area_m2', 'community_id', 'land_use', 'map_code', 'parcel_no', 'zone_id'];

describe.each(engines)('city map API on $engine', ({ engine, url }) => {
  const { api } = new Client(url);
  const projects = (query: InferRequestType<typeof api.projects.$get>['query']) => featuresOf(expectBody(api.projects.$get({ query })));

  it('reports its engine', async () => {
    expect(await expectBody(api.health.$get())).toEqual({ ok: true, db: engine });
  });

  it('has 4 zones that tile the 46 km² municipality', async () => {
    const [boundary] = await featuresOf(expectBody(api.boundary.$get()));
    const zones = await featuresOf(expectBody(api.zones.$get()));
    expect(zones.map((z) => z.properties.name_th)).toEqual(['เขต 1', 'เขต 2', 'เขต 3', 'เขต 4']);
    expect(zones.map((z) => z.properties.name_en)).toEqual(['Zone 1', 'Zone 2', 'Zone 3', 'Zone 4']);
    expect(boundary?.properties.area_km2).toBeCloseTo(46, 0);
    const zoneTotal = zones.reduce((sum, z) => sum + z.properties.area_km2, 0);
    expect(zoneTotal).toBeCloseTo(boundary?.properties.area_km2 ?? 0, 1);
    // No overlap: the union is as large as the sum of the parts.
    // (turf measures on a sphere, PostGIS on the spheroid: they agree to a few tenths of a per cent)
    const merged = union(featureCollection(zones as Feature<Polygon | MultiPolygon>[]));
    const parts = zones.reduce((sum, z) => sum + area(z), 0);
    expect(Math.abs(area(merged!) - parts) / parts).toBeLessThan(1e-4);
  });

  it("has 95 communities inside their zones, with the city's households and population", async () => {
    const zones = await featuresOf(expectBody(api.zones.$get()));
    const communities = await featuresOf(expectBody(api.communities.$get({ query: {} })));
    expect(communities).toHaveLength(95);
    expect(new Set(communities.map((c) => c.properties.name_th)).size).toBe(95);
    expect(communities.reduce((s, c) => s + c.properties.households, 0)).toBe(57_885);
    expect(communities.reduce((s, c) => s + c.properties.population, 0)).toBe(107_371);
    for (const community of communities) {
      const zone = zones.find((z) => z.properties.id === community.properties.zone_id) as Feature<Polygon | MultiPolygon>;
      expect(booleanPointInPolygon([community.properties.label_lon, community.properties.label_lat], zone)).toBe(true);
    }
    expect(zones.map((z) => z.properties.communities).reduce((a, b) => a + b, 0)).toBe(95);
    const zone2 = await featuresOf(expectBody(api.communities.$get({ query: { zone: '2' } })));
    expect(zone2.length).toBe(zones[1]?.properties.communities);
    expect(zone2.every((c) => c.properties.zone_id === 2)).toBe(true);
  });

  it('serves the FY2561 projects with the e-Plan stage counts of table T2', async () => {
    const fy2561 = await projects({ fy: '2561' });
    expect(fy2561).toHaveLength(519);
    const rank = ['plan', 'approved', 'contracted', 'disbursed'];
    for (const [strategy, row] of Object.entries(plan.t2_fy2561_execution.rows)) {
      const mine = fy2561.filter((p) => p.properties.strategy_id === strategy);
      const reached = (stage: string) => mine.filter((p) => rank.indexOf(p.properties.stage ?? 'none') >= rank.indexOf(stage)).length;
      expect([reached('plan'), reached('approved'), reached('contracted'), reached('disbursed')], strategy).toEqual([row[0], row[2], row[4], row[6]]);
    }
    expect(fy2561.every((p) => p.properties.zone_id !== null)).toBe(true);
  });

  it('filters projects by strategy, zone, stage and bbox, together', async () => {
    // FY2561 only: other suites may add projects in other years.
    const s4 = await projects({ fy: '2561', strategy: 'S4' });
    expect(s4).toHaveLength(197);
    const byZone = await Promise.all([1, 2, 3, 4].map((zone) => projects({ fy: '2561', zone: String(zone) })));
    for (const [i, list] of byZone.entries()) expect(list.every((p) => p.properties.zone_id === i + 1)).toBe(true);
    expect(byZone.reduce((sum, list) => sum + list.length, 0)).toBe(519);
    const box = [102.825, 16.425, 102.845, 16.44] as [number, number, number, number];
    const inBox = await projects({ fy: '2561', bbox: box.join(',') });
    expect(inBox.length).toBeGreaterThan(0);
    expect(inBox.length).toBeLessThan(519);
    expect(inBox.every((p) => booleanIntersects(p, bboxPolygon(box)))).toBe(true);
    const combined = await projects({ fy: '2561', strategy: 'S6', stage: 'disbursed', zone: '1' });
    expect(combined.every((p) => p.properties.strategy_id === 'S6' && p.properties.stage === 'disbursed' && p.properties.zone_id === 1)).toBe(true);
    const allS6Disbursed = await projects({ fy: '2561', strategy: 'S6', stage: 'disbursed' });
    expect(allS6Disbursed).toHaveLength(33);
    expect(combined.length).toBeLessThan(33);
  });

  it('shows each waste truck once, at its latest position', async () => {
    const trucks = await featuresOf(expectBody(api.trucks.$get()));
    expect(trucks).toHaveLength(24);
    expect(new Set(trucks.map((t) => t.properties.code)).size).toBe(24);
    const times = new Set(trucks.map((t) => t.properties.recorded_at));
    expect(times.size).toBe(1); // the seeded rounds all end at the same moment
    expect(trucks.every((t) => ['moving', 'stopped', 'depot', 'offline'].includes(t.properties.state))).toBe(true);
  });

  it('gives each sensor its latest level against its own thresholds', async () => {
    const sensors = await featuresOf(expectBody(api.sensors.$get()));
    const sirens = sensors.filter((s) => s.properties.kind === 'siren').map((s) => s.properties.code);
    expect(sirens).toEqual(['FP01', 'FP02', 'FP03', 'FP04', 'FP05', 'FP06', 'FP07', 'FP08']);
    expect(sensors.length).toBeGreaterThan(8);
    for (const { properties: s } of sensors) {
      // Every seeded sensor has a reading.
      const expected =
        s.level_m === null
          ? 'no reading'
          : s.level_m >= s.critical_m
            ? 'critical'
            : s.level_m >= s.warning_m
              ? 'warning'
              : s.level_m >= s.watch_m
                ? 'watch'
                : 'normal';
      expect(s.level, s.code).toBe(expected);
    }
    expect(new Set(sensors.map((s) => s.properties.level))).toEqual(new Set(['normal', 'watch', 'warning', 'critical']));
  });

  it('pages parcels in a box and never shows owners or tax', async () => {
    const box = '102.82,16.42,102.85,16.44';
    const first = await expectBody(api.parcels.$get({ query: { bbox: box, limit: '500' } }));
    expect(first.features).toHaveLength(500);
    expect(first.next).not.toBeNull();
    const second = await expectBody(api.parcels.$get({ query: { bbox: box, limit: '500', after: String(first.next) } }));
    const firstIds = new Set(first.features.map((f) => f.properties.id));
    expect(second.features.some((f) => firstIds.has(f.properties.id))).toBe(false);
    expect(Object.keys(first.features[0]?.properties ?? {}).sort()).toEqual(['id', ...PUBLIC_PARCEL_ATTRIBUTES].sort());
    const polygon = bboxPolygon([102.82, 16.42, 102.85, 16.44]);
    expect(first.features.every((f) => booleanIntersects(f, polygon))).toBe(true);
    expect((await expectBody(api.parcels.$get({ query: { bbox: box, limit: '100000' } }), 400)).field).toBe('limit');
  });

  it('types every answer from its route, so a call pointed at the wrong route fails tsc', async () => {
    const projects = await expectBody(api.projects.$get({ query: { fy: '2561' } }));
    // @ts-expect-error the projects come in one collection: only the parcels route pages (`next`)
    expect(projects.next).toBeUndefined();
    const parcels = await expectBody(api.parcels.$get({ query: { bbox: '102.83,16.43,102.84,16.44', limit: '1' } }));
    expect(parcels.next).not.toBeUndefined();
    // Checked by tsc alone: a route that does not exist has no call (the client is a proxy at run time).
    expectTypeOf(api).toHaveProperty('zones');
    expectTypeOf(api).not.toHaveProperty('nothing-here');
  });

  it('serves parcel vector tiles over the city centre with public attributes only', async () => {
    const { z, x, y } = tileAt(CITY_CENTRE[0], CITY_CENTRE[1], 15);
    const response = await api.tiles.parcels[':z'][':x'][':y'].$get({ param: tileParam({ z, x, y }) });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.mapbox-vector-tile');
    const tile = decodeTile(await response.arrayBuffer());
    expect(Object.keys(tile.layers)).toEqual(['parcels']);
    const layer = tile.layers.parcels!;
    expect(layer.length).toBeGreaterThan(100);
    const feature = layer.feature(0);
    expect(Object.keys(feature.properties).sort()).toEqual(PUBLIC_PARCEL_ATTRIBUTES);
    expect(typeof feature.id).toBe('number');
    const shape = feature.toGeoJSON(x, y, z);
    expect(shape.geometry.type).toBe('Polygon');
    // The same parcel, asked for by id through the REST list, is where the tile put it.
    const [lon, lat] = (shape.geometry as Polygon).coordinates[0]![0]!;
    const near = await expectBody(api.parcels.$get({ query: { bbox: `${lon! - 0.0005},${lat! - 0.0005},${lon! + 0.0005},${lat! + 0.0005}` } }));
    expect(near.features.find((f) => f.properties.id === feature.id)?.properties.parcel_no).toBe(feature.properties.parcel_no);

    const low = await api.tiles.parcels[':z'][':x'][':y'].$get({ param: tileParam({ z: 10, x: Math.floor(x / 32), y: Math.floor(y / 32) }) });
    expect(low.status).toBe(200);
    expect((await low.arrayBuffer()).byteLength).toBe(0);
  });

  type Call = (api: Client['api']) => Promise<ClientResponse<unknown, number, string>>;
  const tile =
    (z: string, x: string, y: string): Call =>
    (api) =>
      api.tiles.parcels[':z'][':x'][':y'].$get({ param: { z, x, y } });
  it.each<[string, Call, string]>([
    ['projects?bbox=1,2,3', (api) => api.projects.$get({ query: { bbox: '1,2,3' } }), 'bbox'],
    ['projects?bbox=181,10,182,11', (api) => api.projects.$get({ query: { bbox: '181,10,182,11' } }), 'bbox'],
    ['projects?bbox=102.9,16.4,102.8,16.5', (api) => api.projects.$get({ query: { bbox: '102.9,16.4,102.8,16.5' } }), 'bbox'],
    ['projects?strategy=S99', (api) => api.projects.$get({ query: { strategy: 'S99' } }), 'strategy'],
    ["projects?strategy=S1'; DROP TABLE projects;--", (api) => api.projects.$get({ query: { strategy: "S1'; DROP TABLE projects;--" } }), 'strategy'],
    ['projects?zone=9', (api) => api.projects.$get({ query: { zone: '9' } }), 'zone'],
    ['projects?stage=finished', (api) => api.projects.$get({ query: { stage: 'finished' as never } }), 'stage'],
    ['projects?fy=twenty', (api) => api.projects.$get({ query: { fy: 'twenty' } }), 'fy'],
    ['communities?zone=0', (api) => api.communities.$get({ query: { zone: '0' } }), 'zone'],
    ['parcels', (api) => api.parcels.$get({ query: {} as never }), 'bbox'],
    ['parcels?bbox=102.8,16.4,102.9,16.5&after=-1', (api) => api.parcels.$get({ query: { bbox: '102.8,16.4,102.9,16.5', after: '-1' } }), 'after'],
    ['tiles/parcels/23/0/0.mvt', tile('23', '0', '0.mvt'), 'z'],
    ['tiles/parcels/15/32768/0.mvt', tile('15', '32768', '0.mvt'), 'x'],
    ['tiles/parcels/15/0/32768.mvt', tile('15', '0', '32768.mvt'), 'y'],
    ['tiles/parcels/15/0/0.png', tile('15', '0', '0.png'), 'y'],
  ])('refuses %s with a 400 naming %s', async (_path, call, field) => {
    const body = await expectBody(call(api), 400);
    expect(body.field).toBe(field);
    expect(body.error).toMatch(new RegExp(`^${field}: `));
  });

  it('answers an unknown endpoint with a JSON 404', async () => {
    // No typed call can name a route that does not exist.
    const { status, body } = await answer(new Client(url).raw('GET', 'nothing-here'));
    expect(status).toBe(404);
    expect(body).toEqual({ error: 'no such endpoint: GET /api/nothing-here' });
  });
});

describe.runIf(engines.length > 1)('both engines', () => {
  it('make the same parcel tile', async () => {
    const { z, x, y } = tileAt(CITY_CENTRE[0], CITY_CENTRE[1], 16);
    const layers = await Promise.all(
      engines.map(async ({ url }) => {
        const response = await new Client(url).api.tiles.parcels[':z'][':x'][':y'].$get({ param: tileParam({ z, x, y }) });
        const tile = decodeTile(await response.arrayBuffer());
        const layer = tile.layers.parcels!;
        return Array.from({ length: layer.length }, (_, i) => layer.feature(i))
          .map((f) => ({ id: f.id, ...f.properties }))
          .sort((a, b) => Number(a.id) - Number(b.id));
      }),
    );
    expect(layers[0]!.length).toBeGreaterThan(20);
    expect(layers[1]).toEqual(layers[0]);
  });
});
