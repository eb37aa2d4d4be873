import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bangkokDate } from '../../server/clock.ts';
import { openSeededApp, type AppUnderTest } from '../support/app.ts';
import { answer, type Client, expectBody } from '../support/client.ts';

const engines = inject('engines');

/**
 * Trips and stops as the ingest derives them (017_truck_motion.sql, the default rules: a trip
 * after 500 m or 300 s of motion, a stop after 300 s standing, a stop at a gap of 3,600 s), read
 * back through the replay endpoint. Tracks run north along one meridian, where a distance in
 * metres is exact: WGS84's metres per degree of latitude at LAT0.
 */
const LAT0 = 16.43;
const LON0 = 102.83;
const A = 6_378_137;
const E2 = 0.006_694_379_990_14;
const sin0 = Math.sin((LAT0 * Math.PI) / 180);
const METRES_PER_DEGREE = ((Math.PI / 180) * A * (1 - E2)) / (1 - E2 * sin0 * sin0) ** 1.5;

/** A fix: seconds after 08:00 Bangkok on the test day, metres north of the start, km/h. */
type Fix = [t: number, metres: number, speed: number];

describe.each(engines)('trips and stops on $engine', (target) => {
  let app: AppUnderTest;
  let admin: Client;
  // The day of the tracks: in the past, away from the demo's positions (whose trucks are cleared below).
  const day = bangkokDate(new Date(Date.now() - 10 * 86_400_000));
  const eight = Date.parse(`${day}T08:00:00+07:00`);
  const at = (t: number) => new Date(eight + t * 1000).toISOString();
  const trucks: { code: string; zone_id: number }[] = [];
  const keys = new Map<string, string>();

  const positionsOf = (code: string, fixes: Fix[], start = eight) =>
    fixes.map(([t, metres, speed]) => ({
      truck: code,
      time: new Date(start + t * 1000).toISOString(),
      lon: LON0,
      lat: LAT0 + metres / METRES_PER_DEGREE,
      speed_kmh: speed,
      heading_deg: 0,
    }));
  const post = async (code: string, positions: ReturnType<typeof positionsOf>) =>
    expectBody(app.client({ 'x-device-key': keys.get(code) as string }).api['truck-positions'].$post({ json: { positions } }));
  const track = (code: string, client = admin, date = day) => expectBody(client.api.trucks[':code'].track.$get({ param: { code }, query: { date } }));
  /** The n-th truck outside zone 1 (zone 1's are the scope test's); each test's trucks are its own. */
  const truck = (n: number) => (trucks.filter((t) => t.zone_id !== 1)[n] as { code: string }).code;

  beforeAll(async () => {
    app = await openSeededApp(target, `mueang_motion_${target.engine}`, { MUEANG_CLOCK: 'manual', FLOOD_SWEEP_SECONDS: '0', READINGS_KEEP_MONTHS: '3' });
    admin = await app.signIn('admin');
    trucks.push(...(await app.db.query<{ code: string; zone_id: number }>('SELECT code, zone_id FROM trucks ORDER BY zone_id, id')));
    // This copy's trucks start with no history: each test's track is all its truck has.
    for (const table of ['truck_segments', 'truck_state', 'truck_positions']) await app.db.query(`DELETE FROM ${table}`);
    for (const { code } of trucks) keys.set(code, (await expectBody(admin.api.devices.$post({ json: { kind: 'truck', code } }), 201)).key);
  }, 180_000);

  afterAll(async () => {
    await app?.close();
  });

  it('makes a trip of 501 m in 180 s of motion, not of 499 m', async () => {
    // Standing at 0 m; off at 60 s to 499 m by 240 s (180 s, 499 m: a run, no trip), standing
    // again at 300 s; off at 900 s to 1,000 m by 1,080 s (501 m: a trip from 900 s), standing from
    // 1,140 s and a stop once that has lasted 300 s (1,440 s).
    const code = truck(0);
    await post(
      code,
      positionsOf(code, [
        [0, 0, 0],
        [60, 0, 0],
        [120, 499 / 3, 30],
        [180, (2 * 499) / 3, 30],
        [240, 499, 30],
        [300, 499, 0],
        [600, 499, 0],
        [900, 499, 0],
        [960, 499 + 167, 30],
        [1020, 499 + 334, 30],
        [1080, 1000, 30],
        [1140, 1000, 0],
        [1440, 1000, 0],
      ]),
    );
    const replay = await track(code);
    expect(replay.trips).toEqual([
      // 501 m in 240 s: 7.5 km/h.
      {
        started_at: at(900),
        ended_at: at(1140),
        duration_s: 240,
        distance_m: 501,
        max_speed_kmh: 30,
        avg_speed_kmh: 7.5,
        from: [LON0, expect.closeTo(LAT0 + 499 / METRES_PER_DEGREE, 5)],
        to: [LON0, expect.closeTo(LAT0 + 1000 / METRES_PER_DEGREE, 5)],
      },
    ]);
    expect(replay.stops.map((s) => [s.started_at, s.ended_at, s.duration_s])).toEqual([
      [at(0), at(900), 900],
      // Still standing at the last fix: the open stop ends there.
      [at(1140), at(1440), 300],
    ]);
    // 499 + 501 m driven; moving 240 s, stopped 900 + 300 s; 501 m / 240 s = 7.5 km/h.
    expect(replay.summary).toEqual({ distance_m: 1000, moving_s: 240, stopped_s: 1200, max_speed_kmh: 30, avg_speed_kmh: 7.5, stops: 2 });
    expect(replay.track.t).toHaveLength(13);
    expect(replay.track.t[0]).toBe(eight / 1000);
  });

  it('makes a trip of 301 s of motion under 500 m, not of 299 s', async () => {
    // Off at 0 s, 299 m by 299 s (no trip), standing at 360 s; off at 600 s, 150 m more by 901 s
    // (301 s: a trip from 600 s), standing from 960 s, a stop at 1,260 s.
    const code = truck(1);
    await post(
      code,
      positionsOf(code, [
        [0, 0, 0],
        [100, 100, 3.6],
        [200, 200, 3.6],
        [299, 299, 3.6],
        [360, 299, 0],
        [600, 299, 0],
        [700, 349, 3.6],
        [800, 399, 3.6],
        [901, 449, 3.6],
        [960, 449, 0],
        [1260, 449, 0],
      ]),
    );
    const replay = await track(code);
    // 150 m in 360 s: 1.5 km/h.
    expect(replay.trips.map((t) => [t.started_at, t.ended_at, t.duration_s, t.distance_m, t.avg_speed_kmh])).toEqual([[at(600), at(960), 360, 150, 1.5]]);
    expect(replay.stops.map((s) => [s.started_at, s.ended_at])).toEqual([
      [at(0), at(600)],
      [at(960), at(1260)],
    ]);
    // 299 + 150 m; moving 360 s; stopped 600 + 300 s.
    expect(replay.summary).toEqual({ distance_m: 449, moving_s: 360, stopped_s: 900, max_speed_kmh: 3.6, avg_speed_kmh: 1.5, stops: 2 });
  });

  it('makes a stop of 301 s standing, not of 299 s', async () => {
    // Driving from the first fix (a trip at once); standing 120–419 s (299 s: no stop), driving
    // again; standing from 540 s to 841 s (301 s: a stop from 540 s).
    const code = truck(2);
    await post(
      code,
      positionsOf(code, [
        [0, 0, 36],
        [60, 600, 36],
        [120, 1200, 0],
        [419, 1200, 0],
        [480, 1800, 36],
        [540, 2400, 0],
        [841, 2400, 0],
      ]),
    );
    const replay = await track(code);
    // 2,400 m in 540 s: 16 km/h.
    expect(replay.trips.map((t) => [t.started_at, t.ended_at, t.distance_m, t.avg_speed_kmh])).toEqual([[at(0), at(540), 2400, 16]]);
    expect(replay.stops).toEqual([
      { started_at: at(540), ended_at: at(841), duration_s: 301, lon: LON0, lat: expect.closeTo(LAT0 + 2400 / METRES_PER_DEGREE, 5) },
    ]);
    expect(replay.summary).toEqual({ distance_m: 2400, moving_s: 540, stopped_s: 301, max_speed_kmh: 36, avg_speed_kmh: 16, stops: 1 });
  });

  it('ends a trip at a gap of 3,600 s, not of 3,599 s', async () => {
    // Driving; silent 60–3,659 s (3,599 s: the trip goes on); silent 3,719–7,319 s (3,600 s: the
    // trip ends at 3,719 s, a stop until the fix after the gap); 600 m by 7,379 s: a trip again.
    const code = truck(3);
    await post(
      code,
      positionsOf(code, [
        [0, 0, 36],
        [60, 600, 36],
        [3659, 1200, 36],
        [3719, 1800, 36],
        [7319, 2400, 36],
        [7379, 3000, 36],
      ]),
    );
    const replay = await track(code);
    expect(replay.trips.map((t) => [t.started_at, t.ended_at, t.duration_s, t.distance_m, t.avg_speed_kmh])).toEqual([
      // 1,800 m in 3,719 s: 1.74 km/h.
      [at(0), at(3719), 3719, 1800, 1.7],
      // Still going at the last fix: the open trip ends there.
      [at(7319), at(7379), 60, 600, 36],
    ]);
    expect(replay.stops.map((s) => [s.started_at, s.ended_at, s.duration_s])).toEqual([[at(3719), at(7319), 3600]]);
    // 3,000 m driven (600 of them across the gap, in the stop); trips: 2,400 m in 3,779 s = 2.29 km/h.
    expect(replay.summary).toEqual({ distance_m: 3000, moving_s: 3779, stopped_s: 3600, max_speed_kmh: 36, avg_speed_kmh: 2.3, stops: 1 });
  });

  /**
   * A working day, a fix every 30 s: 40 legs of driving 5 min at 24 km/h, each followed by standing
   * 6 to 10 min (a stop) or, every fifth leg, 2 min (too short: the trip goes on).
   */
  const morning = (): Fix[] => {
    const fixes: Fix[] = [];
    let t = 0;
    let metres = 0;
    for (let leg = 0; leg < 40; leg++) {
      for (let k = 0; k < 10; k++, t += 30, metres += 200) fixes.push([t, metres, 24]);
      for (let k = 0; k < (leg % 5 === 4 ? 4 : 12 + (leg % 3) * 4); k++, t += 30) fixes.push([t, metres, 0]);
    }
    return fixes;
  };
  const segmentsOf = (replay: Awaited<ReturnType<typeof track>>) => ({ trips: replay.trips, stops: replay.stops, summary: replay.summary });

  it('gives the same trips and stops whether a day comes in one batch, in ten, or out of order', async () => {
    const fixes = morning();
    const [whole, tenBatches, outOfOrder] = [truck(4), truck(5), truck(6)];
    await post(whole, positionsOf(whole, fixes));
    const size = Math.ceil(fixes.length / 10);
    const batches = Array.from({ length: 10 }, (_, k) => fixes.slice(k * size, (k + 1) * size));
    for (const batch of batches) await post(tenBatches, positionsOf(tenBatches, batch));
    // Late data: every batch after one older than it, and the older ones arrive last, newest first.
    const order = [9, 2, 5, 0, 7, 3, 8, 1, 6, 4];
    for (const k of order) await post(outOfOrder, positionsOf(outOfOrder, batches[k] as Fix[]));

    const expected = segmentsOf(await track(whole));
    // 32 long standings of legs 0–38 are stops; a trip before each and one after the last.
    expect(expected.stops).toHaveLength(32);
    expect(expected.trips).toHaveLength(33);
    expect(segmentsOf(await track(tenBatches))).toEqual(expected);
    expect(segmentsOf(await track(outOfOrder))).toEqual(expected);
    // Resent, nothing changes.
    expect(await post(outOfOrder, positionsOf(outOfOrder, batches[3] as Fix[]))).toMatchObject({ inserted: 0 });
    expect(segmentsOf(await track(outOfOrder))).toEqual(expected);
  });

  it('clips a day at its bounds, and shows a zone-scoped user only the trucks of their zones', async () => {
    const own = (trucks.find((t) => t.zone_id === 1) as { code: string }).code;
    const other = truck(8);
    // Standing from 23:50 until 00:10 the next day: the day holds 10 minutes of the stop and one fix.
    await post(
      own,
      positionsOf(
        own,
        [
          [0, 0, 0],
          [600, 0, 0],
          [1200, 0, 0],
        ],
        eight + 15 * 3600_000 + 50 * 60_000,
      ),
    );
    const scoped = await app.signIn('engineer-z1');
    const replay = await track(own, scoped);
    expect(replay).toMatchObject({ date: day, from: new Date(`${day}T00:00:00+07:00`).toISOString(), to: new Date(eight + 16 * 3600_000).toISOString() });
    expect(replay.stops.map((s) => [s.started_at, s.ended_at, s.duration_s])).toEqual([
      [new Date(eight + 15 * 3600_000 + 50 * 60_000).toISOString(), new Date(eight + 16 * 3600_000).toISOString(), 600],
    ]);
    expect(replay.track.t).toHaveLength(1);

    const outside = await answer(scoped.api.trucks[':code'].track.$get({ param: { code: other }, query: { date: day } }));
    expect(outside).toMatchObject({ status: 404, body: { field: 'code' } });
    expect(await answer(admin.api.trucks[':code'].track.$get({ param: { code: 'T999' }, query: {} }))).toMatchObject({ status: 404, body: { field: 'code' } });
    expect(await answer(app.client().api.trucks[':code'].track.$get({ param: { code: other }, query: {} }))).toMatchObject({ status: 401 });
    expect(await answer(admin.api.trucks[':code'].track.$get({ param: { code: other }, query: { date: '2026-13-01' } }))).toMatchObject({
      status: 400,
      body: { field: 'date' },
    });
  });

  it('drops months of positions older than the city keeps, with the trips and stops that ended in them', async () => {
    const code = truck(7);
    const now = app.clock.now();
    const midMonth = (monthsBack: number) => Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - monthsBack, 15, 1);
    // Five months back: a trip then a stop; one month back: standing. Three months are kept.
    await post(
      code,
      positionsOf(
        code,
        [
          [0, 0, 36],
          [60, 600, 36],
          [120, 600, 0],
          [420, 600, 0],
        ],
        midMonth(5),
      ),
    );
    await post(code, positionsOf(code, [[0, 600, 0]], midMonth(1)));
    const partition = (ms: number) => `truck_positions_${new Date(ms).toISOString().slice(0, 7).replace('-', '')}`;
    const { sweep } = await expectBody(admin.api.clock.$post({ json: { advance_s: 0 } }));
    expect(sweep.dropped).toContain(partition(midMonth(5)));
    expect(sweep.dropped).not.toContain(partition(midMonth(1)));
    const oldDay = bangkokDate(new Date(midMonth(5)));
    // The old day's fixes are gone and its trip with them; the stop that runs on into kept months stays.
    expect((await track(code, admin, oldDay)).track.t).toEqual([]);
    expect((await track(code, admin, oldDay)).trips).toEqual([]);
    expect((await track(code, admin, bangkokDate(new Date(midMonth(1))))).track.t).toHaveLength(1);
    const kinds = await app.db.query<{ kind: string }>(
      'SELECT kind FROM truck_segments WHERE truck_id = (SELECT id FROM trucks WHERE code = $1) ORDER BY started_at',
      [code],
    );
    expect(kinds.map((k) => k.kind)).toEqual(['stop']);
  });
});
