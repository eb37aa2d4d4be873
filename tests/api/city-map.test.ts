import { area, booleanIntersects, booleanPointInPolygon, bboxPolygon, union, featureCollection } from '@turf/turf';
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Polygon } from 'geojson';
import { describe, expect, inject, it } from 'vitest';
import plan from '../../data/khonkaen/plan.json' with { type: 'json' };
import { decodeTile, tileAt } from '../support/tiles.ts';

const engines = inject('engines');

async function getJson<T>(base: string, path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${base}/api/${path}`);
  return { status: response.status, body: (await response.json()) as T };
}
const getFeatures = async <P>(base: string, path: string) => {
  const { status, body } = await getJson<FeatureCollection<Geometry, P>>(base, path);
  expect(status, path).toBe(200);
  expect(body.type).toBe('FeatureCollection');
  return body.features;
};

const CITY_CENTRE = [102.834, 16.432] as const;
const PUBLIC_PARCEL_ATTRIBUTES = ['area_m2', 'community_id', 'land_use', 'parcel_no', 'zone_id'];

describe.each(engines)('city map API on $engine', ({ engine, url }) => {
  it('reports its engine', async () => {
    expect(await getJson(url, 'health')).toEqual({ status: 200, body: { ok: true, db: engine } });
  });

  it('has 4 zones that tile the 46 km² municipality', async () => {
    const [boundary] = await getFeatures<{ area_km2: number; households: number }>(url, 'boundary');
    const zones = await getFeatures<{ id: number; name_th: string; name_en: string; area_km2: number }>(url, 'zones');
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

  it('has 95 communities inside their zones, with the city\'s households and population', async () => {
    const zones = await getFeatures<{ id: number; communities: number; households: number }>(url, 'zones');
    const communities = await getFeatures<{ id: number; zone_id: number; name_th: string; households: number; population: number; label_lon: number; label_lat: number }>(url, 'communities');
    expect(communities).toHaveLength(95);
    expect(new Set(communities.map((c) => c.properties.name_th)).size).toBe(95);
    expect(communities.reduce((s, c) => s + c.properties.households, 0)).toBe(57_885);
    expect(communities.reduce((s, c) => s + c.properties.population, 0)).toBe(107_371);
    for (const community of communities) {
      const zone = zones.find((z) => z.properties.id === community.properties.zone_id) as Feature<Polygon | MultiPolygon>;
      expect(booleanPointInPolygon([community.properties.label_lon, community.properties.label_lat], zone)).toBe(true);
    }
    expect(zones.map((z) => z.properties.communities).reduce((a, b) => a + b, 0)).toBe(95);
    const zone2 = await getFeatures<{ zone_id: number }>(url, 'communities?zone=2');
    expect(zone2.length).toBe(zones[1]?.properties.communities);
    expect(zone2.every((c) => c.properties.zone_id === 2)).toBe(true);
  });

  it('serves the FY2561 projects with the e-Plan stage counts of table T2', async () => {
    const projects = await getFeatures<{ strategy_id: string; stage: string; fiscal_year: number; zone_id: number | null }>(url, 'projects?fy=2561');
    expect(projects).toHaveLength(519);
    const rank = ['plan', 'approved', 'contracted', 'disbursed'];
    for (const [strategy, row] of Object.entries(plan.t2_fy2561_execution.rows)) {
      const mine = projects.filter((p) => p.properties.strategy_id === strategy);
      const reached = (stage: string) => mine.filter((p) => rank.indexOf(p.properties.stage) >= rank.indexOf(stage)).length;
      expect([reached('plan'), reached('approved'), reached('contracted'), reached('disbursed')], strategy)
        .toEqual([row[0], row[2], row[4], row[6]]);
    }
    expect(projects.every((p) => p.properties.zone_id !== null)).toBe(true);
  });

  it('filters projects by strategy, zone, stage and bbox, together', async () => {
    // FY2561 only: other suites may add projects in other years.
    const s4 = await getFeatures<{ strategy_id: string }>(url, 'projects?fy=2561&strategy=S4');
    expect(s4).toHaveLength(197);
    const byZone = await Promise.all([1, 2, 3, 4].map((zone) => getFeatures<{ zone_id: number }>(url, `projects?fy=2561&zone=${zone}`)));
    byZone.forEach((list, i) => expect(list.every((p) => p.properties.zone_id === i + 1)).toBe(true));
    expect(byZone.reduce((sum, list) => sum + list.length, 0)).toBe(519);
    const box = [102.825, 16.425, 102.845, 16.44] as [number, number, number, number];
    const inBox = await getFeatures<{ id: number }>(url, `projects?fy=2561&bbox=${box.join(',')}`);
    expect(inBox.length).toBeGreaterThan(0);
    expect(inBox.length).toBeLessThan(519);
    expect(inBox.every((p) => booleanIntersects(p, bboxPolygon(box)))).toBe(true);
    const combined = await getFeatures<{ strategy_id: string; stage: string; zone_id: number }>(url, 'projects?fy=2561&strategy=S6&stage=disbursed&zone=1');
    expect(combined.every((p) => p.properties.strategy_id === 'S6' && p.properties.stage === 'disbursed' && p.properties.zone_id === 1)).toBe(true);
    const allS6Disbursed = await getFeatures(url, 'projects?fy=2561&strategy=S6&stage=disbursed');
    expect(allS6Disbursed).toHaveLength(33);
    expect(combined.length).toBeLessThan(33);
  });

  it('shows each waste truck once, at its latest position', async () => {
    const trucks = await getFeatures<{ code: string; recorded_at: string; status: string }>(url, 'trucks');
    expect(trucks).toHaveLength(24);
    expect(new Set(trucks.map((t) => t.properties.code)).size).toBe(24);
    const times = new Set(trucks.map((t) => t.properties.recorded_at));
    expect(times.size).toBe(1); // the seeded rounds all end at the same moment
    expect(trucks.every((t) => ['collecting', 'driving', 'idle', 'depot'].includes(t.properties.status))).toBe(true);
  });

  it('gives each sensor its latest level against its own thresholds', async () => {
    type Sensor = { code: string; kind: string; level_m: number; level: string; watch_m: number; warning_m: number; critical_m: number };
    const sensors = await getFeatures<Sensor>(url, 'sensors');
    const sirens = sensors.filter((s) => s.properties.kind === 'siren').map((s) => s.properties.code);
    expect(sirens).toEqual(['FP01', 'FP02', 'FP03', 'FP04', 'FP05', 'FP06', 'FP07', 'FP08']);
    expect(sensors.length).toBeGreaterThan(8);
    for (const { properties: s } of sensors) {
      const expected = s.level_m >= s.critical_m ? 'critical' : s.level_m >= s.warning_m ? 'warning' : s.level_m >= s.watch_m ? 'watch' : 'normal';
      expect(s.level, s.code).toBe(expected);
    }
    expect(new Set(sensors.map((s) => s.properties.level))).toEqual(new Set(['normal', 'watch', 'warning', 'critical']));
  });

  it('pages parcels in a box and never shows owners or tax', async () => {
    const box = '102.82,16.42,102.85,16.44';
    const first = await getJson<FeatureCollection<Polygon, Record<string, unknown>> & { next: number | null }>(url, `parcels?bbox=${box}&limit=500`);
    expect(first.status).toBe(200);
    expect(first.body.features).toHaveLength(500);
    expect(first.body.next).not.toBeNull();
    const second = await getJson<FeatureCollection<Polygon, { id: number }>>(url, `parcels?bbox=${box}&limit=500&after=${first.body.next}`);
    const firstIds = new Set(first.body.features.map((f) => f.properties.id));
    expect(second.body.features.some((f) => firstIds.has(f.properties.id))).toBe(false);
    expect(Object.keys(first.body.features[0]?.properties ?? {}).sort()).toEqual(['id', ...PUBLIC_PARCEL_ATTRIBUTES].sort());
    const polygon = bboxPolygon([102.82, 16.42, 102.85, 16.44]);
    expect(first.body.features.every((f) => booleanIntersects(f, polygon))).toBe(true);
    const tooMany = await getJson<{ field: string }>(url, `parcels?bbox=${box}&limit=100000`);
    expect(tooMany).toMatchObject({ status: 400, body: { field: 'limit' } });
  });

  it('serves parcel vector tiles over the city centre with public attributes only', async () => {
    const { z, x, y } = tileAt(CITY_CENTRE[0], CITY_CENTRE[1], 15);
    const response = await fetch(`${url}/api/tiles/parcels/${z}/${x}/${y}.mvt`);
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
    const near = await getJson<FeatureCollection<Polygon, { id: number; parcel_no: string }>>(url, `parcels?bbox=${lon! - 0.0005},${lat! - 0.0005},${lon! + 0.0005},${lat! + 0.0005}`);
    expect(near.body.features.find((f) => f.properties.id === feature.id)?.properties.parcel_no).toBe(feature.properties.parcel_no);

    const low = await fetch(`${url}/api/tiles/parcels/10/${Math.floor(x / 32)}/${Math.floor(y / 32)}.mvt`);
    expect(low.status).toBe(200);
    expect((await low.arrayBuffer()).byteLength).toBe(0);
  });

  it.each([
    ['projects?bbox=1,2,3', 'bbox'],
    ['projects?bbox=181,10,182,11', 'bbox'],
    ['projects?bbox=102.9,16.4,102.8,16.5', 'bbox'],
    ['projects?strategy=S99', 'strategy'],
    ['projects?strategy=S1%27%3B%20DROP%20TABLE%20projects%3B--', 'strategy'],
    ['projects?zone=9', 'zone'],
    ['projects?stage=finished', 'stage'],
    ['projects?fy=twenty', 'fy'],
    ['communities?zone=0', 'zone'],
    ['parcels', 'bbox'],
    ['parcels?bbox=102.8,16.4,102.9,16.5&after=-1', 'after'],
    ['tiles/parcels/23/0/0.mvt', 'z'],
    ['tiles/parcels/15/32768/0.mvt', 'x'],
    ['tiles/parcels/15/0/32768.mvt', 'y'],
    ['tiles/parcels/15/0/0.png', 'y'],
  ])('refuses %s with a 400 naming %s', async (path, field) => {
    const { status, body } = await getJson<{ error: string; field: string }>(url, path);
    expect(status).toBe(400);
    expect(body.field).toBe(field);
    expect(body.error).toMatch(new RegExp(`^${field}: `));
  });

  it('answers an unknown endpoint with a JSON 404', async () => {
    expect(await getJson(url, 'nothing-here')).toEqual({ status: 404, body: { error: 'no such endpoint: GET /api/nothing-here' } });
  });
});

describe.runIf(engines.length > 1)('both engines', () => {
  it('make the same parcel tile', async () => {
    const { z, x, y } = tileAt(CITY_CENTRE[0], CITY_CENTRE[1], 16);
    const layers = await Promise.all(engines.map(async ({ url }) => {
      const tile = decodeTile(await (await fetch(`${url}/api/tiles/parcels/${z}/${x}/${y}.mvt`)).arrayBuffer());
      const layer = tile.layers.parcels!;
      return Array.from({ length: layer.length }, (_, i) => layer.feature(i))
        .map((f) => ({ id: f.id, ...f.properties }))
        .sort((a, b) => Number(a.id) - Number(b.id));
    }));
    expect(layers[0]!.length).toBeGreaterThan(20);
    expect(layers[1]).toEqual(layers[0]);
  });
});
