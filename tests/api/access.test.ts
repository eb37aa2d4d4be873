import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { BodyOf } from '../../web/api/core.ts';
import { answer, Client, expectBody } from '../support/client.ts';
import { decodeTile, tileAt, tileParam } from '../support/tiles.ts';

const engines = inject('engines');

const PUBLIC_PARCEL = ['area_m2', 'community_id', 'id', 'land_use', 'map_code', 'parcel_no', 'zone_id'];
const PERSONAL = ['assessed_value', 'national_id', 'owner_name', 'tax_due'];
/** The tax roles: a parcel's tax status (tiles too) and its personal data (never in tiles). */
const WITH_PERSONAL = [...PUBLIC_PARCEL, 'tax_status', ...PERSONAL].sort();
/** What a viewer's tiles carry of what they see: the id is the feature id, and personal data is in no tile. */
const tileAttributes = (parcels: string[]) => parcels.filter((a) => a !== 'id' && !PERSONAL.includes(a));

type Who = 'public' | 'admin' | 'executive' | 'planner' | 'engineer' | 'engineer-z1' | 'disaster' | 'tax' | 'auditor';
const EVERYONE: Who[] = ['public', 'admin', 'executive', 'planner', 'engineer', 'engineer-z1', 'disaster', 'tax', 'auditor'];

/** What each viewer should be answered: status codes, and which parcel attributes they see. */
const MATRIX: Record<
  Who,
  {
    role: string;
    parcels: string[];
    projectsZones: number[] | 'all';
    otherZoneProject: number;
    patchStage: number;
    patchBudget: number;
    audit: number;
    users: number;
    newDevice: number;
    newProject: number;
  }
> = {
  public: {
    role: 'public',
    parcels: PUBLIC_PARCEL,
    projectsZones: 'all',
    otherZoneProject: 200,
    patchStage: 401,
    patchBudget: 401,
    audit: 401,
    users: 401,
    newDevice: 401,
    newProject: 401,
  },
  admin: {
    role: 'admin',
    parcels: WITH_PERSONAL,
    projectsZones: 'all',
    otherZoneProject: 200,
    patchStage: 200,
    patchBudget: 200,
    audit: 200,
    users: 200,
    newDevice: 400,
    newProject: 400,
  },
  executive: {
    role: 'executive',
    parcels: PUBLIC_PARCEL,
    projectsZones: 'all',
    otherZoneProject: 200,
    patchStage: 403,
    patchBudget: 403,
    audit: 403,
    users: 403,
    newDevice: 403,
    newProject: 403,
  },
  planner: {
    role: 'planner',
    parcels: PUBLIC_PARCEL,
    projectsZones: 'all',
    otherZoneProject: 200,
    patchStage: 200,
    patchBudget: 200,
    audit: 403,
    users: 403,
    newDevice: 403,
    newProject: 400,
  },
  engineer: {
    role: 'engineer',
    parcels: PUBLIC_PARCEL,
    projectsZones: 'all',
    otherZoneProject: 200,
    patchStage: 200,
    patchBudget: 403,
    audit: 403,
    users: 403,
    newDevice: 403,
    newProject: 403,
  },
  'engineer-z1': {
    role: 'engineer',
    parcels: PUBLIC_PARCEL,
    projectsZones: [1],
    otherZoneProject: 403,
    patchStage: 200,
    patchBudget: 403,
    audit: 403,
    users: 403,
    newDevice: 403,
    newProject: 403,
  },
  disaster: {
    role: 'disaster',
    parcels: PUBLIC_PARCEL,
    projectsZones: 'all',
    otherZoneProject: 200,
    patchStage: 403,
    patchBudget: 403,
    audit: 403,
    users: 403,
    newDevice: 403,
    newProject: 403,
  },
  tax: {
    role: 'tax',
    parcels: WITH_PERSONAL,
    projectsZones: 'all',
    otherZoneProject: 200,
    patchStage: 403,
    patchBudget: 403,
    audit: 403,
    users: 403,
    newDevice: 403,
    newProject: 403,
  },
  auditor: {
    role: 'auditor',
    parcels: WITH_PERSONAL,
    projectsZones: 'all',
    otherZoneProject: 200,
    patchStage: 403,
    patchBudget: 403,
    audit: 200,
    users: 403,
    newDevice: 403,
    newProject: 403,
  },
};

const CENTRE_TILE = tileAt(102.834, 16.432, 15);

describe.each(engines)('access policy on $engine', ({ url }) => {
  const clients = {} as Record<Who, Client>;
  type Project = BodyOf<Awaited<ReturnType<Client['api']['projects']['$get']>>>['features'][number];
  let zone1: Project;
  let zone2: Project;
  /** Parcels with an owner, one in zone 1 and one in zone 2. */
  let parcel1: number;
  let parcel2: number;
  const id = (project: Project) => ({ id: String(project.properties.id) });
  const parcelOf = (client: Client, parcel: number | string) => client.api.parcels[':id'].$get({ param: { id: String(parcel) } });

  beforeAll(async () => {
    for (const who of EVERYONE) clients[who] = who === 'public' ? new Client(url) : await Client.signIn(url, who);
    const list = async (zone: number) => (await expectBody(clients.public.api.projects.$get({ query: { fy: '2561', zone: String(zone) } }))).features;
    zone1 = (await list(1))[0]!;
    zone2 = (await list(2))[0]!;
    const owned = async (zone: number, bbox: string) => {
      const parcels = (await expectBody(clients.tax.api.parcels.$get({ query: { bbox, limit: '500' } }))).features;
      return parcels.find((f) => f.properties.zone_id === zone && f.properties.owner_name)!.properties.id;
    };
    parcel1 = await owned(1, '102.8425,16.4145,102.8450,16.4165');
    parcel2 = await owned(2, '102.8335,16.4315,102.8345,16.4325');
  });

  describe.each(EVERYONE)('%s', (who) => {
    const expected = MATRIX[who];
    const client = () => clients[who];

    it('is who it signed in as', async () => {
      const me = await expectBody(client().api.auth.me.$get());
      expect(me.permissions.role).toBe(expected.role);
      expect(me.user?.username ?? 'public').toBe(who);
    });

    it('sees parcel attributes by role in lists and one parcel at a time, and no personal data in tiles', async () => {
      const page = await expectBody(client().api.parcels.$get({ query: { bbox: '102.83,16.43,102.84,16.44', limit: '5' } }));
      for (const feature of page.features) expect(Object.keys(feature.properties).sort()).toEqual(expected.parcels);
      const tile = await client().api.tiles.parcels[':z'][':x'][':y'].$get({ param: tileParam(CENTRE_TILE) });
      expect(tile.status).toBe(200);
      const layer = decodeTile(await tile.arrayBuffer()).layers.parcels!;
      expect(layer.length).toBeGreaterThan(100);
      const keys = new Set<string>();
      for (let i = 0; i < layer.length; i++) for (const key of Object.keys(layer.feature(i).properties)) keys.add(key);
      expect([...keys].sort()).toEqual(tileAttributes(expected.parcels));
      expect(tile.headers.get('cache-control')).toBe(who === 'public' ? 'public, max-age=60' : 'private, no-store');

      const one = parcelOf(client(), parcel1);
      expect((await one).headers.get('cache-control')).toBe('private, no-store');
      const parcel = await expectBody(one);
      expect(parcel).toMatchObject({ type: 'Feature', geometry: { type: 'Polygon' }, properties: { id: parcel1, zone_id: 1 } });
      expect(Object.keys(parcel.properties).sort()).toEqual(expected.parcels);
      if (expected.parcels.includes('owner_name')) expect(parcel.properties.owner_name).toEqual(expect.any(String));
    });

    it('opens a parcel outside its zones as one that does not exist', async () => {
      const outside = parcelOf(client(), parcel2);
      if (expected.projectsZones === 'all') {
        expect((await outside).status).toBe(200);
        return;
      }
      const refused = await expectBody(outside, 404);
      expect(refused.error).toBe(`no parcel ${parcel2}`);
      expect(await expectBody(parcelOf(client(), 2 ** 31 - 1), 404)).toEqual({ error: `no parcel ${2 ** 31 - 1}` });
    });

    it('lists the projects of its zones only', async () => {
      const list = await expectBody(client().api.projects.$get({ query: { fy: '2561' } }));
      const zones = new Set(list.features.map((f) => f.properties.zone_id));
      if (expected.projectsZones === 'all') {
        expect(list.features).toHaveLength(519);
      } else {
        expect([...zones]).toEqual(expected.projectsZones);
        expect(list.features.length).toBeGreaterThan(50);
      }
    });

    it('opens a project of another zone, or is refused', async () => {
      expect((await client().api.projects[':id'].$get({ param: id(zone2) })).status).toBe(expected.otherZoneProject);
    });

    it('edits project fields its role may change, and no others', async () => {
      // Writing the values the project already has: a real, audited write that leaves the data as it was.
      const stage = await client().api.projects[':id'].$patch({ param: id(zone1), json: { stage: zone1.properties.stage! } });
      expect(stage.status).toBe(expected.patchStage);
      const budget = client().api.projects[':id'].$patch({ param: id(zone1), json: { budget: zone1.properties.budget } });
      if (expected.patchBudget === 403 && who !== 'public') expect((await expectBody(budget, 403)).field ?? 'role').toMatch(/budget|role/);
      else expect((await budget).status).toBe(expected.patchBudget);
    });

    it('reads the audit trail and manages accounts only if allowed', async () => {
      expect((await client().api.audit.$get({ query: { limit: '1' } })).status).toBe(expected.audit);
      expect((await client().api.users.$get()).status).toBe(expected.users);
      // Invalid bodies (`as never`: the schema refuses them): a permitted caller gets 400, so nothing is created either way.
      expect((await client().api.devices.$post({ json: {} as never })).status).toBe(expected.newDevice);
      expect((await client().api.projects.$post({ json: {} as never })).status).toBe(expected.newProject);
    });

    it('cannot write device data with a session', async () => {
      const response = await client().api.readings.$post({ json: { readings: [{ sensor: 'FP01', time: new Date().toISOString(), level_m: 0.3 }] } });
      expect(response.status).toBe(401);
    });
  });

  it('shares a tile between viewers who see the same in it, and with no one else', async () => {
    // A tile across the edge of zones 1 and 2.
    const param = tileParam(tileAt(102.8395, 16.4285, 15));
    const tileOf = async (client: Client) => {
      const response = await client.api.tiles.parcels[':z'][':x'][':y'].$get({ param });
      return { etag: response.headers.get('etag'), layer: decodeTile(await response.arrayBuffer()).layers.parcels! };
    };
    // The planner first: were it keyed as before, by role, the public's tile would be another one.
    const planner = await tileOf(clients.planner);
    const everyone = await tileOf(clients.public);
    expect(planner.etag).toBe(everyone.etag);
    // The tax office's tile carries the tax status: its own, shared by the auditor who sees the same.
    const tax = await tileOf(clients.tax);
    expect(tax.etag).not.toBe(everyone.etag);
    expect((await tileOf(clients.auditor)).etag).toBe(tax.etag);
    for (let i = 0; i < tax.layer.length; i++) for (const key of PERSONAL) expect(tax.layer.feature(i).properties).not.toHaveProperty(key);
    for (let i = 0; i < everyone.layer.length; i++) expect(everyone.layer.feature(i).properties).not.toHaveProperty('tax_status');
    // The zone-scoped viewer's tile holds their zone's parcels only: not the one everyone gets.
    const zoneOne = await tileOf(clients['engineer-z1']);
    expect(zoneOne.etag).not.toBe(everyone.etag);
    expect(zoneOne.layer.length).toBeLessThan(everyone.layer.length);
  });

  it('answers a bad parcel id with 400, naming it', async () => {
    for (const bad of ['abc', '0', '1.5', String(2 ** 31)]) expect((await expectBody(parcelOf(clients.tax, bad), 400)).field, bad).toBe('id');
  });

  it('records who read a parcel’s personal data, and which parcel, in the audit trail', async () => {
    const latest = async () => (await expectBody(clients.auditor.api.audit.$get({ query: { limit: '1' } })))[0]!;
    const before = await latest();
    await expectBody(parcelOf(clients.tax, parcel1));
    const entry = await latest();
    expect(entry.id).toBeGreaterThan(before.id);
    expect(entry).toMatchObject({ actor_kind: 'user', actor_name: 'tax', action: 'view', entity: 'parcel', entity_id: String(parcel1) });
    // Reading no personal data records nothing.
    await expectBody(parcelOf(clients.planner, parcel1));
    await expectBody(parcelOf(clients.public, parcel1));
    expect((await latest()).id).toBe(entry.id);
  });

  it('records every write in the audit trail, with who, what, before and after', async () => {
    const latest = async () => (await expectBody(clients.auditor.api.audit.$get({ query: { limit: '1' } })))[0]!;
    let visitor: Client | undefined;
    const writes: [string, () => Promise<{ status: number }>, Partial<{ actor_name: string; action: string; entity: string }>][] = [
      [
        'someone signs in',
        async () => {
          visitor = await Client.signIn(url, 'disaster');
          return { status: 200 };
        },
        { actor_name: 'disaster', action: 'login', entity: 'session' },
      ],
      ['and out', () => visitor!.api.auth.logout.$post(), { actor_name: 'disaster', action: 'logout', entity: 'session' }],
      // Refused (401), as it should be, and recorded all the same.
      [
        'a wrong password',
        async () => ({
          status: (await new Client(url).api.auth.login.$post({ json: { username: 'nobody-at-all', password: 'x' } })).status === 401 ? 200 : 500,
        }),
        { actor_name: 'nobody-at-all', action: 'login_failed' },
      ],
      [
        'planner edits a project',
        () => clients.planner.api.projects[':id'].$patch({ param: id(zone1), json: { budget: zone1.properties.budget } }),
        { actor_name: 'planner', action: 'update', entity: 'project' },
      ],
      [
        'admin creates an account',
        () =>
          clients.admin.api.users.$post({
            json: { username: `clerk-${Date.now() % 1e6}`, password: 'a long enough password', display_name: 'Clerk', role: 'executive' },
          }),
        { actor_name: 'admin', action: 'create', entity: 'user' },
      ],
      [
        'admin creates a device key',
        () => clients.admin.api.devices.$post({ json: { kind: 'sensor', code: 'FP05' } }),
        { actor_name: 'admin', action: 'create', entity: 'device' },
      ],
      [
        'planner creates a project',
        () =>
          clients.planner.api.projects.$post({
            json: {
              code: `T-${Date.now() % 1e8}`,
              fiscal_year: 2563,
              strategy_id: 'S4',
              division_id: 'engineering',
              name_th: 'ทดสอบ',
              name_en: 'Test',
              stage: 'plan',
              budget: 1000,
              as_of: '2020-03-01',
              geometry: { type: 'Point', coordinates: [102.84, 16.42] },
            },
          }),
        { actor_name: 'planner', action: 'create', entity: 'project' },
      ],
    ];
    for (const [what, write, expected] of writes) {
      const before = await latest();
      const response = await write();
      expect(response.status, what).toBeLessThan(300);
      const entry = await latest();
      expect(entry.id, what).toBeGreaterThan(before.id);
      expect(entry, what).toMatchObject(expected);
    }
    const [update] = await expectBody(
      clients.auditor.api.audit.$get({ query: { entity: 'project', action: 'update', entity_id: String(zone1.properties.id), limit: '1' } }),
    );
    // The audit trail keeps each record's snapshot as JSON of any shape.
    expect(update).toMatchObject({ before: { budget: zone1.properties.budget }, after: { budget: zone1.properties.budget } });
  });

  it('offers no way to change the audit trail', async () => {
    const [entry] = await expectBody(clients.admin.api.audit.$get({ query: { limit: '1' } }));
    // Routes that do not exist: no typed call can name them.
    for (const method of ['PUT', 'PATCH', 'DELETE', 'POST']) {
      for (const path of ['audit', `audit/${entry!.id}`]) {
        const body = method === 'DELETE' ? undefined : JSON.stringify({ action: 'nothing' });
        const response = await answer(clients.admin.raw(method, path, body, { 'content-type': 'application/json' }));
        expect(response.status, `${method} ${path}`).toBe(404);
      }
    }
    const [again] = await expectBody(clients.admin.api.audit.$get({ query: { limit: '1', before_id: String(entry!.id + 1) } }));
    expect(again).toEqual(entry);
  });
});
