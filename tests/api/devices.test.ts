import { beforeAll, describe, expect, inject, it } from 'vitest';
import { answer, Client, expectBody } from '../support/client.ts';

const engines = inject('engines');

describe.each(engines)('device keys on $engine', ({ url }) => {
  let admin: Client;
  let auditor: Client;
  beforeAll(async () => {
    admin = await Client.signIn(url, 'admin');
    auditor = await Client.signIn(url, 'auditor');
  });

  it('are shown once, stored hashed, and let a sensor write its own readings, once each', async () => {
    const made = await expectBody(admin.api.devices.$post({ json: { kind: 'sensor', code: 'WL101', label: 'gauge WL101' } }), 201);
    expect(made.key).toMatch(/^mdk_\d+_[A-Za-z0-9_-]{43}$/);
    const listed = await expectBody(admin.api.devices.$get());
    // The secret is base64url, which has underscores of its own: everything after `mdk_<id>_`.
    const secret = /^mdk_\d+_(.+)$/.exec(made.key)?.[1] as string;
    expect(secret).toHaveLength(43);
    expect(JSON.stringify(listed)).not.toContain(secret);

    const device = Client.device(url, made.key);
    // Late and out of order: a day-old batch, newest first.
    const day = Date.now() - 86_400_000;
    const readings = [3, 2, 1].map((k) => ({ sensor: 'WL101', time: new Date(day - k * 600_000).toISOString(), level_m: 0.2 + k / 100 }));
    expect(await expectBody(device.api.readings.$post({ json: { readings } }))).toEqual({ received: 3, inserted: 3, duplicates: 0 });
    expect(await expectBody(device.api.readings.$post({ json: { readings } }))).toEqual({ received: 3, inserted: 0, duplicates: 3 });

    const [entry] = await expectBody(auditor.api.audit.$get({ query: { entity: 'sensor_readings', limit: '1' } }));
    expect(entry).toMatchObject({ actor_kind: 'device', actor_name: 'gauge WL101', action: 'ingest', entity_id: 'WL101', after: { inserted: 0 } });

    const revoked = await expectBody(admin.api.devices[':id'].revoke.$post({ param: { id: String(made.device.id) } }));
    expect(revoked.revoked_at).not.toBeNull();
    expect((await device.api.readings.$post({ json: { readings } })).status).toBe(401);
  });

  it('let a truck write its own positions', async () => {
    const made = await expectBody(admin.api.devices.$post({ json: { kind: 'truck', code: 'T09' } }), 201);
    const truck = Client.device(url, made.key);
    const position = {
      truck: 'T09',
      time: new Date(Date.now() - 3_600_000).toISOString(),
      lon: 102.83,
      lat: 16.43,
      speed_kmh: 12,
      heading_deg: 90,
    };
    const response = await answer(truck.api['truck-positions'].$post({ json: { positions: [position] } }));
    expect(response).toMatchObject({ status: 200, body: { inserted: 1 } });
    const other = await answer(truck.api['truck-positions'].$post({ json: { positions: [{ ...position, truck: 'T10' }] } }));
    expect(other).toMatchObject({ status: 403, body: { field: 'positions.0.truck' } });
  });

  it('are made only for devices that exist', async () => {
    expect(await answer(admin.api.devices.$post({ json: { kind: 'sensor', code: 'NOPE' } }))).toMatchObject({ status: 400, body: { field: 'code' } });
    expect(await answer(admin.api.devices.$post({ json: { kind: 'truck', code: 'FP01' } }))).toMatchObject({ status: 400, body: { field: 'code' } });
  });
});
