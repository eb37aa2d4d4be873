import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openSeededApp, type AppUnderTest } from '../support/app.ts';
import { answer, Client, expectBody } from '../support/client.ts';

const engines = inject('engines');

const INJECTIONS = [
  "' OR '1'='1",
  '1; DROP TABLE projects; --',
  "S1' UNION SELECT password_hash FROM users --",
  '1) OR (1=1',
  '$1',
  "'; UPDATE audit_log SET action = 'x'; --",
];

/** Everything an attack could try to change, read through the API as the admin sees it. */
async function fingerprint(admin: Client): Promise<string> {
  const { api } = admin;
  const parts = await Promise.all([
    expectBody(api.projects.$get({ query: {} })),
    expectBody(api.users.$get()),
    expectBody(api.devices.$get()),
    expectBody(api.audit.$get({ query: { limit: '500' } })),
    expectBody(api.sensors.$get()),
    expectBody(api.trucks.$get()),
    expectBody(api.parcels.$get({ query: { bbox: '102.79,16.39,102.87,16.47', limit: '5000' } })),
  ]);
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/**
 * One request on a connection of its own. The server answers 413 without reading a body that is
 * too large and closes the connection; the client may still be sending when it does.
 */
function sendOnce(target: string, method: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const request = httpRequest(target, { method, agent: false, headers: { 'content-type': 'application/json', ...headers } }, (response) => {
      answered = true;
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      // A reset while the answer is on its way is the server refusing to read on: wait for it.
      const refusedToRead = error.code === 'EPIPE' || error.code === 'ECONNRESET';
      if (!refusedToRead) reject(error);
      else
        setTimeout(() => {
          if (!answered) reject(error);
        }, 1000);
    });
    request.end(body);
  });
}

/**
 * A request as an attacker sends it, whatever the routes accept (wrong types, malformed JSON,
 * injected paths): the answer's status and body, `{ error, field }` for a refusal.
 */
async function send(client: Client, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const response = await answer(client.raw(method, path, text, { 'content-type': 'application/json', ...headers }));
  return response as { status: number; body: { error: string; field: string } & unknown; headers: Headers };
}

const square = (coordinates: number[][][]) => ({ type: 'Polygon', coordinates });

/** A project that would be created, but for the one field a test spoils. */
const newProject = {
  code: 'HOSTILE-1',
  fiscal_year: 2561,
  strategy_id: 'S1',
  division_id: 'engineering',
  name_th: 'ถนนทดสอบ',
  name_en: 'Test road',
  stage: 'plan',
  budget: 1000,
  as_of: '2018-09-03',
  geometry: { type: 'Point', coordinates: [102.84, 16.43] },
};

describe.each(engines)('hostile input on $engine', ({ url }) => {
  let admin: Client;
  let auditor: Client;
  let engineer: Client;
  let planner: Client;
  let sensorKey: string;
  let otherSensorKey: string;
  let truckKey: string;
  let revokedKey: string;
  let projectId: number;
  let before: string;

  beforeAll(async () => {
    admin = await Client.signIn(url, 'admin');
    auditor = await Client.signIn(url, 'auditor');
    engineer = await Client.signIn(url, 'engineer-z1');
    planner = await Client.signIn(url, 'planner');
    const key = (kind: 'sensor' | 'truck', code: string) => expectBody(admin.api.devices.$post({ json: { kind, code } }), 201);
    sensorKey = (await key('sensor', 'FP01')).key;
    otherSensorKey = (await key('sensor', 'FP02')).key;
    truckKey = (await key('truck', 'T05')).key;
    const revoked = await key('sensor', 'FP03');
    revokedKey = revoked.key;
    await expectBody(admin.api.devices[':id'].revoke.$post({ param: { id: String(revoked.device.id) } }));
    const list = await expectBody(admin.api.projects.$get({ query: { fy: '2561', zone: '1' } }));
    projectId = list.features[0]!.properties.id;
    before = await fingerprint(admin);
  });

  afterAll(async () => {
    // Every refusal below left the data as it was.
    expect(await fingerprint(admin)).toBe(before);
  });

  describe('SQL injection in every filter', () => {
    const filters: [string, string][] = [
      ['projects', 'fy'],
      ['projects', 'strategy'],
      ['projects', 'zone'],
      ['projects', 'stage'],
      ['projects', 'bbox'],
      ['communities', 'zone'],
      ['parcels', 'bbox'],
      ['parcels', 'limit'],
      ['parcels', 'after'],
      ['audit', 'actor'],
      ['audit', 'entity'],
      ['audit', 'entity_id'],
      ['audit', 'action'],
      ['audit', 'from'],
      ['audit', 'to'],
      ['audit', 'before_id'],
      ['audit', 'limit'],
    ];
    it.each(filters)('%s?%s= is refused or matched as plain text', async (endpoint, param) => {
      for (const payload of INJECTIONS) {
        const extra = endpoint === 'parcels' && param !== 'bbox' ? '&bbox=102.83,16.43,102.84,16.44' : '';
        const response = await send(auditor, 'GET', `${endpoint}?${param}=${encodeURIComponent(payload)}${extra}`);
        if (response.status === 400) {
          expect((response.body as { field: string }).field, payload).toBe(param);
        } else {
          // Text filters compare the whole string literally: nothing matches.
          expect(response.status, payload).toBe(200);
          expect(['actor', 'entity', 'entity_id', 'action', 'strategy']).toContain(param);
          expect(response.body, payload).toEqual([]);
        }
      }
    });
    it('in path parameters', async () => {
      for (const payload of INJECTIONS) {
        expect((await send(auditor, 'GET', `projects/${encodeURIComponent(payload)}`)).status).toBe(400);
        expect((await send(auditor, 'GET', `parcels/${encodeURIComponent(payload)}`)).status).toBe(400);
        expect((await send(auditor, 'GET', `tiles/parcels/15/${encodeURIComponent(payload)}/1.mvt`)).status).toBe(400);
      }
    });
  });

  describe('wrong types and shapes', () => {
    it.each([
      [{ budget: 'lots' }, 'budget'],
      [{ stage: 5 }, 'stage'],
      [{ stage: 'finished' }, 'stage'],
      [{ as_of: '2561-13-45' }, 'as_of'],
      [{ budget: -1 }, 'budget'],
      [{ fiscal_year: 2561.5 }, 'fiscal_year'],
      [{ owner: 'me' }, 'body'],
      [{}, 'body'],
      [[1, 2, 3], 'body'],
      ['"just a string"', 'body'],
    ])('a project change %j is refused, naming %s', async (body, field) => {
      const response = await send(planner, 'PATCH', `projects/${projectId}`, body);
      expect(response.status).toBe(400);
      expect(response.body.field).toBe(field);
    });
    it('malformed JSON is refused', async () => {
      const response = await send(planner, 'PATCH', `projects/${projectId}`, '{"budget": ');
      expect(response).toMatchObject({ status: 400, body: { field: 'body' } });
    });
    it('a form post is refused', async () => {
      const response = await send(planner, 'PATCH', `projects/${projectId}`, 'budget=5', { 'content-type': 'application/x-www-form-urlencoded' });
      expect(response.status).toBe(415);
    });
    it('a reading with the wrong types is refused, naming the field', async () => {
      const response = await send(Client.device(url, sensorKey), 'POST', 'readings', { readings: [{ sensor: 'FP01', time: 'yesterday', level_m: 'high' }] });
      expect(response.status).toBe(400);
      expect(response.body.field).toMatch(/^readings\.0\.(time|level_m)$/);
    });
    it('a reading from the future is refused', async () => {
      const response = await answer(
        Client.device(url, sensorKey).api.readings.$post({ json: { readings: [{ sensor: 'FP01', time: '2099-01-01T00:00:00Z', level_m: 1 }] } }),
      );
      expect(response).toMatchObject({ status: 400, body: { field: 'readings.0.time' } });
    });
  });

  describe('huge bodies', () => {
    const huge = JSON.stringify({ username: 'x'.repeat(2 * 1024 * 1024), password: 'y' });
    it.each([
      ['POST', 'auth/login'],
      ['PATCH', 'projects/1'],
      ['POST', 'readings'],
      ['POST', 'users'],
    ])('%s %s answers 413', async (method, path) => {
      // On a busy machine the reset can overtake the answer in flight: then ask again.
      const send = () => sendOnce(`${url}/api/${path}`, method, huge, { 'x-device-key': sensorKey, cookie: admin.sessionCookie ?? '' });
      const response = await send().catch(send).catch(send);
      expect(response.status).toBe(413);
      expect(JSON.parse(response.body)).toMatchObject({ field: 'body' });
    });
  });

  describe('broken and absurd geometry', () => {
    it.each([
      ['not GeoJSON', 'POINT(102.8 16.4)', /expected a GeoJSON geometry/],
      ['an unknown type', { type: 'Circle', coordinates: [102.8, 16.4] }, /expected a GeoJSON geometry/],
      ['swapped longitude and latitude', { type: 'Point', coordinates: [16.43, 102.83] }, /outside Thailand/],
      ['a point in Paris', { type: 'Point', coordinates: [2.35, 48.85] }, /outside Thailand/],
      [
        'a ring that does not close',
        square([
          [
            [102.83, 16.42],
            [102.84, 16.42],
            [102.84, 16.43],
            [102.83, 16.43],
          ],
        ]),
        /end where it starts/,
      ],
      [
        'a self-intersecting polygon',
        square([
          [
            [102.83, 16.42],
            [102.84, 16.43],
            [102.84, 16.42],
            [102.83, 16.43],
            [102.83, 16.42],
          ],
        ]),
        /Self-intersection/,
      ],
      ['a line of one point', { type: 'LineString', coordinates: [[102.83, 16.42]] }, /at least 2/],
      ['too many vertices', { type: 'LineString', coordinates: Array.from({ length: 6000 }, (_, i) => [102.8 + i * 1e-6, 16.42]) }, /at most 5000/],
      ['a position of text', { type: 'Point', coordinates: ['102.8', '16.4'] }, /./],
    ])('%s is refused with a clear message', async (_what, geometry, message) => {
      const response = await send(planner, 'PATCH', `projects/${projectId}`, { geometry });
      expect(response.status).toBe(400);
      expect(response.body.field).toMatch(/^geometry/);
      expect(response.body.error).toMatch(message);
    });
  });

  describe('a NUL character anywhere (PostgreSQL text cannot hold one)', () => {
    it.each([
      ['plan?plan=a%00', 'plan'],
      ['projects?strategy=S%001', 'strategy'],
      ['evaluation?plan=a%00&by=strategy', 'plan'],
      ['audit?actor=admin%00', 'actor'],
      ['sensors/FP01%00/readings', 'path'],
      ['projects/1%00', 'path'],
    ])('GET %s answers 400 naming %s', async (path, field) => {
      expect(await send(auditor, 'GET', path)).toMatchObject({ status: 400, body: { field } });
    });
    it('in the sign-in username', async () => {
      const response = await answer(new Client(url).api.auth.login.$post({ json: { username: 'admin\u0000', password: 'whatever it is' } }));
      expect(response).toMatchObject({ status: 400, body: { field: 'username' } });
    });
    it('in an alert note', async () => {
      // Refused before the route looks at the alert: any alert will do, whatever state others left it in.
      const [alert] = await expectBody(admin.api.alerts.$get({ query: { state: 'all' } }));
      const response = await answer(admin.api.alerts[':id'].notes.$post({ param: { id: String(alert?.id ?? 1) }, json: { note: 'water at the gate\u0000' } }));
      expect(response).toMatchObject({ status: 400, body: { field: 'note' } });
    });
    it('in a device label', async () => {
      const response = await answer(admin.api.devices.$post({ json: { kind: 'sensor', code: 'FP04', label: 'gate\u0000sensor' } }));
      expect(response).toMatchObject({ status: 400, body: { field: 'label' } });
    });
    it('in a project, at any depth of the body', async () => {
      expect(await answer(planner.api.projects[':id'].$patch({ param: { id: String(projectId) }, json: { name_th: 'ถนน\u0000' } }))).toMatchObject({
        status: 400,
        body: { field: 'name_th' },
      });
      expect(await send(planner, 'POST', 'projects', { ...newProject, name_en: 'Road\u0000' })).toMatchObject({ status: 400, body: { field: 'name_en' } });
      const reading = {
        readings: [
          { sensor: 'FP01', time: '2026-01-01T00:00:00Z', level_m: 0.4 },
          { sensor: 'FP01\u0000', time: '2026-01-01T00:01:00Z', level_m: 0.4 },
        ],
      };
      expect(await answer(Client.device(url, sensorKey).api.readings.$post({ json: reading }))).toMatchObject({
        status: 400,
        body: { field: 'readings.1.sensor' },
      });
    });
  });

  describe('a position with a height', () => {
    const point3d = { type: 'Point', coordinates: [102.84, 16.4, 1] };
    const line3d = {
      type: 'LineString',
      coordinates: [
        [102.84, 16.4, 1],
        [102.85, 16.41, 1],
      ],
    };
    it.each([
      ['a point', point3d],
      ['a line', line3d],
    ])('%s is refused when a project is changed', async (_what, geometry) => {
      const response = await send(planner, 'PATCH', `projects/${projectId}`, { geometry });
      expect(response.status).toBe(400);
      expect(response.body.field).toMatch(/^geometry\.coordinates/);
      expect(response.body.error).toMatch(/\[longitude, latitude\]/);
    });
    it('is refused when a project is created', async () => {
      const response = await send(planner, 'POST', 'projects', { ...newProject, geometry: point3d });
      expect(response.status).toBe(400);
      expect(response.body.field).toMatch(/^geometry\.coordinates/);
    });
  });

  describe('sessions', () => {
    it('a forged session is the public, and may not write', async () => {
      const forged = Client.withSession(url, `mueang_session=${'A'.repeat(43)}`, 'whatever');
      expect((await expectBody(forged.api.auth.me.$get())).user).toBeNull();
      expect((await forged.api.projects[':id'].$patch({ param: { id: String(projectId) }, json: { stage: 'plan' } })).status).toBe(401);
      expect((await forged.api.audit.$get({ query: {} })).status).toBe(401);
      const garbage = Client.withSession(url, "mueang_session=' OR 1=1 --", 'x');
      expect((await garbage.api.audit.$get({ query: {} })).status).toBe(401);
    });
    it('a write without the CSRF token, or from another site, is refused', async () => {
      const noToken = Client.withSession(url, engineer.sessionCookie, null);
      const change = (client: Client, headers: Record<string, string> = {}) =>
        client.api.projects[':id'].$patch({ param: { id: String(projectId) }, json: { stage: 'plan' } }, { headers });
      expect((await change(noToken)).status).toBe(403);
      const crossSite = await change(engineer, { origin: 'https://evil.example' });
      expect(crossSite.status).toBe(403);
      const fetchMetadata = await change(engineer, { 'sec-fetch-site': 'cross-site' });
      expect(fetchMetadata.status).toBe(403);
    });
  });

  describe('device keys', () => {
    const reading = (sensor: string) => ({ readings: [{ sensor, time: '2026-01-01T00:00:00Z', level_m: 0.4 }] });
    it('no key, a malformed key or an unknown key is refused', async () => {
      const post = (key: string | null) => (key === null ? new Client(url) : Client.device(url, key)).api.readings.$post({ json: reading('FP01') });
      expect((await post(null)).status).toBe(401);
      expect((await post("' OR 1=1 --")).status).toBe(401);
      expect((await post(`mdk_1_${'A'.repeat(43)}`)).status).toBe(401);
      const forgedSecret = sensorKey.slice(0, -4) + (sensorKey.endsWith('AAAA') ? 'BBBB' : 'AAAA');
      expect((await post(forgedSecret)).status).toBe(401);
    });
    it('a revoked key is refused', async () => {
      const response = await answer(Client.device(url, revokedKey).api.readings.$post({ json: reading('FP03') }));
      expect(response).toMatchObject({ status: 401, body: { error: expect.stringMatching(/revoked/) } });
    });
    it("another device's key is refused", async () => {
      const response = await answer(Client.device(url, otherSensorKey).api.readings.$post({ json: reading('FP01') }));
      expect(response).toMatchObject({ status: 403, body: { field: 'readings.0.sensor' } });
      const mixed = { readings: [...reading('FP01').readings, ...reading('FP02').readings] };
      expect((await Client.device(url, sensorKey).api.readings.$post({ json: mixed })).status).toBe(403);
    });
    it("a truck's key cannot write readings", async () => {
      expect((await Client.device(url, truckKey).api.readings.$post({ json: reading('FP01') })).status).toBe(403);
    });
  });
});

describe.each(engines)('sign-in limits and session expiry on $engine', (target) => {
  let app: AppUnderTest;
  beforeAll(async () => {
    // An app of its own, in this process, on a copy of the seeded data and a manual clock: short
    // sessions, and client addresses taken from X-Forwarded-For so the address limit can be
    // reached without locking anyone else out.
    app = await openSeededApp(target, 'mueang_expiry_test', {
      MUEANG_CLOCK: 'manual',
      SESSION_MAX_SECONDS: '3',
      SESSION_IDLE_SECONDS: '60',
      TRUST_PROXY: '1',
      FLOOD_SWEEP_SECONDS: '0',
    });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
  });

  const signIn = (username: string, password: string, address: string) =>
    answer(app.client({ 'x-forwarded-for': address }).api.auth.login.$post({ json: { username, password } }));

  // Sign-ins and sign-outs are recorded (attempts, sessions, audit): these change the database by design.
  it('SQL injection in a sign-in is a wrong password', async () => {
    expect((await signIn("admin' --", "' OR '1'='1", '192.0.2.50')).status).toBe(401);
  });

  it('a signed-out session is dead', async () => {
    const client = await app.signIn('auditor');
    const stolen = app.client({ cookie: client.sessionCookie ?? '', 'x-csrf-token': 'x' });
    expect((await client.api.auth.logout.$post()).status).toBe(200);
    expect((await stolen.api.audit.$get({ query: { limit: '1' } })).status).toBe(401);
  });

  it('an expired session is the public again', async () => {
    const client = await app.signIn('auditor');
    expect((await client.api.audit.$get({ query: { limit: '1' } })).status).toBe(200);
    // Sessions end by the server's clock: 2 s of the 3 s lifetime leave it alive, 2 more end it.
    app.clock.manual?.advance(2);
    expect((await client.api.audit.$get({ query: { limit: '1' } })).status).toBe(200);
    app.clock.manual?.advance(2);
    expect((await client.api.audit.$get({ query: { limit: '1' } })).status).toBe(401);
  });

  it('locks an account after five wrong passwords, and says so', async () => {
    const admin = await app.signIn('admin');
    const username = `locked-${target.engine}`;
    await expectBody(admin.api.users.$post({ json: { username, password: 'the right password', display_name: 'L', role: 'executive' } }), 201);
    const attempt = (password: string) => signIn(username, password, '198.51.100.7');
    for (let i = 0; i < 4; i++) expect((await attempt('wrong password')).status).toBe(401);
    const fifth = await attempt('wrong password');
    expect(fifth).toMatchObject({ status: 423, body: { error: expect.stringMatching(/locked/) } });
    expect((await attempt('the right password')).status).toBe(423);
  });

  it('pauses an address after twenty failed sign-ins', async () => {
    const from = '203.0.113.9';
    for (let i = 0; i < 20; i++) expect((await signIn(`nobody${i}`, 'guess', from)).status).toBe(401);
    const blocked = await signIn('admin', 'mueang-demo-2561', from);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toBe('900');
    // Another address is not affected.
    expect((await signIn('admin', 'mueang-demo-2561', '192.0.2.1')).status).toBe(200);
  });
});
