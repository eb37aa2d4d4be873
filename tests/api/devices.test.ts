import { beforeAll, describe, expect, inject, it } from 'vitest';
import { Client } from '../support/client.ts';

const engines = inject('engines');

describe.each(engines)('device keys on $engine', ({ url }) => {
  let admin: Client;
  let auditor: Client;
  beforeAll(async () => {
    admin = await Client.signIn(url, 'admin');
    auditor = await Client.signIn(url, 'auditor');
  });

  it('are shown once, stored hashed, and let a sensor write its own readings, once each', async () => {
    const made = await admin.post<{ key: string; device: { id: number; code: string; kind: string } }>('devices', { kind: 'sensor', code: 'WL101', label: 'gauge WL101' });
    expect(made.status).toBe(201);
    expect(made.body.key).toMatch(/^mdk_\d+_[A-Za-z0-9_-]{43}$/);
    const listed = await admin.get<unknown[]>('devices');
    // The secret is base64url, which has underscores of its own: everything after `mdk_<id>_`.
    const secret = /^mdk_\d+_(.+)$/.exec(made.body.key)?.[1] as string;
    expect(secret).toHaveLength(43);
    expect(JSON.stringify(listed.body)).not.toContain(secret);

    const device = new Client(url);
    const key = { 'x-device-key': made.body.key };
    // Late and out of order: a day-old batch, newest first.
    const day = Date.now() - 86_400_000;
    const readings = [3, 2, 1].map((k) => ({ sensor: 'WL101', time: new Date(day - k * 600_000).toISOString(), level_m: 0.2 + k / 100 }));
    expect((await device.post('readings', { readings }, key)).body).toEqual({ received: 3, inserted: 3, duplicates: 0 });
    expect((await device.post('readings', { readings }, key)).body).toEqual({ received: 3, inserted: 0, duplicates: 3 });

    const [entry] = (await auditor.get<{ actor_kind: string; actor_name: string; action: string; entity_id: string; after: { inserted: number } }[]>('audit?entity=sensor_readings&limit=1')).body;
    expect(entry).toMatchObject({ actor_kind: 'device', actor_name: 'gauge WL101', action: 'ingest', entity_id: 'WL101', after: { inserted: 0 } });

    const revoked = await admin.post<{ revoked_at: string | null }>(`devices/${made.body.device.id}/revoke`);
    expect(revoked.body.revoked_at).not.toBeNull();
    expect((await device.post('readings', { readings }, key)).status).toBe(401);
  });

  it('let a truck write its own positions', async () => {
    const made = await admin.post<{ key: string }>('devices', { kind: 'truck', code: 'T09' });
    const position = { truck: 'T09', time: new Date(Date.now() - 3_600_000).toISOString(), lon: 102.83, lat: 16.43, speed_kmh: 12, heading_deg: 90, status: 'collecting' };
    const response = await new Client(url).post('truck-positions', { positions: [position] }, { 'x-device-key': made.body.key });
    expect(response).toMatchObject({ status: 200, body: { inserted: 1 } });
    const other = await new Client(url).post<{ field: string }>('truck-positions', { positions: [{ ...position, truck: 'T10' }] }, { 'x-device-key': made.body.key });
    expect(other).toMatchObject({ status: 403, body: { field: 'positions.0.truck' } });
  });

  it('are made only for devices that exist', async () => {
    expect((await admin.post<{ field: string }>('devices', { kind: 'sensor', code: 'NOPE' }))).toMatchObject({ status: 400, body: { field: 'code' } });
    expect((await admin.post<{ field: string }>('devices', { kind: 'truck', code: 'FP01' }))).toMatchObject({ status: 400, body: { field: 'code' } });
  });
});
