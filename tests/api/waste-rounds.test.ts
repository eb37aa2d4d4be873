import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { BodyOf } from '../../web/api/core.ts';
import { answer, Client, expectBody } from '../support/client.ts';

/**
 * Rounds, pickup points and their status on constructed dwell tracks: a round's truck posts its
 * positions through the real ingest API on a Monday long past (its own day: the demo positions
 * are yesterday's and today's), so every window is over and nothing is pending but a future day.
 */
const engines = inject('engines');

type Api = Client['api'];
type Answered<Call extends (...args: never[]) => Promise<unknown>> = BodyOf<Awaited<ReturnType<Call>>>;
type Rounds = Answered<Api['waste']['rounds']['$get']>;
type PointFeature = Answered<Api['waste']['rounds'][':id']['$get']>['points']['features'][number];

/** A Monday (every community round of the test runs Mon/Wed/Fri) with no demo positions. */
const DAY = '2026-03-02';
/** Metres of latitude per degree at Khon Kaen (16.4° N), on the ellipsoid. */
const M_PER_DEG_LAT = 110_663;
const at = (hhmmss: string) => new Date(`${DAY}T${hhmmss}+07:00`).getTime();
const metres = (a: number[], b: number[]) => Math.hypot(((b[0] as number) - (a[0] as number)) * 106_800, ((b[1] as number) - (a[1] as number)) * M_PER_DEG_LAT);

describe.each(engines)('waste rounds on $engine', ({ url, engine }) => {
  let admin: Client;
  let zone3: Client;
  let rounds: Rounds;
  /** Zone 3's second round (Mon/Wed/Fri, 06:00–10:00) and the points the tracks visit. */
  let round: Rounds['features'][number]['properties'];
  let points: PointFeature[];

  beforeAll(async () => {
    admin = await Client.signIn(url, 'admin');
    const username = `waste-z3-${engine}-${Date.now() % 1e6}`;
    await expectBody(
      admin.api.users.$post({ json: { username, password: 'a long enough password', display_name: 'Zone 3 waste', role: 'executive', zones: [3] } }),
      201,
    );
    zone3 = await Client.signIn(url, username, 'a long enough password');

    rounds = await expectBody(admin.api.waste.rounds.$get());
    round = rounds.features.map((f) => f.properties).find((r) => r.code === 'Z3-R2') as typeof round;
    expect(round).toMatchObject({ zone_id: 3, days: [1, 3, 5], window_start: '06:00', window_end: '10:00' });
    const detail = await expectBody(admin.api.waste.rounds[':id'].$get({ param: { id: String(round.id) } }));
    // Points far enough apart that one's track never comes near another.
    points = detail.points.features.filter((p, i, all) => all.slice(0, i).every((q) => metres(q.geometry.coordinates, p.geometry.coordinates) > 120));
    expect(points.length).toBeGreaterThanOrEqual(7);

    const made = await expectBody(admin.api.devices.$post({ json: { kind: 'truck', code: round.truck_code } }), 201);
    const truck = Client.device(url, made.key);
    const depot = [102.8085, 16.4075];
    const positions: { truck: string; time: string; lon: number; lat: number; speed_kmh: number; heading_deg: number }[] = [];
    const fix = (time: number, [lon, lat]: number[], speed = 0) =>
      positions.push({ truck: round.truck_code, time: new Date(time).toISOString(), lon: lon as number, lat: lat as number, speed_kmh: speed, heading_deg: 0 });
    /** Standing at `place` from `from` for `seconds`, then back to the depot (which ends the stay). */
    const stay = (place: number[], from: string, seconds: number) => {
      for (let s = 0; s < seconds; s += 20) fix(at(from) + s * 1000, place);
      fix(at(from) + seconds * 1000, place);
      fix(at(from) + (seconds + 30) * 1000, depot, 25);
    };
    const north = (point: PointFeature, m: number) => [point.geometry.coordinates[0] as number, (point.geometry.coordinates[1] as number) + m / M_PER_DEG_LAT];
    const [p1, p2, p3, p4, p5, p6, p7] = points as [PointFeature, PointFeature, PointFeature, PointFeature, PointFeature, PointFeature, PointFeature];
    stay(north(p5, 0), '05:58:00', 180); // began before the window: does not count
    stay(north(p1, 0), '06:10:00', 61); // served
    stay(north(p2, 0), '06:20:00', 59); // too short: missed
    stay(north(p3, 29), '06:30:00', 90); // within 30 m: served
    stay(north(p4, 31), '06:40:00', 90); // 31 m away: missed
    stay(north(p7, 0), '09:59:30', 70); // reaches a minute after the window closed: late
    stay(north(p6, 0), '10:30:00', 120); // after the window: late
    positions.sort((a, b) => a.time.localeCompare(b.time));
    expect(await expectBody(truck.api['truck-positions'].$post({ json: { positions } }))).toMatchObject({ inserted: positions.length });
  });

  it('tells served, late, missed and pending points apart', async () => {
    const list = await expectBody(admin.api.waste.pickups.$get({ query: { date: DAY, round: String(round.id) } }));
    const status = new Map(list.features.map((f) => [f.properties.id, f.properties]));
    const [p1, p2, p3, p4, p5, p6, p7] = points.map((p) => status.get(p.properties.id));
    expect(p1).toMatchObject({ status: 'served', served_at: new Date(at('06:10:00')).toISOString().replace('.000', ''), dwell_s: 61 });
    expect(p2).toMatchObject({ status: 'missed', served_at: null, dwell_s: null });
    expect(p3).toMatchObject({ status: 'served', dwell_s: 90 });
    expect(p4).toMatchObject({ status: 'missed' });
    expect(p5).toMatchObject({ status: 'missed' });
    expect(p6).toMatchObject({ status: 'late', dwell_s: 120 });
    expect(p7).toMatchObject({ status: 'late', dwell_s: 70 });
    // Every point of the round, in order, each once.
    expect(list.features.map((f) => f.properties.seq)).toEqual(list.features.map((_, i) => i + 1));
    expect(list.features.every((f) => f.properties.round_code === 'Z3-R2' && f.properties.window_end === '10:00')).toBe(true);

    // A day still to come: its points are pending, and only the rounds that run that weekday are listed.
    const future = await expectBody(admin.api.waste.pickups.$get({ query: { date: '2099-01-04', zone: '3' } })); // a Sunday
    expect(future.features.length).toBeGreaterThan(0);
    expect(new Set(future.features.map((f) => f.properties.status))).toEqual(new Set(['pending']));
    expect(new Set(future.features.map((f) => f.properties.round_code))).toEqual(new Set(['Z3-R1']));
  });

  it('sums up by round and by zone', async () => {
    const byRound = await expectBody(admin.api.waste.summary.$get({ query: { date: DAY, by: 'round' } }));
    const mine = byRound.rows.find((r) => r.round_id === round.id);
    const served = 2;
    const late = 2;
    expect(mine).toMatchObject({ zone_id: 3, served, late, missed: round.points - 4, pending: 0, total: round.points });
    expect(mine?.served_pct).toBeCloseTo((100 * served) / round.points, 1);
    // A round that does not run on Mondays has nothing that day.
    expect(byRound.rows.find((r) => r.round_code === 'Z3-R3')).toMatchObject({ total: 0, served_pct: null });

    // The public sees the city's figures by zone; they add up to the rounds'.
    const byZone = await expectBody(new Client(url).api.waste.summary.$get({ query: { date: DAY } }));
    expect(byZone).toMatchObject({ from: DAY, to: DAY, by: 'zone' });
    expect(byZone.rows.map((r) => r.zone_id)).toEqual([1, 2, 3, 4]);
    for (const row of byZone.rows) {
      const parts = byRound.rows.filter((r) => r.zone_id === row.zone_id);
      for (const key of ['served', 'late', 'missed', 'pending', 'total'] as const) expect(row[key]).toBe(parts.reduce((s, r) => s + r[key], 0));
      expect(row.total).toBe(row.served + row.late + row.missed + row.pending);
    }
    // Over two days: the Sunday before adds its market rounds, all missed (no positions that day).
    const twoDays = await expectBody(admin.api.waste.summary.$get({ query: { from: '2026-03-01', date: DAY } }));
    const zone3Monday = byZone.rows.find((r) => r.zone_id === 3) as (typeof byZone.rows)[number];
    const marketPoints = rounds.features.find((f) => f.properties.code === 'Z3-R1')?.properties.points as number;
    expect(twoDays.rows.find((r) => r.zone_id === 3)).toMatchObject({ total: zone3Monday.total + marketPoints, missed: zone3Monday.missed + marketPoints });
    expect(await answer(admin.api.waste.summary.$get({ query: { from: '2026-03-03', date: DAY } }))).toMatchObject({ status: 400, body: { field: 'from' } });
  });

  it('keeps rounds, pickups and plans to the viewer zones', async () => {
    const other = rounds.features.find((f) => f.properties.zone_id === 1)?.properties.id as number;
    const own = (await expectBody(zone3.api.waste.rounds.$get())).features;
    expect(own.length).toBe(5);
    expect(own.every((f) => f.properties.zone_id === 3)).toBe(true);
    expect((await answer(zone3.api.waste.rounds[':id'].$get({ param: { id: String(round.id) } }))).status).toBe(200);
    expect(await answer(zone3.api.waste.rounds[':id'].$get({ param: { id: String(other) } }))).toMatchObject({ status: 404, body: { field: 'id' } });
    expect((await answer(zone3.api.waste.rounds[':id'].plan.$get({ param: { id: String(round.id) }, query: { date: DAY } }))).status).toBe(200);
    expect((await answer(zone3.api.waste.rounds[':id'].plan.$get({ param: { id: String(other) }, query: {} }))).status).toBe(404);
    const pickups = await expectBody(zone3.api.waste.pickups.$get({ query: { date: DAY } }));
    expect(new Set(pickups.features.map((f) => f.properties.zone_id))).toEqual(new Set([3]));
    const byRound = await expectBody(zone3.api.waste.summary.$get({ query: { date: DAY, by: 'round' } }));
    expect(new Set(byRound.rows.map((r) => r.zone_id))).toEqual(new Set([3]));

    const visitor = new Client(url).api.waste;
    expect((await answer(visitor.rounds.$get())).status).toBe(401);
    expect((await answer(visitor.rounds[':id'].$get({ param: { id: String(round.id) } }))).status).toBe(401);
    expect((await answer(visitor.rounds[':id'].plan.$get({ param: { id: String(round.id) }, query: {} }))).status).toBe(401);
    expect((await answer(visitor.pickups.$get({ query: {} }))).status).toBe(401);
    expect((await answer(visitor.summary.$get({ query: { by: 'round' } }))).status).toBe(401);
    expect((await answer(visitor.summary.$get({ query: {} }))).status).toBe(200);
  });

  it('proposes an order no longer than the current one', async () => {
    const plan = await expectBody(admin.api.waste.rounds[':id'].plan.$get({ param: { id: String(round.id) }, query: { date: DAY } }));
    const detail = await expectBody(admin.api.waste.rounds[':id'].$get({ param: { id: String(round.id) } }));
    expect([...plan.order].sort((a, b) => a - b)).toEqual(detail.points.features.map((f) => f.properties.id).sort((a, b) => a - b));
    expect(plan.proposed_m).toBeLessThanOrEqual(plan.current_m);
    expect(plan.proposed_m).toBeGreaterThan(0);
    // The constructed track: from the depot to the points and back, within the window.
    expect(plan.driven_m).toBeGreaterThan(1000);
    if (engine === 'postgis') {
      expect(plan).toMatchObject({ engine: 'pgrouting', distance: 'network' });
      expect(plan.line?.type).toBe('LineString');
    } else {
      expect(plan).toMatchObject({ engine: 'nearest-neighbour', distance: 'straight', line: null });
    }
  });
});
