import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Client, expectBody } from '../support/client.ts';
import { secretsIn } from '../support/logs.ts';
import { startSeededServer, type RunningServer } from '../support/server.ts';

const PASSWORD = 'correct-horse-battery-staple-7';
const NEW_PASSWORD = 'another-long-passphrase-42';

/**
 * Failed queries whose parameters are secrets (a new account's Argon2 hash, a new device key's
 * SHA-256) on a server of its own per engine, whose whole log is then read: the failure may be
 * logged, the secrets never. PGlite keeps a failed query's parameters on its error, and a
 * PostgreSQL check violation's detail is the failing row.
 */
describe.each(inject('engines'))('the server log on $engine', (target) => {
  let server: RunningServer;
  let admin: Client;

  beforeAll(async () => {
    // From a copy of the run's seeded demo data: seeding again would only cost time.
    server = await startSeededServer(target, 'mueang_logs_test', {});
    admin = await Client.signIn(server.url, 'admin');
  }, 240_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('names neither passwords, their hashes, device keys nor their hashes when queries that carry them fail', async () => {
    // A NUL byte reaches PostgreSQL, which refuses it (22021) in the INSERT that carries the hash.
    const badUser = admin.api.users.$post({ json: { username: 'log-check', password: PASSWORD, display_name: 'Log\u0000check', role: 'planner' } });
    expect((await badUser).status).toBe(400);
    const badDevice = admin.api.devices.$post({ json: { kind: 'sensor', code: 'FP04', label: 'gauge\u0000' } });
    expect((await badDevice).status).toBe(400);

    // An account and a key that exist, then a change of password that fails with them.
    const user = await expectBody(
      admin.api.users.$post({ json: { username: 'log-check', password: PASSWORD, display_name: 'Log check', role: 'planner' } }),
      201,
    );
    const device = await expectBody(admin.api.devices.$post({ json: { kind: 'sensor', code: 'FP04' } }), 201);
    const badChange = admin.api.users[':id'].$patch({ param: { id: String(user.id) }, json: { password: NEW_PASSWORD, display_name: 'Log\u0000check' } });
    expect((await badChange).status).toBe(400);

    // Two administrators creating the same account at once: one of them loses (400 or 409, never 500).
    const racing = await Promise.all(
      [1, 2].map(() => admin.api.users.$post({ json: { username: 'log-race', password: PASSWORD, display_name: 'Race', role: 'tax' } })),
    );
    expect(racing.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of racing) expect([201, 400, 409]).toContain(r.status);

    expect(secretsIn(server.log(), [PASSWORD, NEW_PASSWORD, device.key])).toEqual([]);
  });
});
