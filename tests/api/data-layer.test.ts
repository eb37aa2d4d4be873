import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Db } from '../../server/db/index.ts';
import { capAlertXml } from '../../server/flood/cap.ts';
import type { Alert } from '../../server/flood/queries/alerts.ts';
import { affectedBy } from '../../server/flood/queries/area.ts';
import { openSeededApp, type AppUnderTest } from '../support/app.ts';
import { expectBody, type Client } from '../support/client.ts';
import { openCopy } from '../support/databases.ts';

/**
 * The server's data layer, on each engine: the SQL functions and queries over hand-made
 * geometry (an empty, migrated database in this process), and the access scope of alert
 * lists through the API, on an app of its own (manual clock, a copy of the seeded demo city).
 */
const engines = inject('engines');

describe.each(engines)('the data layer on $engine', (target) => {
  let db: Db;
  let close: () => Promise<void>;

  beforeAll(async () => {
    // A migrated database of its own, empty: the run's template, copied.
    ({ db, close } = await openCopy(target, 'migrated', 'mueang_data_layer_test'));
    // Two zones of one community each, side by side: x 102.80–102.81 is zone 1, 102.81–102.82 zone 2.
    const square = (x0: number, x1: number) => `MULTIPOLYGON(((${x0} 16.40, ${x1} 16.40, ${x1} 16.41, ${x0} 16.41, ${x0} 16.40)))`;
    for (const [id, x0, x1] of [
      [1, 102.8, 102.81],
      [2, 102.81, 102.82],
    ] as const) {
      await db.query(`INSERT INTO zones (id, name_th, name_en, geom) VALUES ($1, $2, $2, ST_GeomFromText($3, 4326))`, [id, `z${id}`, square(x0, x1)]);
      await db.query(
        `INSERT INTO communities (id, zone_id, name_th, name_en, households, population, geom)
                      VALUES ($1, $1, $2, $2, 100, 200, ST_GeomFromText($3, 4326))`,
        [id, `c${id}`, square(x0, x1)],
      );
    }
  }, 120_000);

  afterAll(async () => {
    await close?.();
  });

  const placeOf = async (wkt: string) => db.query<{ community_id: number; zone_id: number }>('SELECT * FROM place_community(ST_GeomFromText($1, 4326))', [wkt]);

  it('says which community holds a geometry with one SQL function', async () => {
    expect(await placeOf('POINT(102.815 16.405)')).toEqual([{ community_id: 2, zone_id: 2 }]);
    // A line belongs where its middle is, though it ends in the other community.
    expect(await placeOf('LINESTRING(102.801 16.405, 102.809 16.405, 102.812 16.405)')).toEqual([{ community_id: 1, zone_id: 1 }]);
    // A polygon, by a point inside it: mostly in community 2.
    expect(await placeOf('POLYGON((102.808 16.401, 102.819 16.401, 102.819 16.409, 102.808 16.409, 102.808 16.401))')).toEqual([
      { community_id: 2, zone_id: 2 },
    ]);
    // On the shared edge: one of the two, never both.
    expect((await placeOf('POINT(102.81 16.405)')).map((p) => p.community_id)).toEqual([expect.any(Number)]);
    expect(await placeOf('POINT(102.9 16.405)')).toEqual([]);
  });

  it('gives the CAP polygon as the largest part by area, not the part with most vertices', async () => {
    // A catchment of two parts: a plain square of 4 corners, and a much smaller circle of 64.
    await db.query(`INSERT INTO sensors (id, code, kind, name_th, name_en, zone_id, reference_m, watch_rel_m, warning_rel_m, critical_rel_m, geom)
                    VALUES (1, 'WL99', 'sump', 'ทดสอบ', 'Test', 1, 1, -0.6, -0.3, 0, ST_SetSRID(ST_MakePoint(102.804, 16.404), 4326))`);
    await db.query(`INSERT INTO sensor_catchments (sensor_id, geom)
                    SELECT 1, ST_Multi(ST_Collect(
                      ST_GeomFromText('POLYGON((102.800 16.400, 102.808 16.400, 102.808 16.408, 102.800 16.408, 102.800 16.400))', 4326),
                      ST_Buffer(ST_SetSRID(ST_MakePoint(102.815, 16.405), 4326), 0.001, 16)))`);
    const affected = await affectedBy(db, 1, { basis: 'catchment', radius_m: null, zones: null });
    expect(affected?.basis).toBe('catchment');
    const alert = {
      id: 1,
      sensor_id: 1,
      sensor_code: 'WL99',
      sensor_name_th: 'ทดสอบ',
      sensor_name_en: 'Test',
      zone_id: 1,
      type: 'level',
      severity: 'warning',
      status: 'open',
      opened_at: '2026-11-21T09:00:00.000Z',
      level_m: 1.2,
    } as Alert;
    const xml = capAlertXml(
      { alert, affected, revision: { revision: 1, sent: '2026-11-21T09:00:00.000Z', previousSent: null } },
      { sender: 'test@example.org', publicUrl: 'http://example.org' },
    );
    const polygons = [...xml.matchAll(/<polygon>([^<]*)<\/polygon>/g)].map((m) => m[1]);
    expect(polygons).toHaveLength(2); // one per language
    expect(polygons[0]).toBe('16.40000,102.80000 16.40000,102.80800 16.40800,102.80800 16.40800,102.80000 16.40000,102.80000');
  });
});

/** What the scope rule reads of an alert, public or staff view. */
interface AlertRow {
  zone_id: number;
  severity: string;
  status: string;
  type: string;
}

describe.each(engines)('zone-scoped alert lists on $engine', (target) => {
  let app: AppUnderTest;
  let admin: Client;
  let zoneOne: Client;

  beforeAll(async () => {
    // An app of its own, in this process, on a copy of the seeded data and a manual clock.
    app = await openSeededApp(target, 'mueang_zone_scope_test', { MUEANG_CLOCK: 'manual', FLOOD_SWEEP_SECONDS: '0' });
    admin = await app.signIn('admin');
    zoneOne = await app.signIn('engineer-z1');
    // Every seeded sensor falls silent: each opens an offline alert (yellow), in every zone.
    await expectBody(admin.api.clock.$post({ json: { advance_s: 1800 } }));
  }, 180_000);

  afterAll(async () => {
    await app?.close();
  });

  // What the access policy lets a zone-1 user see: everything in zone 1, active orange and red
  // level or rise alerts elsewhere (the public warning).
  const zoneOneMaySee = (a: AlertRow) =>
    a.zone_id === 1 || (['warning', 'critical'].includes(a.severity) && ['open', 'acknowledged'].includes(a.status) && a.type !== 'offline');

  const alerts = (client: Client, state: 'all' | 'wall' | 'active', limit: number) =>
    expectBody(client.api.alerts.$get({ query: { state, limit: String(limit) } }));

  it.each(['all', 'wall'] as const)('gives a zone-scoped user as many of their alerts as the limit asks (state=%s)', async (state) => {
    const every = await alerts(admin, state, 1000);
    const theirs = every.filter(zoneOneMaySee);
    // Most alerts are in other zones and hidden from this user; a few are theirs.
    expect(every.length - theirs.length).toBeGreaterThan(theirs.length);
    expect(theirs.length).toBeGreaterThan(3);
    const limit = theirs.length - 1;
    const got = await alerts(zoneOne, state, limit);
    expect(got).toHaveLength(limit);
    expect(got.every(zoneOneMaySee)).toBe(true);
    const all = await alerts(zoneOne, state, 1000);
    expect(all.map((a) => a.id).sort()).toEqual(theirs.map((a) => a.id).sort());
  });

  it('lists for the public only the public warnings, as many as asked for', async () => {
    const every = await alerts(admin, 'active', 1000);
    const warnings = every.filter((a) => ['warning', 'critical'].includes(a.severity) && a.type !== 'offline');
    expect(warnings.length).toBeGreaterThan(0);
    const got = await alerts(app.client(), 'active', warnings.length);
    expect(got.map((a) => a.id).sort()).toEqual(warnings.map((a) => a.id).sort());
    expect(got.every((a) => a.view === 'public')).toBe(true);
  });
});
