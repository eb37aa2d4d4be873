import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { recordAudit, type Actor } from '../audit/queries.ts';
import { actorOf, requireViewer } from '../auth/middleware.ts';
import { canHandleAlerts, canHandleSomeAlerts, canManageAccess, canSeeFloodContacts, PUBLIC, zoneScope, type Viewer } from '../auth/policy.ts';
import { findAccount } from '../auth/queries.ts';
import { ingestOwnBatch } from '../devices/ingest.ts';
import { requireDevice } from '../devices/middleware.ts';
import type { Env } from '../env.ts';
import { apiError, badRequest } from '../http/errors.ts';
import { instant, refuseFuture } from '../http/time.ts';
import { integer, validate, viewParam } from '../http/validate.ts';
import { ACTION_FROM, actOnAlert, type AlertAction } from './alerts.ts';
import { capAlertXml, capFeedXml, type CapAlert } from './cap.ts';
import { storeReadings } from './engine.ts';
import { acknowledgedAlert, lineSignatureValid } from './notify/channels.ts';
import { alertTimeline, getAlert, listAlerts, lockAlert, publishedRevision } from './queries/alerts.ts';
import { affectedBy } from './queries/area.ts';
import { lineContactAccount } from './queries/contacts.ts';
import { notificationsOf } from './queries/outbox.ts';
import { hydrograph, sensorsWithLatestReading } from './queries/sensors.ts';
import { alertFor, alertsFor } from './views.ts';

const MAX_BATCH = 5000;

const readingBatch = z
  .object({
    readings: z
      .array(
        z
          .object({
            sensor: z.string().min(1).max(16),
            time: instant,
            level_m: z.number().min(-10).max(50),
            rain_mm: z.number().min(0).max(1000).nullable().optional(),
            battery_v: z.number().min(0).max(100).nullable().optional(),
          })
          .strict(),
      )
      .min(1)
      .max(MAX_BATCH),
  })
  .strict();

const RANGES = { '24h': 24 * 3600, '7d': 7 * 24 * 3600 } as const;

const alertId = validate('param', z.object({ id: integer(1, 2 ** 31 - 1) }));
const note = z.string().trim().min(1).max(2000);

const actionBodies = {
  acknowledge: z.object({ note: note.optional() }).strict(),
  resolve: z.object({ note: note.optional() }).strict(),
  close: z.object({ note: note.optional() }).strict(),
  assign: z.object({ assignee: z.string().trim().min(1).max(32).nullable() }).strict(),
  note: z.object({ note }).strict(),
} as const;

const handlersOnly = requireViewer(canHandleSomeAlerts, 'only disaster staff and administrators act on flood alerts');

/** The part of LINE's webhook body this route reads; LINE sends more, and more kinds of event. */
const lineWebhook = z.object({
  events: z
    .array(
      z.object({
        type: z.string(),
        postback: z.object({ data: z.string().max(300) }).optional(),
        source: z.object({ userId: z.string().optional() }).optional(),
      }),
    )
    .max(100),
});

export const floodRoutes = new Hono<Env>()
  .get('/sensors', async (c) => c.json(await sensorsWithLatestReading(c.var.db)))

  .get(
    '/sensors/:code/readings',
    validate('param', z.object({ code: z.string().min(1).max(16) })),
    validate('query', z.object({ range: z.enum(['24h', '7d']).default('24h') })),
    async (c) => {
      const { code } = c.req.valid('param');
      const { range } = c.req.valid('query');
      const [sensor] = (await sensorsWithLatestReading(c.var.db, code)).features;
      if (!sensor) throw apiError(404, `no sensor with code "${code}"`, 'code');
      const to = c.var.clock.now();
      const from = new Date(to.getTime() - RANGES[range] * 1000);
      const series = await hydrograph(c.var.db, sensor.properties.id, from, to, sensor.properties.interval_s);
      return c.json({ sensor: sensor.properties, range, from: from.toISOString(), to: to.toISOString(), ...series });
    },
  )

  // Sensors write here with their own key, and only their own readings; the alert rules run
  // in the same transaction, so a stored reading and the alert it raises stand or fall together.
  .post('/readings', requireDevice('sensor'), validate('json', readingBatch), async (c) => {
    const { readings } = c.req.valid('json');
    const now = c.var.clock.now();
    // Old readings are refused too: each month of them would be a partition of its own.
    refuseFuture(readings, now, 'readings', c.var.settings.flood.readingsHorizonDays * 86_400_000);
    const result = await ingestOwnBatch(
      c.var.db,
      c.var.device,
      { field: 'readings', owner: (r) => r.sensor, items: readings, entity: 'sensor_readings' },
      (tx, sensorId, items) => storeReadings(tx, sensorId, items, now),
    );
    c.var.flood.dispatchSoon();
    return c.json(result);
  })

  .get(
    '/alerts',
    validate(
      'query',
      z.object({
        state: z.enum(['active', 'wall', 'all']).default('wall'),
        sensor: z.string().min(1).max(16).optional(),
        limit: integer(1, 1000).default(200),
        view: viewParam,
      }),
    ),
    async (c) => {
      const { view, ...query } = c.req.valid('query');
      const viewer = view === 'public' ? PUBLIC : c.var.viewer;
      // Only the alerts this viewer may see, filtered in SQL before the limit.
      return c.json(alertsFor(viewer, await listAlerts(c.var.db, { ...query, viewer })));
    },
  )

  .get('/alerts/:id', alertId, async (c) => {
    const { id } = c.req.valid('param');
    const alert = await getAlert(c.var.db, id);
    const visible = alert && alertFor(c.var.viewer, alert);
    if (!alert || !visible) throw apiError(404, `no alert ${id}`);
    if (visible.view === 'public') return c.json({ alert: visible, timeline: [], notifications: [] });
    return c.json({
      alert: visible,
      timeline: await alertTimeline(c.var.db, id),
      notifications: canSeeFloodContacts(c.var.viewer) ? await notificationsOf(c.var.db, id) : [],
    });
  })

  .get(
    '/alerts/:id/affected',
    alertId,
    validate(
      'query',
      z.object({
        basis: z.enum(['auto', 'catchment', 'radius']).default('auto'),
        radius_m: integer(50, 5000).optional(),
      }),
    ),
    async (c) => {
      const { id } = c.req.valid('param');
      const { basis, radius_m } = c.req.valid('query');
      const alert = await getAlert(c.var.db, id);
      if (!alert || !alertFor(c.var.viewer, alert)) throw apiError(404, `no alert ${id}`);
      const affected = await affectedBy(c.var.db, alert.sensor_id, { basis, radius_m: radius_m ?? null, zones: zoneScope(c.var.viewer) });
      if (!affected) throw badRequest('basis', `basis: sensor ${alert.sensor_code} has no drawn catchment; use radius`);
      // The largest part's ring is for CAP; the area itself is already in the answer.
      const { largest_ring: _, ...answer } = affected;
      return c.json(answer);
    },
  )

  .post('/alerts/:id/acknowledge', handlersOnly, alertId, validate('json', actionBodies.acknowledge), async (c) =>
    c.json(await act(c, c.req.valid('param').id, { action: 'acknowledge', ...c.req.valid('json') })),
  )
  .post('/alerts/:id/resolve', handlersOnly, alertId, validate('json', actionBodies.resolve), async (c) =>
    c.json(await act(c, c.req.valid('param').id, { action: 'resolve', ...c.req.valid('json') })),
  )
  .post('/alerts/:id/close', handlersOnly, alertId, validate('json', actionBodies.close), async (c) =>
    c.json(await act(c, c.req.valid('param').id, { action: 'close', ...c.req.valid('json') })),
  )
  .post('/alerts/:id/notes', handlersOnly, alertId, validate('json', actionBodies.note), async (c) =>
    c.json(await act(c, c.req.valid('param').id, { action: 'note', ...c.req.valid('json') })),
  )
  .post('/alerts/:id/assign', handlersOnly, alertId, validate('json', actionBodies.assign), async (c) => {
    const { assignee } = c.req.valid('json');
    let assigneeId: number | null = null;
    if (assignee !== null) {
      const account = await findAccount(c.var.db, assignee);
      if (!account || account.disabled) throw badRequest('assignee', `assignee: no active user "${assignee}"`);
      assigneeId = account.id;
    }
    return c.json(await act(c, c.req.valid('param').id, { action: 'assign', assignee_id: assigneeId }));
  })

  // The public warning: CAP 1.2 messages of the active orange and red alerts, in an Atom feed.
  .get('/flood/cap', async (c) => {
    const caps = await publicCaps(c.var.db, null);
    return c.body(capFeedXml(caps, c.var.settings.cap, c.var.clock.now()), 200, {
      'Content-Type': 'application/atom+xml; charset=utf-8',
      'Cache-Control': 'public, max-age=30',
    });
  })
  .get('/flood/cap/:id', alertId, async (c) => {
    const { id } = c.req.valid('param');
    const [cap] = await publicCaps(c.var.db, id);
    if (!cap) throw apiError(404, `no public warning ${id}`);
    return c.body(`<?xml version="1.0" encoding="UTF-8"?>\n${capAlertXml(cap, c.var.settings.cap)}`, 200, {
      'Content-Type': 'application/cap+xml; charset=utf-8',
      'Cache-Control': 'public, max-age=30',
    });
  })

  // LINE calls this when a contact presses an alert's acknowledge button. The contact must be
  // linked to an account that may handle the alert: LINE says who pressed, the policy decides.
  .post('/flood/line/webhook', async (c) => {
    const secret = c.var.settings.lineChannelSecret;
    if (!secret) throw apiError(404, 'the LINE webhook is off: set LINE_CHANNEL_SECRET');
    const body = await c.req.text();
    if (!lineSignatureValid(secret, body, c.req.header('x-line-signature') ?? '')) {
      throw apiError(401, 'x-line-signature: does not match the body', 'x-line-signature');
    }
    const parsed = lineWebhook.safeParse(
      (() => {
        try {
          return JSON.parse(body) as unknown;
        } catch {
          return null;
        }
      })(),
    );
    if (!parsed.success) throw badRequest('body', 'body: not a LINE webhook');
    const outcomes: { alert: number; acknowledged: boolean; reason?: string }[] = [];
    for (const event of parsed.data.events) {
      const alert = event.type === 'postback' && event.postback ? acknowledgedAlert(event.postback.data) : null;
      if (alert === null || !event.source?.userId) continue;
      const user = await lineContactAccount(c.var.db, event.source.userId);
      if (!user) {
        outcomes.push({ alert, acknowledged: false, reason: 'no active account is linked to this LINE user' });
        continue;
      }
      const viewer: Viewer = { kind: 'user', ...user };
      try {
        await act(c, alert, { action: 'acknowledge', note: 'รับทราบผ่าน LINE' }, viewer, { kind: 'user', id: user.id, name: user.username, ip: 'LINE' });
        outcomes.push({ alert, acknowledged: true });
      } catch (error) {
        outcomes.push({ alert, acknowledged: false, reason: error instanceof HTTPException ? await error.getResponse().text() : 'failed' });
      }
    }
    return c.json({ outcomes });
  })

  // Drills and tests: move a manual clock forward and run what is due. Refused on a real clock.
  .post(
    '/clock',
    requireViewer(canManageAccess, 'only administrators move the clock'),
    validate(
      'json',
      z
        .object({
          advance_s: z
            .number()
            .int()
            .min(0)
            .max(30 * 24 * 3600),
        })
        .strict(),
    ),
    async (c) => {
      const manual = c.var.clock.manual;
      if (!manual) throw apiError(409, 'the server runs on the system clock; start it with MUEANG_CLOCK=manual to move it');
      const now = manual.advance(c.req.valid('json').advance_s);
      return c.json({ now: now.toISOString(), sweep: await c.var.flood.sweep() });
    },
  );

const PAST = { acknowledge: 'acknowledged', resolve: 'resolved', close: 'closed', assign: 'assigned', note: 'noted' } as const;

/** Checks the viewer may act on this alert in its present status, then acts and audits, in one transaction. */
async function act(c: Context<Env>, id: number, action: AlertAction, viewer: Viewer = c.var.viewer, actor: Actor = actorOf(c)) {
  const now = c.var.clock.now();
  const after = await c.var.db.transaction(async (tx) => {
    const before = (await lockAlert(tx, id)) ? await getAlert(tx, id) : undefined;
    if (!before || !alertFor(viewer, before)) throw apiError(404, `no alert ${id}`);
    if (!canHandleAlerts(viewer, before.zone_id)) throw apiError(403, `alert ${id} is outside your zones`);
    if (!ACTION_FROM[action.action].includes(before.status)) {
      const hint = action.action === 'close' ? ' (resolve it first)' : '';
      throw apiError(409, `alert ${id} is ${before.status}: it cannot be ${PAST[action.action]} now${hint}`);
    }
    await actOnAlert(tx, id, action, viewer.kind === 'user' ? viewer.id : 0, now);
    const changed = await getAlert(tx, id);
    await recordAudit(tx, actor, { action: action.action, entity: 'flood_alert', entityId: id, before, after: changed });
    return changed;
  });
  return { alert: after && alertFor(viewer, after), timeline: await alertTimeline(c.var.db, id) };
}

/** The active warnings as the public may see them, each with its area and published revision. */
async function publicCaps(db: Env['Variables']['db'], id: number | null): Promise<CapAlert[]> {
  // One warning per place: where the water is both high and rising fast, the worse alert speaks
  // (the wall's order puts it first).
  const seen = new Set<number>();
  const alerts = (await listAlerts(db, { state: 'active', viewer: PUBLIC, limit: 1000 }))
    .filter((a) => !seen.has(a.sensor_id) && seen.add(a.sensor_id))
    .filter((a) => id === null || a.id === id);
  return Promise.all(
    alerts.map(async (alert) => {
      return {
        alert,
        affected: await affectedBy(db, alert.sensor_id, { basis: 'auto', radius_m: null, zones: null }),
        revision: await publishedRevision(db, alert.id),
      };
    }),
  );
}
