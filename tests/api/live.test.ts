import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Client, expectBody } from '../support/client.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { eventOf, openEventStream } from '../../scripts/lib/sse.ts';

const postgis = inject('engines').find((e) => e.engine === 'postgis');

/**
 * Two server processes on one PostGIS database, as behind a load balancer: what is written
 * through one must reach live clients of the other (LISTEN/NOTIFY, not process memory).
 */
describe.runIf(postgis)('the live stream across two server processes on PostGIS', () => {
  let second: RunningServer;
  const first = postgis?.url as string;

  beforeAll(async () => {
    second = await startServer({ DATABASE_URL: postgis?.databaseUrl as string, MUEANG_MODE: 'demo' });
  }, 180_000);
  afterAll(async () => second?.stop());

  it('delivers a reading posted to one process to an SSE client of the other, and an acknowledgement back', async () => {
    const admin = await Client.signIn(first, 'admin');
    const { key } = await expectBody(admin.api.devices.$post({ json: { kind: 'sensor', code: 'FP08' } }), 201);
    const sensors = await expectBody(admin.api.sensors.$get());
    const critical = sensors.features.find((f) => f.properties.code === 'FP08')?.properties.critical_m as number;

    const disasterOnSecond = await Client.signIn(second.url, 'disaster');
    const onSecond = await openEventStream(`${second.url}/api/live`, { cookie: disasterOnSecond.sessionCookie as string });
    const onFirst = await openEventStream(`${first}/api/live`);
    try {
      await onSecond.next(eventOf('snapshot'));
      await onFirst.next(eventOf('snapshot'));
      const reading = { sensor: 'FP08', time: new Date().toISOString(), level_m: critical + 0.15 };
      await expectBody(Client.device(first, key).api.readings.$post({ json: { readings: [reading] } }));

      const sensorEvent = await onSecond.next(eventOf('sensor', (s) => s.code === 'FP08'));
      expect(sensorEvent.data).toMatchObject({ band: 'critical', level_m: reading.level_m });
      const { data: alert } = await onSecond.next(eventOf('alert', (a) => a.alert.sensor_code === 'FP08'));
      expect(alert).toMatchObject({ change: 'opened', alert: { severity: 'critical', view: 'full' } });

      // Acknowledged through the second process: the first process's public client hears of it.
      await expectBody(disasterOnSecond.api.alerts[':id'].acknowledge.$post({ param: { id: String(alert.alert.id) }, json: {} }));
      const acknowledged = await onFirst.next(eventOf('alert', (a) => a.change === 'acknowledged' && a.alert.id === alert.alert.id));
      expect(JSON.stringify(acknowledged.data)).not.toContain('acknowledged_by');
    } finally {
      onSecond.close();
      onFirst.close();
    }
  });
});
