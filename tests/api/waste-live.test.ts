import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import city from '../../data/khonkaen/city.json' with { type: 'json' };
import { eventOf, openEventStream, type EventStream, type LiveEvent } from '../../scripts/lib/sse.ts';
import { TRUCK_STATES } from '../../server/waste/queries/trucks.ts';
import { Client, expectBody } from '../support/client.ts';
import { copyOf, type DataCopy } from '../support/databases.ts';
import { startServer, type RunningServer } from '../support/server.ts';

/**
 * The waste trucks on the live stream (`/api/live?topics=waste`) and on `GET /api/trucks`, on a
 * server of its own per engine with a manual clock (offline is judged by the server's clock).
 * On PostGIS a second server process shares its database, as behind a load balancer: a position
 * posted to one reaches the live clients of the other (LISTEN/NOTIFY). The embedded engine's
 * database belongs to the one process that opened it, so that case runs on PostGIS only.
 */
const engines = inject('engines');
const OFFLINE_MINUTES = 10;
const DEPOT = city.waste_depot.at as [number, number];
/** About 4 km from the depot, in the city. */
const AWAY: [number, number] = [102.84, 16.43];

describe.each(engines)('waste trucks live on $engine', (target) => {
  let copy: DataCopy;
  let server: RunningServer;
  let second: RunningServer | undefined;
  let admin: Client;
  const keys = new Map<string, string>();
  const streams: EventStream[] = [];

  /** The server's "now" (its manual clock), read without moving it. */
  const serverNow = async () => new Date((await expectBody(admin.api.clock.$post({ json: { advance_s: 0 } }))).now);
  const open = async (query: string, base = server.url) => {
    const stream = await openEventStream(`${base}/api/live${query}`);
    streams.push(stream);
    await stream.next(eventOf('snapshot'));
    return stream;
  };
  const post = (code: string, fix: { time: Date; at: [number, number]; speed_kmh: number }, base = server.url) =>
    expectBody(
      Client.device(base, keys.get(code) as string).api['truck-positions'].$post({
        json: { positions: [{ truck: code, time: fix.time.toISOString(), lon: fix.at[0], lat: fix.at[1], speed_kmh: fix.speed_kmh, heading_deg: 90 }] },
      }),
    );
  const truckOn = async (code: string) => {
    const trucks = await expectBody(new Client(server.url).api.trucks.$get());
    return trucks.features.find((f) => f.properties.code === code);
  };
  /** The next `truck` event of `code` after the events already received. */
  const nextTruck = (stream: EventStream, code: string) => {
    const after = stream.events.length;
    return stream.next((e, i) => i >= after && e.event === 'truck' && e.data.code === code);
  };
  const truckData = (event: LiveEvent) => (event.event === 'truck' ? event.data : null);

  beforeAll(async () => {
    copy = await copyOf(target, 'seeded', 'mueang_waste_live_test');
    server = await startServer({
      MUEANG_MODE: 'demo',
      MUEANG_CLOCK: 'manual',
      FLOOD_SWEEP_SECONDS: '0',
      TRUCK_OFFLINE_MINUTES: String(OFFLINE_MINUTES),
      ...copy.env,
    });
    admin = await Client.signIn(server.url, 'admin');
    for (const code of ['T02', 'T03', 'T04']) {
      keys.set(code, (await expectBody(admin.api.devices.$post({ json: { kind: 'truck', code } }), 201)).key);
    }
    keys.set('FP01', (await expectBody(admin.api.devices.$post({ json: { kind: 'sensor', code: 'FP01' } }), 201)).key);
  }, 240_000);
  afterAll(async () => {
    for (const stream of streams) stream.close();
    await second?.stop();
    await server?.stop();
    copy?.remove();
  });

  it('puts the trucks in the snapshot only when the waste topic is asked for', async () => {
    const waste = await open('?topics=waste');
    const both = await open('?topics=flood,waste');
    const flood = await open('');
    const snapshotOf = (stream: EventStream) => {
      const first = stream.events[0];
      if (first?.event !== 'snapshot') throw new Error('no snapshot first');
      return first.data;
    };

    const trucks = (await expectBody(new Client(server.url).api.trucks.$get())).features;
    expect(trucks).toHaveLength(24);
    const onlyWaste = snapshotOf(waste);
    expect(onlyWaste.trucks?.map((t) => t.code)).toEqual(trucks.map((f) => f.properties.code));
    expect(onlyWaste.waste).toEqual({ offline_after_s: OFFLINE_MINUTES * 60 });
    expect(onlyWaste).not.toHaveProperty('sensors');
    expect(onlyWaste).not.toHaveProperty('alerts');
    for (const truck of onlyWaste.trucks ?? []) {
      expect(TRUCK_STATES).toContain(truck.state);
      expect(truck).toHaveProperty('round');
      expect(truck).toMatchObject({ lon: expect.any(Number), lat: expect.any(Number), recorded_at: expect.any(String) });
    }
    expect(snapshotOf(both)).toMatchObject({ trucks: expect.any(Array), sensors: expect.any(Array), alerts: expect.any(Array) });
    // Today's flood clients ask for no topic: their snapshot is as it was.
    expect(Object.keys(snapshotOf(flood)).sort()).toEqual(['alerts', 'at', 'sensors']);

    const refused = await fetch(`${server.url}/api/live?topics=flood,parking`);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ field: 'topics', error: expect.stringContaining('parking') });
  });

  it('sends a posted position as a truck event with its state, only to streams that asked for trucks', async () => {
    const waste = await open('?topics=waste');
    const flood = await open('?topics=flood');
    const now = await serverNow();

    const moving = nextTruck(waste, 'T02');
    await post('T02', { time: new Date(now.getTime() - 20_000), at: AWAY, speed_kmh: 24.5 });
    expect((await moving).data).toMatchObject({
      code: 'T02',
      lon: AWAY[0],
      lat: AWAY[1],
      speed_kmh: 24.5,
      state: 'moving',
      recorded_at: new Date(now.getTime() - 20_000).toISOString().replace(/\.\d+Z$/, 'Z'),
    });

    const atDepot = nextTruck(waste, 'T02');
    await post('T02', { time: new Date(now.getTime() - 10_000), at: DEPOT, speed_kmh: 0 });
    expect((await atDepot).data).toMatchObject({ code: 'T02', state: 'depot' });

    // A flood reading between two truck fixes: each stream gets its own topic's events, in order, and only those.
    await expectBody(
      Client.device(server.url, keys.get('FP01') as string).api.readings.$post({
        json: { readings: [{ sensor: 'FP01', time: now.toISOString(), level_m: 0.1 }] },
      }),
    );
    const sensorIndex = flood.events.indexOf(await flood.next(eventOf('sensor', (s) => s.code === 'FP01')));
    const stopped = nextTruck(waste, 'T02');
    await post('T02', { time: now, at: AWAY, speed_kmh: 0 });
    expect((await stopped).data).toMatchObject({ code: 'T02', state: 'stopped', lon: AWAY[0], lat: AWAY[1] });
    expect(flood.events.slice(0, sensorIndex + 1).some((e) => e.event === 'truck')).toBe(false);
    expect(waste.events.some((e) => e.event === 'sensor' || e.event === 'alert')).toBe(false);
    expect((await truckOn('T02'))?.properties).toMatchObject({ state: 'stopped', speed_kmh: 0 });
  });

  it('shows a truck whose GPS falls silent as offline by the server clock', async () => {
    const now = await serverNow();
    await post('T03', { time: now, at: AWAY, speed_kmh: 30 });
    expect((await truckOn('T03'))?.properties.state).toBe('moving');
    await expectBody(admin.api.clock.$post({ json: { advance_s: OFFLINE_MINUTES * 60 - 60 } }));
    expect((await truckOn('T03'))?.properties.state).toBe('moving');
    await expectBody(admin.api.clock.$post({ json: { advance_s: 120 } }));
    expect((await truckOn('T03'))?.properties.state).toBe('offline');
    // A fresh fix brings it back.
    const later = await serverNow();
    await post('T03', { time: later, at: AWAY, speed_kmh: 30 });
    expect((await truckOn('T03'))?.properties.state).toBe('moving');
  });

  it.runIf(target.engine === 'postgis')(
    'delivers a position posted to one server process to an SSE client of another on the same database',
    async () => {
      second ??= await startServer({ MUEANG_MODE: 'demo', ...copy.env });
      const onFirst = await open('?topics=waste');
      // The second process runs on the system clock: its fix is "now" there, and the first
      // process (whose manual clock the other tests move) judges it by its own clock.
      const time = new Date(Date.now() - 1000);
      const firstNow = await serverNow();
      const expected = firstNow.getTime() - time.getTime() > OFFLINE_MINUTES * 60_000 ? 'offline' : 'moving';
      const arrived = nextTruck(onFirst, 'T04');
      await post('T04', { time, at: AWAY, speed_kmh: 18 }, second.url);
      expect(truckData(await arrived)).toMatchObject({ code: 'T04', lon: AWAY[0], lat: AWAY[1], speed_kmh: 18, state: expected });
    },
    240_000,
  );
});
