import { createHmac } from 'node:crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BodyOf } from '../../web/api/core.ts';
import { answer, Client, expectBody } from '../support/client.ts';
import { startReceiver, type Received } from '../support/receiver.ts';
import { startSeededServer, type RunningServer } from '../support/server.ts';
import { openEventStream } from '../../scripts/lib/sse.ts';

/**
 * The flood desk on a server of its own per engine, on a manual clock (FLOOD_SWEEP_SECONDS=0:
 * nothing happens on its own; moving the clock runs the sweep), with a local receiver standing
 * in for the webhook endpoints and for the LINE Messaging API.
 */
const engines = inject('engines');
const WEBHOOK_SECRET = 'test-webhook-secret';
const LINE_TOKEN = 'test-line-channel-token';
const LINE_USER = `U${'ab'.repeat(16)}`;
const LINE_SECRET = 'test-line-channel-secret';

// What the routes answer (server/flood/routes.ts), for the values the tests keep and the events they read.
type Api = Client['api'];
type Answered<Call extends (...args: never[]) => Promise<unknown>> = BodyOf<Awaited<ReturnType<Call>>>;
type Sensor = Answered<Api['sensors']['$get']>['features'][number]['properties'];
type Alert = Answered<Api['alerts']['$get']>[number];
type Notification = Answered<Api['alerts'][':id']['$get']>['notifications'][number];
/** Staff see an alert whole: its escalation, its handler, its worst severity. */
const fullView = (alert: Alert) => {
  expect(alert.view).toBe('full');
  return alert as Extract<Alert, { view: 'full' }>;
};
/** An alert's id as a route parameter. */
const param = (id: number) => ({ id: String(id) });

/** Element names in document order, as the CAP 1.2 schema's sequences require them. */
type Ordered = Record<string, unknown>[];
const childNames = (nodes: Ordered) => nodes.map((node) => Object.keys(node).find((k) => k !== ':@') as string).filter((k) => k !== '#text');
const childrenOf = (nodes: Ordered, name: string) => nodes.filter((n) => name in n).map((n) => n[name] as Ordered);
const CAP_ALERT_ORDER = [
  'identifier',
  'sender',
  'sent',
  'status',
  'msgType',
  'source',
  'scope',
  'restriction',
  'addresses',
  'code',
  'note',
  'references',
  'incidents',
  'info',
];
const CAP_INFO_ORDER = [
  'language',
  'category',
  'event',
  'responseType',
  'urgency',
  'severity',
  'certainty',
  'audience',
  'eventCode',
  'effective',
  'onset',
  'expires',
  'senderName',
  'headline',
  'description',
  'instruction',
  'web',
  'contact',
  'parameter',
  'resource',
  'area',
];
const inSchemaOrder = (names: string[], order: string[]) => names.every((n, i) => i === 0 || order.indexOf(names[i - 1] as string) <= order.indexOf(n));

/** "HH:MM" on a Bangkok wall clock, `hours` from `at`. */
const bangkokTime = (at: Date, hours: number) => new Date(at.getTime() + (7 + hours) * 3600_000).toISOString().slice(11, 16);

describe.each(engines)('the flood desk on $engine', (target) => {
  let server: RunningServer;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let admin: Client;
  let disaster: Client;
  let sensors: Map<string, Sensor>;
  const keys = new Map<string, string>();
  let now: Date;

  const url = () => server.url;
  const moveClock = async (seconds: number) => {
    const moved = await expectBody(admin.api.clock.$post({ json: { advance_s: seconds } }));
    now = new Date(moved.now);
    return moved.sweep;
  };
  const post = async (code: string, readings: { minutesAgo: number; level_m: number }[]) => {
    const body = { readings: readings.map((r) => ({ sensor: code, time: new Date(now.getTime() - r.minutesAgo * 60_000).toISOString(), level_m: r.level_m })) };
    return expectBody(Client.device(url(), keys.get(code) as string).api.readings.$post({ json: body }));
  };
  const alertsOf = async (code: string, type = 'level') =>
    (await expectBody(admin.api.alerts.$get({ query: { state: 'all', sensor: code } }))).filter((a) => a.type === type).map(fullView);
  const detail = async (id: number) => {
    const answered = await expectBody(admin.api.alerts[':id'].$get({ param: param(id) }));
    return { ...answered, alert: fullView(answered.alert) };
  };
  const changes = async (id: number) => (await detail(id)).timeline.map((e) => e.change);
  const deliveries = (path: string) => receiver.received.filter((r) => r.path === path);
  const sensor = (code: string) => sensors.get(code) as Sensor;

  beforeAll(async () => {
    receiver = await startReceiver();
    const common = {
      MUEANG_CLOCK: 'manual',
      FLOOD_SWEEP_SECONDS: '0',
      READINGS_KEEP_MONTHS: '3',
      WEBHOOK_SECRET,
      LINE_CHANNEL_TOKEN: LINE_TOKEN,
      LINE_CHANNEL_SECRET: LINE_SECRET,
      LINE_API_BASE: `${receiver.url}/line`,
      // The receiver is on loopback: only this host and port are allowed, as an administrator would.
      OUTBOUND_ALLOW_HOSTS: new URL(receiver.url).host,
    };
    // From a copy of the run's seeded demo data: seeding again would only cost time.
    server = await startSeededServer(target, 'mueang_flood_test', common);
    admin = await Client.signIn(url(), 'admin');
    // The seeded history ends when the run seeded it: the tests' readings come after it. The
    // seeded sensors fall silent meanwhile (offline), which the tests below clear sensor by sensor.
    await moveClock(7200);
    // Two hours without a request end a session on the server's clock: sign in after the jump.
    admin = await Client.signIn(url(), 'admin');
    disaster = await Client.signIn(url(), 'disaster');
    const collection = await expectBody(admin.api.sensors.$get());
    sensors = new Map(collection.features.map((f) => [f.properties.code, f.properties]));
    for (const code of ['FP01', 'FP02', 'FP03', 'FP04', 'FP05', 'FP06', 'FP07']) {
      const made = await expectBody(admin.api.devices.$post({ json: { kind: 'sensor', code } }), 201);
      keys.set(code, made.key);
    }
    // One chain everywhere: a webhook, then LINE, then a webhook in quiet hours right now.
    type NewContact = Parameters<Api['flood']['contacts']['$post']>[0]['json'];
    const contact = async (json: NewContact) => (await expectBody(admin.api.flood.contacts.$post({ json }), 201)).id;
    const first = await contact({ name: 'Duty desk', position: 'เวรศูนย์', channel: 'webhook', address: `${receiver.url}/first` });
    const second = await contact({ name: 'Section head', position: 'หัวหน้าฝ่าย', channel: 'line', address: LINE_USER, username: 'disaster' });
    const third = await contact({
      name: 'Clerk',
      position: 'ปลัดเทศบาล',
      channel: 'webhook',
      address: `${receiver.url}/third`,
      quiet_from: bangkokTime(now, -1),
      quiet_to: bangkokTime(now, 6),
    });
    const steps = [
      { contact_id: first, ack_within_s: 600 },
      { contact_id: second, ack_within_s: 900 },
      { contact_id: third, ack_within_s: 600 },
    ];
    for (const zone of ['city', '1', '2', '3', '4']) {
      await expectBody(admin.api.flood.chains[':zone'].$put({ param: { zone }, json: { steps } }));
    }
  }, 240_000);

  afterAll(async () => {
    await server?.stop();
    await receiver?.close();
  });

  it('starts with the seeded sirens at normal levels, so each test below owns its sensor', () => {
    for (const code of keys.keys()) expect(sensor(code)).toMatchObject({ level: 'normal' });
  });

  it('opens one yellow alert for a rising series and raises it to red instead of adding alerts', async () => {
    const s = sensor('FP01');
    await post('FP01', [
      { minutesAgo: 40, level_m: 0.2 },
      { minutesAgo: 30, level_m: s.watch_m + 0.02 },
    ]);
    await post('FP01', [{ minutesAgo: 20, level_m: s.warning_m + 0.02 }]);
    await post('FP01', [
      { minutesAgo: 10, level_m: s.critical_m + 0.05 },
      { minutesAgo: 5, level_m: s.critical_m + 0.1 },
    ]);
    const alerts = await alertsOf('FP01');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ severity: 'critical', peak_severity: 'critical', status: 'open', escalation_step: 0 });
    expect(await changes(alerts[0]!.id)).toEqual(['opened', 'raised', 'raised']);
    const mapped = (await expectBody(admin.api.sensors.$get())).features.find((f) => f.properties.code === 'FP01');
    expect(mapped?.properties.level).toBe('critical');

    // Each step told the first contact, through the webhook, signed.
    const told = () => deliveries('/first').filter((r) => r.body.includes('"FP01"') && r.body.includes('"type":"level"'));
    await expect.poll(() => told().length, { timeout: 10_000 }).toBe(3);
    for (const delivery of told()) {
      expect(delivery.headers['x-mueang-signature']).toBe(`sha256=${createHmac('sha256', WEBHOOK_SECRET).update(delivery.body).digest('hex')}`);
    }
    // Sent after the batch committed, each says why it came; the text is the alert's state at sending.
    const reasons = told().map((r) => (JSON.parse(r.body) as { reason: string }).reason);
    expect(reasons.sort()).toEqual(['opened', 'raised', 'raised']);
  });

  it('takes a resent batch and late readings without changing anything', async () => {
    const [alert] = await alertsOf('FP01');
    const before = await detail(alert!.id);
    const s = sensor('FP01');
    expect(
      await post('FP01', [
        { minutesAgo: 10, level_m: s.critical_m + 0.05 },
        { minutesAgo: 5, level_m: s.critical_m + 0.1 },
      ]),
    ).toMatchObject({ inserted: 0 });
    // A late reading slots into the history, but the present is the newest reading's.
    expect(await post('FP01', [{ minutesAgo: 7, level_m: 0.1 }])).toMatchObject({ inserted: 1 });
    expect((await detail(alert!.id)).timeline).toEqual(before.timeline);
    const series = (await expectBody(admin.api.sensors[':code'].readings.$get({ param: { code: 'FP01' }, query: { range: '24h' } }))).points;
    const times = series.map((p) => p.t);
    expect(times).toEqual([...times].sort());
    expect(series.some((p) => p.level_m === 0.1)).toBe(true);
  });

  it('drops whole months of readings older than it keeps, and only those', async () => {
    const midMonth = (monthsBack: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - monthsBack, 15)).toISOString();
    const readings = [midMonth(5), midMonth(1)].map((time) => ({ sensor: 'FP07', time, level_m: 0.1 }));
    const send = () => expectBody(Client.device(url(), keys.get('FP07') as string).api.readings.$post({ json: { readings } }));
    const partition = (time: string) => `sensor_readings_${time.slice(0, 7).replace('-', '')}`;
    expect(await send()).toMatchObject({ inserted: 2 });
    const { dropped } = await moveClock(0);
    expect(dropped).toContain(partition(midMonth(5)));
    expect(dropped).not.toContain(partition(midMonth(1)));
    // Gone, not hidden: the old reading is new again; the recent one is still there.
    expect(await send()).toMatchObject({ inserted: 1 });
    expect(await alertsOf('FP07')).toHaveLength(0);
  });

  it('does not flap while the level hovers at a line', async () => {
    const s = sensor('FP02');
    // Slow enough not to count as a fast rise.
    await post(
      'FP02',
      [0, 1, 2, 3, 4, 5].map((k) => ({ minutesAgo: 120 - k * 10, level_m: s.watch_m - 0.1 + k * 0.05 })),
    );
    await post('FP02', [{ minutesAgo: 60, level_m: s.warning_m + 0.02 }]);
    const hovering = Array.from({ length: 12 }, (_, k) => ({ minutesAgo: 58 - k * 2, level_m: s.warning_m + (k % 2 ? 0.02 : -0.03) }));
    await post('FP02', hovering);
    const [alert] = await alertsOf('FP02');
    expect(alert).toMatchObject({ severity: 'warning' });
    expect(await changes(alert!.id)).toEqual(['opened', 'raised']);
    // Clearly below the line: it comes down, and clearly below watch, it is resolved.
    await post('FP02', [{ minutesAgo: 30, level_m: s.warning_m - 0.08 }]);
    await post('FP02', [{ minutesAgo: 25, level_m: s.watch_m - 0.1 }]);
    expect(await changes(alert!.id)).toEqual(['opened', 'raised', 'lowered', 'resolved']);
    // Back up: the same alert reopens.
    await post('FP02', [{ minutesAgo: 20, level_m: s.watch_m + 0.02 }]);
    const again = await alertsOf('FP02');
    expect(again.map((a) => a.id)).toEqual([alert!.id]);
    // The worst it has been stays on record.
    expect(again[0]).toMatchObject({ status: 'open', severity: 'watch', peak_severity: 'warning' });
    expect((await changes(alert!.id)).at(-1)).toBe('reopened');
  });

  it('raises a rate-of-rise alert of its own while the level is still below watch', async () => {
    const s = sensor('FP03');
    const start = s.watch_m - 0.45;
    await post(
      'FP03',
      [0, 1, 2, 3, 4].map((k) => ({ minutesAgo: 25 - k * 5, level_m: start + k * 0.09 })),
    );
    expect(await alertsOf('FP03')).toHaveLength(0);
    const [rise] = await alertsOf('FP03', 'rise');
    expect(rise).toMatchObject({ severity: 'warning', status: 'open' });
    const acknowledged = await expectBody(disaster.api.alerts[':id'].acknowledge.$post({ param: param(rise!.id), json: { note: 'ทีมไปดูบ่อพัก' } }));
    expect(acknowledged.alert).toMatchObject({ status: 'acknowledged', acknowledged_by: expect.any(String) });
  });

  it('escalates an unacknowledged alert to the next contact at its deadline, and not an acknowledged one', async () => {
    const [red] = await alertsOf('FP01');
    const [rise] = await alertsOf('FP03', 'rise');
    const deadline = Date.parse((await detail(red!.id)).alert.next_escalation_at as string);
    let sweep = await moveClock(Math.floor((deadline - now.getTime()) / 1000) - 5);
    expect(sweep.escalated).not.toContain(red!.id);
    sweep = await moveClock(10);
    expect(sweep.escalated).toContain(red!.id);
    expect(sweep.escalated).not.toContain(rise!.id);
    const escalated = await detail(red!.id);
    expect(escalated.alert).toMatchObject({ escalation_step: 1, notified: 'Section head' });
    expect(escalated.timeline.at(-1)).toMatchObject({ change: 'escalated', contact_name: 'Section head' });

    // The second contact is on LINE: a push message with the text and an acknowledge button.
    const linePush = () =>
      deliveries('/line/v2/bot/message/push').find((r) => r.body.includes(`action=acknowledge&alert=${red!.id}"`) && r.body.includes(LINE_USER));
    await expect.poll(linePush, { timeout: 10_000 }).toBeDefined();
    const push = linePush() as Received;
    expect(push.method).toBe('POST');
    expect(push.headers.authorization).toBe(`Bearer ${LINE_TOKEN}`);
    expect(push.headers['content-type']).toMatch(/^application\/json/);
    expect(push.headers['x-line-retry-key']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const message = JSON.parse(push.body) as {
      to: string;
      messages: {
        type: string;
        text?: string;
        altText?: string;
        template?: { type: string; text: string; actions: { type: string; data?: string; uri?: string }[] };
      }[];
    };
    expect(message.to).toBe(LINE_USER);
    expect(message.messages.length).toBeLessThanOrEqual(5);
    expect(message.messages[0]).toMatchObject({ type: 'text', text: expect.stringContaining('FP01') });
    expect(message.messages[0]?.text).toMatch(/แดง/);
    const template = message.messages[1]?.template;
    expect(template?.type).toBe('buttons');
    expect(template?.text.length).toBeLessThanOrEqual(160);
    expect(template?.actions).toContainEqual(expect.objectContaining({ type: 'postback', data: `action=acknowledge&alert=${red!.id}` }));

    // The acknowledged rate-of-rise alert told its first contact and no one else.
    expect(await changes(rise!.id)).not.toContain('escalated');
  });

  it('sends red through quiet hours and holds orange until they end', async () => {
    const s = sensor('FP05');
    await post(
      'FP05',
      [-0.1, 0, 0.1, 0.2, 0.35].map((above, k) => ({ minutesAgo: 60 - k * 15, level_m: s.watch_m + above })),
    );
    const [orange] = await alertsOf('FP05');
    expect(orange?.severity).toBe('warning');
    const [red] = await alertsOf('FP01');
    await moveClock(601);
    await moveClock(901);
    const redDetail = await detail(red!.id);
    expect(redDetail.alert.escalation_step).toBe(2);
    await expect.poll(async () => (await detail(red!.id)).notifications.find((n) => n.contact === 'Clerk')?.status, { timeout: 10_000 }).toBe('sent');
    const held = (await detail(orange!.id)).notifications.find((n) => n.contact === 'Clerk');
    expect(held).toMatchObject({ status: 'pending', severity: 'warning' });
    expect(new Date(held!.due_at).getTime()).toBeGreaterThan(now.getTime() + 3 * 3600_000);
    expect(deliveries('/third').some((r) => r.body.includes('"FP05"'))).toBe(false);
    // Acknowledging drops what was held back.
    await expectBody(disaster.api.alerts[':id'].acknowledge.$post({ param: param(orange!.id), json: {} }));
    expect((await detail(orange!.id)).notifications.find((n) => n.contact === 'Clerk')?.status).toBe('cancelled');
  });

  it('flags a silent sensor offline and clears it when it reports again', async () => {
    await post('FP04', [{ minutesAgo: 1, level_m: 0.2 }]);
    const sweep = await moveClock(1260);
    expect(sweep.offline).toContain(sensor('FP04').id);
    const [offline] = await alertsOf('FP04', 'offline');
    expect(offline).toMatchObject({ status: 'open', severity: 'watch' });
    const mapped = (await expectBody(admin.api.sensors.$get())).features.find((f) => f.properties.code === 'FP04');
    expect(mapped?.properties.offline).toBe(true);
    // Already flagged: the next sweep adds nothing.
    expect((await moveClock(60)).offline).not.toContain(sensor('FP04').id);
    await post('FP04', [{ minutesAgo: 0, level_m: 0.21 }]);
    expect((await alertsOf('FP04', 'offline'))[0]).toMatchObject({ id: offline!.id, status: 'resolved' });
    // The public never sees offline alerts.
    expect((await expectBody(new Client(url()).api.alerts.$get({ query: {} }))).some((a) => a.type === 'offline')).toBe(false);
  });

  it('streams a snapshot, then readings and alerts, as each viewer may see them', async () => {
    const publicStream = await openEventStream(`${url()}/api/live`);
    const staffStream = await openEventStream(`${url()}/api/live`, { cookie: disaster.sessionCookie as string });
    try {
      const snapshot = (await publicStream.next((e) => e.event === 'snapshot')).data as { sensors: Sensor[]; alerts: Alert[] };
      expect(snapshot.sensors).toHaveLength(sensors.size);
      expect(snapshot.alerts.length).toBeGreaterThan(0);
      expect(snapshot.alerts.every((a) => a.view === 'public' && ['warning', 'critical'].includes(a.severity))).toBe(true);
      expect(JSON.stringify(snapshot)).not.toMatch(/acknowledged_by|assignee|notified/);
      await staffStream.next((e) => e.event === 'snapshot');

      const s = sensor('FP06');
      await post('FP06', [{ minutesAgo: 0, level_m: s.critical_m + 0.1 }]);
      const reading = await publicStream.next((e) => e.event === 'sensor' && (e.data as { code: string }).code === 'FP06');
      expect(reading.data).toMatchObject({ band: 'critical', offline: false });
      const opened = await publicStream.next((e) => e.event === 'alert' && (e.data as { alert: Alert }).alert.sensor_code === 'FP06');
      const alert = (opened.data as { change: string; alert: Alert }).alert;
      expect(opened.data).toMatchObject({ change: 'opened', alert: { severity: 'critical', view: 'public' } });

      await expectBody(disaster.api.alerts[':id'].acknowledge.$post({ param: param(alert.id), json: {} }));
      const staffAck = await staffStream.next((e) => e.event === 'alert' && (e.data as { change: string }).change === 'acknowledged');
      expect((staffAck.data as { alert: Alert }).alert).toMatchObject({ id: alert.id, view: 'full', acknowledged_by: expect.any(String) });
      const publicAck = await publicStream.next((e) => e.event === 'alert' && (e.data as { change: string }).change === 'acknowledged');
      expect(JSON.stringify(publicAck.data)).not.toContain('acknowledged_by');

      await expectBody(disaster.api.alerts[':id'].resolve.$post({ param: param(alert.id), json: { note: 'น้ำลดแล้ว' } }));
      await publicStream.next((e) => e.event === 'alert_gone' && (e.data as { id: number }).id === alert.id);
      await staffStream.next((e) => e.event === 'alert' && (e.data as { change: string }).change === 'resolved');
    } finally {
      publicStream.close();
      staffStream.close();
    }
  });

  it('finds the communities, households, parcels and projects an alert reaches, in PostGIS', async () => {
    const [red] = await alertsOf('FP01');
    const affected = (client: Client, id: number, query: { basis?: 'catchment'; radius_m?: string } = {}) =>
      client.api.alerts[':id'].affected.$get({ param: param(id), query });
    const near = await expectBody(affected(admin, red!.id));
    expect(near.basis).toBe('radius');
    expect(near.area_km2).toBeCloseTo(Math.PI * 0.25, 1);
    expect(near.totals.communities).toBeGreaterThan(0);
    expect(near.totals.households).toBeGreaterThan(0);
    expect(near.totals.households).toBe(near.communities.reduce((sum, c) => sum + c.households, 0));
    expect(near.totals.parcels).toBeGreaterThan(0);
    const wide = await expectBody(affected(admin, red!.id, { radius_m: '1500' }));
    expect(wide.area_km2).toBeCloseTo(Math.PI * 2.25, 0);
    expect(wide.totals.households).toBeGreaterThan(near.totals.households);
    expect(wide.totals.parcels).toBeGreaterThan(near.totals.parcels);
    expect(await answer(affected(admin, red!.id, { basis: 'catchment' }))).toMatchObject({ status: 400 });

    // A drainage sump has its catchment drawn: that is the area, unless a radius is asked for.
    const sump = (await expectBody(admin.api.alerts.$get({ query: { state: 'all' } }))).find((a) => a.sensor_code.startsWith('WL') && a.type === 'level');
    const catchment = await expectBody(affected(admin, sump!.id));
    expect(catchment.basis).toBe('catchment');
    expect(catchment.area_km2).toBeGreaterThan(0.3);
    // The public sees the same counts; parcels come as counts, never as owners.
    const publicView = await expectBody(affected(new Client(url()), red!.id));
    expect(publicView.totals).toEqual(near.totals);
    expect(JSON.stringify(publicView)).not.toMatch(/owner|national_id/);
  });

  it('publishes active orange and red warnings as CAP 1.2 with no personal data', async () => {
    const response = await fetch(`${url()}/api/flood/cap`);
    expect(response.headers.get('content-type')).toMatch(/application\/atom\+xml/);
    const feed = await response.text();
    expect(feed).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\s*<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">/);
    const [red] = await alertsOf('FP01');
    const cap = await (await fetch(`${url()}/api/flood/cap/${red!.id}`)).text();
    const one = (tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(cap)?.[1];
    expect(XMLValidator.validate(feed)).toBe(true);
    expect(XMLValidator.validate(cap)).toBe(true);
    expect(cap).toContain('<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">');
    // Every element where the schema's sequences put it, the required ones present.
    const [alertNode] = childrenOf(new XMLParser({ preserveOrder: true }).parse(cap) as Ordered, 'alert') as [Ordered];
    const alertChildren = childNames(alertNode);
    expect(inSchemaOrder(alertChildren, CAP_ALERT_ORDER), alertChildren.join(' ')).toBe(true);
    expect(alertChildren).toEqual(expect.arrayContaining(['identifier', 'sender', 'sent', 'status', 'msgType', 'scope', 'info']));
    for (const infoNode of childrenOf(alertNode, 'info')) {
      const infoChildren = childNames(infoNode);
      expect(inSchemaOrder(infoChildren, CAP_INFO_ORDER), infoChildren.join(' ')).toBe(true);
      expect(infoChildren).toEqual(expect.arrayContaining(['category', 'event', 'urgency', 'severity', 'certainty', 'area']));
      expect(childNames(childrenOf(infoNode, 'area')[0] as Ordered)[0]).toBe('areaDesc');
    }
    expect(one('status')).toBe('Actual');
    expect(one('scope')).toBe('Public');
    expect(one('msgType')).toBe('Update'); // opened, then raised twice: the third version
    expect(one('identifier')).toMatch(new RegExp(`\\.flood\\.${red!.id}\\.3$`));
    expect(one('references')).toMatch(new RegExp(`\\.flood\\.${red!.id}\\.2,`));
    expect(one('sent')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$/);
    expect(cap.match(/<info>/g)).toHaveLength(2);
    expect(cap).toContain('<language>th-TH</language>');
    expect(cap).toContain('<language>en-US</language>');
    expect(cap.match(/<severity>Severe<\/severity>/g)).toHaveLength(2);
    expect(cap.match(/<urgency>Immediate<\/urgency>/g)).toHaveLength(2);
    expect(one('certainty')).toBe('Observed');
    const polygon = one('polygon') as string;
    const points = polygon.split(' ');
    expect(points.length).toBeGreaterThanOrEqual(4);
    expect(points[0]).toBe(points.at(-1));
    const [lat, lon] = (points[0] as string).split(',').map(Number);
    expect(lat).toBeGreaterThan(16.3);
    expect(lon).toBeGreaterThan(102.7);
    expect(feed).toContain(`/api/flood/cap/${red!.id}`);
    for (const text of [feed, cap]) {
      for (const secret of ['Duty desk', 'Section head', 'Clerk', 'ทีมไปดูบ่อพัก', LINE_USER]) expect(text).not.toContain(secret);
    }
    // Yellow is not a public warning.
    const [yellow] = await alertsOf('FP02');
    expect((await fetch(`${url()}/api/flood/cap/${yellow!.id}`)).status).toBe(404);
  });

  it('refuses what people and devices may not do, saying why', async () => {
    const [red] = await alertsOf('FP01');
    const executive = await Client.signIn(url(), 'executive');
    expect(await answer(executive.api.alerts[':id'].acknowledge.$post({ param: param(red!.id), json: {} }))).toMatchObject({ status: 403 });
    expect(await answer(new Client(url()).api.alerts[':id'].acknowledge.$post({ param: param(red!.id), json: {} }))).toMatchObject({ status: 401 });
    const close = await expectBody(disaster.api.alerts[':id'].close.$post({ param: param(red!.id), json: {} }), 409);
    expect(close.error).toMatch(/resolve it first/);
    expect(await answer(disaster.api.alerts[':id'].acknowledge.$post({ param: param(999999), json: {} }))).toMatchObject({ status: 404 });
    const empty = await answer(disaster.api.alerts[':id'].notes.$post({ param: param(red!.id), json: { note: ' ' } }));
    expect(empty).toMatchObject({ status: 400, body: { field: 'note' } });
    const badAssignee = await answer(disaster.api.alerts[':id'].assign.$post({ param: param(red!.id), json: { assignee: 'nobody' } }));
    expect(badAssignee).toMatchObject({ status: 400, body: { field: 'assignee' } });
    const future = await answer(
      Client.device(url(), keys.get('FP07') as string).api.readings.$post({
        json: { readings: [{ sensor: 'FP07', time: new Date(now.getTime() + 3600_000).toISOString(), level_m: 5 }] },
      }),
    );
    expect(future).toMatchObject({ status: 400, body: { field: 'readings.0.time' } });
    expect(await alertsOf('FP07')).toHaveLength(0);
    const badContact = await answer(admin.api.flood.contacts.$post({ json: { name: 'x', position: 'y', channel: 'line', address: 'not-a-line-id' } }));
    expect(badContact).toMatchObject({ status: 400, body: { field: 'address' } });
    const badChain = await answer(
      admin.api.flood.chains[':zone'].$put({ param: { zone: 'city' }, json: { steps: [{ contact_id: 99999, ack_within_s: 600 }] } }),
    );
    expect(badChain).toMatchObject({ status: 400, body: { field: 'steps.0.contact_id' } });
    expect(await answer(executive.api.flood.contacts.$get())).toMatchObject({ status: 403 });
  });

  it('lets disaster staff assign, note, resolve and close, each on the timeline and in the audit trail', async () => {
    const [red] = await alertsOf('FP01');
    await expectBody(disaster.api.alerts[':id'].assign.$post({ param: param(red!.id), json: { assignee: 'engineer' } }));
    await expectBody(disaster.api.alerts[':id'].notes.$post({ param: param(red!.id), json: { note: 'ส่งรถสูบน้ำ 2 คัน' } }));
    await expectBody(disaster.api.alerts[':id'].acknowledge.$post({ param: param(red!.id), json: {} }));
    await expectBody(disaster.api.alerts[':id'].resolve.$post({ param: param(red!.id), json: {} }));
    await expectBody(disaster.api.alerts[':id'].close.$post({ param: param(red!.id), json: { note: 'ปิดเหตุ' } }));
    const closed = await detail(red!.id);
    expect(closed.alert).toMatchObject({ status: 'closed', assignee_name: expect.any(String) });
    expect(closed.timeline.map((e) => e.change).slice(-5)).toEqual(['assigned', 'noted', 'acknowledged', 'resolved', 'closed']);
    expect(closed.timeline.find((e) => e.change === 'noted')?.note).toBe('ส่งรถสูบน้ำ 2 คัน');
    const audit = await expectBody(admin.api.audit.$get({ query: { entity: 'flood_alert', entity_id: String(red!.id) } }));
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['assign', 'note', 'acknowledge', 'resolve', 'close']));
    // Closed is closed: the next crossing is a new alert.
    const s = sensor('FP01');
    await post('FP01', [{ minutesAgo: 3, level_m: 0.2 }]);
    await post('FP01', [{ minutesAgo: 1, level_m: s.critical_m + 0.1 }]);
    const after = await alertsOf('FP01');
    expect(after).toHaveLength(2);
    expect(after.find((a) => a.id !== red!.id)).toMatchObject({ status: 'open', severity: 'critical' });
  });

  it('takes an acknowledgement from the LINE button, from a LINE user linked to an account that may give it', async () => {
    const open = (await alertsOf('FP01')).find((a) => a.status === 'open') as Alert;
    const lineCall = (events: object[], secret = LINE_SECRET) => {
      const body = JSON.stringify({ destination: 'Uxxxxxxxx', events });
      const signature = createHmac('sha256', secret).update(body).digest('base64');
      return fetch(`${url()}/api/flood/line/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-line-signature': signature }, body });
    };
    const press = (userId: string) => ({
      type: 'postback',
      replyToken: 'r',
      source: { type: 'user', userId },
      postback: { data: `action=acknowledge&alert=${open.id}` },
    });
    expect((await lineCall([press(LINE_USER)], 'forged-secret')).status).toBe(401);
    const stranger = (await (await lineCall([press(`U${'cd'.repeat(16)}`)])).json()) as { outcomes: { acknowledged: boolean }[] };
    expect(stranger.outcomes).toEqual([expect.objectContaining({ acknowledged: false })]);
    expect((await detail(open.id)).alert.status).toBe('open');

    const pressed = (await (await lineCall([press(LINE_USER)])).json()) as { outcomes: { acknowledged: boolean }[] };
    expect(pressed.outcomes).toEqual([{ alert: open.id, acknowledged: true }]);
    const after = await detail(open.id);
    expect(after.alert).toMatchObject({ status: 'acknowledged', acknowledged_by: expect.any(String) });
    expect(after.timeline.at(-1)).toMatchObject({ change: 'acknowledged', note: 'รับทราบผ่าน LINE' });
  });

  describe('hardening', () => {
    type Contacts = Answered<Api['flood']['contacts']['$get']>;
    const contactsOf = (client: Client) => expectBody(client.api.flood.contacts.$get());
    const chain = (client: Client, zone: string, steps: { contact_id: number; ack_within_s: number }[]) =>
      client.api.flood.chains[':zone'].$put({ param: { zone }, json: { steps } });
    const changeContact = (client: Client, id: number, json: Parameters<Api['flood']['contacts'][':id']['$patch']>[0]['json']) =>
      client.api.flood.contacts[':id'].$patch({ param: param(id), json });
    const deviceKey = async (code: string) => {
      if (!keys.has(code)) keys.set(code, (await expectBody(admin.api.devices.$post({ json: { kind: 'sensor', code } }), 201)).key);
      return keys.get(code) as string;
    };
    const sendReadings = async (code: string, readings: { time: string; level_m: number }[]) =>
      answer(Client.device(url(), await deviceKey(code)).api.readings.$post({ json: { readings: readings.map((r) => ({ sensor: code, ...r })) } }));
    /** Sumps no other test uses, at a normal level (silent since seeding, so flagged offline): one per test. */
    const quietSump = (nth: number) => [...sensors.values()].filter((s) => s.code.startsWith('WL') && s.level === 'normal')[nth] as Sensor;
    const stepsOf = (chain: Contacts['chains'][number] | undefined) =>
      (chain?.steps ?? []).map(({ contact_id, ack_within_s }) => ({ contact_id, ack_within_s }));
    const at = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * 60_000).toISOString();

    it("lets zone-scoped disaster staff change only their own zone's chain and contacts no other zone uses", async () => {
      const password = 'Flood-desk-zone-1-2569';
      const made = await answer(
        admin.api.users.$post({ json: { username: 'disaster-z1', password, display_name: 'Zone 1 desk', role: 'disaster', zones: [1] } }),
      );
      expect([201, 409]).toContain(made.status);
      const zoneOne = await Client.signIn(url(), 'disaster-z1', password);
      const before = await contactsOf(admin);
      const cityStep = before.chains.find((k) => k.zone_id === null)?.steps[0];
      const cityContact = before.contacts.find((k) => k.id === cityStep?.contact_id) as Contacts['contacts'][number];
      const ownContact = await expectBody(
        zoneOne.api.flood.contacts.$post({
          json: { name: 'Zone 1 pump crew', position: 'ทีมสูบน้ำ เขต 1', channel: 'webhook', address: `${receiver.url}/zone1` },
        }),
        201,
      );
      const steps = [{ contact_id: ownContact.id, ack_within_s: 600 }];

      // The city's chain reaches every zone, zone 2's is another zone's; a contact the city uses is not theirs either.
      expect(await answer(chain(zoneOne, 'city', steps))).toMatchObject({ status: 403 });
      expect(await answer(chain(zoneOne, '2', steps))).toMatchObject({ status: 403 });
      expect(await answer(changeContact(zoneOne, cityContact.id, { address: `${receiver.url}/hijacked` }))).toMatchObject({ status: 403 });
      // Nor can they pull another zone's people into their own chain.
      const pulled = await answer(chain(zoneOne, '1', [{ contact_id: cityContact.id, ack_within_s: 600 }]));
      expect(pulled).toMatchObject({ status: 400, body: { field: 'steps.0.contact_id' } });
      const unchanged = await contactsOf(admin);
      expect(unchanged.chains).toEqual(before.chains);
      expect(unchanged.contacts.find((k) => k.id === cityContact.id)).toEqual(cityContact);

      // Their own zone: yes. They see their chain and the contacts only it uses, nothing else.
      const own = await expectBody(chain(zoneOne, '1', steps));
      expect(own).toEqual([{ zone_id: 1, steps: [expect.objectContaining({ contact_id: ownContact.id })] }]);
      const seen = await contactsOf(zoneOne);
      expect(seen.chains.map((k) => k.zone_id)).toEqual([1]);
      expect(seen.contacts.map((k) => k.id)).toContain(ownContact.id);
      expect(seen.contacts.map((k) => k.id)).not.toContain(cityContact.id);
      expect(seen.contacts.every((k) => k.chain_zones.every((z) => z === 1))).toBe(true);
      expect(seen.contacts.find((k) => k.id === ownContact.id)?.chain_zones).toEqual([1]);
      await expectBody(changeContact(zoneOne, ownContact.id, { position: 'ทีมสูบน้ำ' }));

      // Staff of every zone may change the city's and every zone's chain.
      await expectBody(chain(disaster, 'city', stepsOf(before.chains.find((k) => k.zone_id === null))));
      await expectBody(chain(disaster, '1', stepsOf(before.chains.find((k) => k.zone_id === 1))));
      expect((await contactsOf(admin)).chains).toEqual(before.chains);
    });

    it('refuses webhooks to loopback, private and metadata addresses, at creation and when sending', async () => {
      const refused = [
        'http://127.0.0.1:1/internal-admin',
        'http://169.254.169.254/latest/meta-data/',
        'http://[::ffff:127.0.0.1]:8080/',
        'http://10.1.2.3/hook',
        'ftp://example.org/hook',
        'file:///etc/passwd',
      ];
      for (const address of refused) {
        const made = await answer(admin.api.flood.contacts.$post({ json: { name: 'Internal', position: 'x', channel: 'webhook', address } }));
        expect(made, address).toMatchObject({ status: 400, body: { field: 'address' } });
      }
      const { contacts } = await contactsOf(admin);
      const first = contacts.find((k) => k.name === 'Duty desk') as Contacts['contacts'][number];
      const moved = await answer(changeContact(admin, first.id, { address: 'http://169.254.169.254/' }));
      expect(moved).toMatchObject({ status: 400, body: { field: 'address' } });
      expect((await contactsOf(admin)).contacts.find((k) => k.id === first.id)?.address).toBe(first.address);

      // A name is checked when it is resolved: one that resolves to loopback is refused at sending,
      // and the alert's notifications say why. The receiver never hears of it.
      const port = new URL(receiver.url).port;
      const sneaky = await expectBody(
        admin.api.flood.contacts.$post({ json: { name: 'Sneaky', position: 'x', channel: 'webhook', address: `http://localhost:${port}/ssrf` } }),
        201,
      );
      const sump = quietSump(0);
      const zoneChain = stepsOf((await contactsOf(admin)).chains.find((k) => k.zone_id === sump.zone_id));
      try {
        await expectBody(chain(admin, String(sump.zone_id), [{ contact_id: sneaky.id, ack_within_s: 600 }]));
        expect((await sendReadings(sump.code, [{ time: at(0), level_m: sump.critical_m + 0.1 }])).status).toBe(200);
        const [red] = await alertsOf(sump.code);
        await expect.poll(async () => (await detail(red!.id)).notifications.find((n) => n.contact === 'Sneaky')?.status, { timeout: 10_000 }).toBe('failed');
        const told = (await detail(red!.id)).notifications.find((n) => n.contact === 'Sneaky') as Notification & { error: string };
        expect(told.error).toMatch(/refused destination: .*127\.0\.0\.1.*loopback/);
        expect(deliveries('/ssrf')).toHaveLength(0);
      } finally {
        await chain(admin, String(sump.zone_id), zoneChain);
      }
    });

    it('sends the public no alert_gone for alerts it never saw (yellow, offline)', async () => {
      const sump = quietSump(1);
      const stream = await openEventStream(`${url()}/api/live?view=public`);
      try {
        await stream.next((e) => e.event === 'snapshot');
        // Back from offline (a yellow offline alert resolves), up to yellow, back down (it resolves).
        await sendReadings(sump.code, [{ time: at(3), level_m: sump.watch_m - 0.2 }]);
        await sendReadings(sump.code, [{ time: at(2), level_m: sump.watch_m + 0.01 }]);
        await sendReadings(sump.code, [{ time: at(1), level_m: sump.watch_m - 0.2 }]);
        await stream.next((e) => e.event === 'sensor' && (e.data as { recorded_at: string }).recorded_at === at(1));
        const ids = (await expectBody(admin.api.alerts.$get({ query: { state: 'all', sensor: sump.code } }))).map((a) => a.id);
        expect(ids.length).toBeGreaterThanOrEqual(2);
        const heard = stream.events.filter(
          (e) => e.event.startsWith('alert') && ids.includes((e.data as { id?: number; alert?: Alert }).id ?? (e.data as { alert: Alert }).alert.id),
        );
        expect(heard).toEqual([]);
      } finally {
        stream.close();
      }
    });

    it('decides the same in one batch as reading by reading, and takes 5,000 flapping readings in seconds', async () => {
      // Two quiet sumps get the same levels relative to their own lines, one in a batch, one a reading at a time.
      const [batched, single] = [quietSump(2), quietSump(3)];
      const relative = Array.from({ length: 24 }, (_, i) => [-0.5, 0.02, 0.25, -0.02, 0.5, 0.4, -0.3, -0.6][i % 8] as number);
      const series = (s: Sensor) => relative.map((r, i) => ({ time: at(48 - i * 2), level_m: s.watch_m + r }));
      expect((await sendReadings(batched.code, series(batched))).status).toBe(200);
      for (const reading of series(single)) expect((await sendReadings(single.code, [reading])).status).toBe(200);
      // (Back from offline, a batch resolves that alert at its newest reading: not compared.)
      const story = async (code: string) =>
        Promise.all(
          ['level', 'rise'].map(async (type) => {
            const alerts = await alertsOf(code, type);
            return Promise.all(
              alerts.map(async (a) => {
                const d = await detail(a.id);
                return {
                  alert: { type: a.type, severity: a.severity, peak: a.peak_severity, status: a.status, step: a.escalation_step },
                  timeline: d.timeline.map((e) => [e.change, e.severity, e.contact_name]),
                  // Whether one was cancelled depends on whether it was sent before the alert resolved: not compared.
                  notifications: d.notifications.map((n) => [n.contact, n.reason, n.severity]),
                };
              }),
            );
          }),
        );
      const told = await story(batched.code);
      expect(told.flat().length).toBe(2);
      expect(told).toEqual(await story(single.code));

      // The worst case: every reading crosses every line, up and down (two alert changes a reading).
      const flapping = quietSump(4);
      const readings = Array.from({ length: 5000 }, (_, i) => ({
        time: new Date(now.getTime() - (5000 - i) * 1000).toISOString(),
        level_m: flapping.watch_m + (i % 2 ? 0.5 : -0.5),
      }));
      const began = performance.now();
      const response = await sendReadings(flapping.code, readings);
      const seconds = (performance.now() - began) / 1000;
      expect(response).toMatchObject({ status: 200, body: { inserted: 5000 } });
      // Alert changes written one by one took 37-47 s on PostGIS and over 300 s embedded; now 1-3 s and 2-12 s.
      expect(seconds).toBeLessThan(target.engine === 'postgis' ? 10 : 30);
      const [level] = await alertsOf(flapping.code);
      expect((await detail(level!.id)).timeline.length).toBeGreaterThanOrEqual(4999);
    }, 180_000);

    it('refuses a batch with a reading older than the horizon, writing none of it', async () => {
      const recent = { time: at(2), level_m: 0.12 };
      const old = await sendReadings('FP08', [recent, { time: '2000-01-15T00:00:00Z', level_m: 0.1 }]);
      expect(old).toMatchObject({ status: 400, body: { field: 'readings.1.time' } });
      expect(old.body).toMatchObject({ error: expect.stringMatching(/must be between \d{4}-/) });
      const lastYear = await sendReadings('FP08', [{ time: new Date(now.getTime() - 400 * 86_400_000).toISOString(), level_m: 0.1 }, recent]);
      expect(lastYear).toMatchObject({ status: 400, body: { field: 'readings.0.time' } });
      // Nothing of either batch was stored: the recent reading is new now.
      expect((await sendReadings('FP08', [recent])).body).toMatchObject({ inserted: 1 });
    });
  });
});
