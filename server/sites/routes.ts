import { describePhoto } from './photos/meta.ts';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { recordAudit } from '../audit/queries.ts';
import { actorOf, requireViewer } from '../auth/middleware.ts';
import {
  canCloseDefect,
  canCloseSomeDefects,
  canEditSitePlan,
  canEditSomeSitePlans,
  canRecordInspection,
  canRecordSomeInspections,
  canReviewStep,
  inScope,
  REVIEWER_ROLES,
  zoneScope,
} from '../auth/policy.ts';
import { bangkokDate } from '../clock.ts';
import type { Queryable } from '../db/index.ts';
import type { Env } from '../env.ts';
import { apiError, badRequest } from '../http/errors.ts';
import { integer, validate } from '../http/validate.ts';
import { clientId, inspectionBody, requestHash } from './inspectionBody.ts';
import * as q from './queries.ts';

const siteParam = z.object({ id: integer(1, 2 ** 31 - 1) });
const uuidParam = z.object({ id: clientId });

const planBody = z
  .object({
    points: z
      .array(z.object({ on_date: z.iso.date(), planned_pct: z.number().min(0).max(100) }).strict())
      .min(1)
      .max(500)
      .superRefine((points, ctx) => {
        // A curve is read between its points in date order, and progress only grows.
        for (let i = 1; i < points.length; i++) {
          const [before, point] = [points[i - 1]!, points[i]!];
          if (point.on_date <= before.on_date) ctx.addIssue({ code: 'custom', path: [i, 'on_date'], message: 'dates must increase from point to point' });
          else if (point.planned_pct < before.planned_pct) ctx.addIssue({ code: 'custom', path: [i, 'planned_pct'], message: 'must not decrease' });
        }
      }),
  })
  .strict();

const reviewBody = z
  .object({ decision: z.enum(['approve', 'return']), note: z.string().trim().max(2000).default('') })
  .strict()
  // A returned inspection goes back to its author, who needs to know what to change.
  .refine((r) => r.decision === 'approve' || r.note !== '', { path: ['note'], message: 'required when returning an inspection' });

const defectChange = z.object({ status: z.literal('closed') }).strict();

const rulesOf = (c: Context<Env>): q.SiteRules => ({
  // Today in Khon Kaen, by the server's clock (a drill may have moved it).
  today: bangkokDate(c.var.clock.now()),
  latePoints: c.var.settings.sites.latePoints,
  staleDays: c.var.settings.sites.staleDays,
});

/** How far ahead of the server's clock a phone's may run. */
const CLOCK_SKEW_MS = 5 * 60_000;

const notFound = (id: number | string, what = 'site') => apiError(404, `no ${what} ${id}`);

async function inspectionFor(db: Queryable, c: Context<Env>, id: string, zoneId: number | null): Promise<q.Inspection> {
  const found = await q.inspection(db, id);
  if (!found) throw notFound(id, 'inspection');
  return { ...found, photos: found.photos.map((p) => describePhoto(c.var.viewer, zoneId, c.var.settings.photos.farMetres, p)) };
}

/** An inspection as the audit trail keeps it: what was recorded and where it stands. */
const snapshot = (i: q.Inspection | undefined) =>
  i && {
    visited_at: i.visited_at,
    progress_pct: i.progress_pct,
    notes: i.notes,
    work_done: i.work_done,
    weather: i.weather,
    status: i.status,
    review_step: i.review_step,
    defects: i.defects.map(({ id, description, severity, assignee, due_on, status }) => ({ id, description, severity, assignee, due_on, status })),
  };

/** One site with its curve and its inspections (history), if the viewer may see it. */
async function siteDetail(db: Queryable, c: Context<Env>, id: number) {
  const rules = rulesOf(c);
  const summary = await q.site(db, rules, zoneScope(c.var.viewer), id);
  // Outside the viewer's zones a site is as absent as one that does not exist.
  if (!summary) throw notFound(id);
  const [plan, inspections] = await Promise.all([q.planPoints(db, id), q.inspections(db, id)]);
  return {
    ...summary,
    /** The day planned_pct and lateness are for (Asia/Bangkok). */
    today: rules.today,
    plan,
    inspections: inspections.map((i) => ({
      ...i,
      photos: i.photos.map((p) => describePhoto(c.var.viewer, summary.zone_id, c.var.settings.photos.farMetres, p)),
    })),
  };
}

/** The Open Contracting for Infrastructure Data Standard's project, as far as a site knows it. */
function oc4ids(site: q.SiteSummary, budget: number, plan: q.PlanPoint[], observations: { id: string; visited_at: string; progress_pct: number }[]) {
  const percent = { name: 'percent', scheme: 'UNCEFACT', id: 'P1' };
  const authority = { id: 'TH-LAO-KKMUNI', name: 'เทศบาลนครขอนแก่น (Khon Kaen City Municipality)' };
  const supplier = { id: `supplier-${site.contract_no}`, name: site.contractor };
  return {
    id: site.code,
    title: site.name_th,
    description: site.name_en,
    status: site.completed_on ? 'completion' : 'implementation',
    period: { startDate: site.contract_start, endDate: site.contract_end },
    budget: { amount: { amount: budget, currency: 'THB' } },
    parties: [
      { ...authority, roles: ['publicAuthority'] },
      { ...supplier, roles: ['supplier'] },
    ],
    publicAuthority: authority,
    contractingProcesses: [
      {
        id: site.contract_no,
        summary: {
          title: site.name_th,
          status: site.completed_on ? 'closed' : 'implementation',
          suppliers: [supplier],
          contractValue: { amount: site.contract_value, currency: 'THB' },
          contractPeriod: { startDate: site.contract_start, endDate: site.contract_end },
        },
      },
    ],
    // Physical progress as inspected and approved: cumulative, from the contract's start to the visit.
    metrics: [
      {
        id: 'physical-progress',
        title: 'Physical progress (approved inspections)',
        observations: observations.map((o) => ({
          id: o.id,
          period: { startDate: site.contract_start, endDate: o.visited_at },
          measure: o.progress_pct,
          unit: percent,
        })),
      },
    ],
    // The planned curve, point by point.
    forecasts: [
      {
        id: 'planned-progress',
        title: 'Planned physical progress',
        observations: plan.map((p) => ({
          id: `planned-${p.on_date}`,
          period: { startDate: site.contract_start, endDate: p.on_date },
          measure: p.planned_pct,
          unit: percent,
        })),
      },
    ],
  };
}

export const siteRoutes = new Hono<Env>()
  // Sites in the viewer's zones, what needs attention first; `format=geojson` for maps.
  .get('/sites', validate('query', z.object({ format: z.enum(['json', 'geojson']).default('json') })), async (c) => {
    const rules = rulesOf(c);
    const zones = zoneScope(c.var.viewer);
    if (c.req.valid('query').format === 'geojson') return c.json(await q.sitesGeoJson(c.var.reads, rules, zones));
    return c.json({ today: rules.today, sites: await q.sites(c.var.reads, rules, zones) });
  })

  // The plan evaluation's view of the works: sites, late sites and average delay per zone.
  .get('/sites/summary', validate('query', z.object({ by: z.enum(['zone']).default('zone') })), async (c) => {
    const rules = rulesOf(c);
    return c.json({ by: c.req.valid('query').by, today: rules.today, rows: await q.summaryByZone(c.var.reads, rules, zoneScope(c.var.viewer)) });
  })

  .get('/sites/:id', validate('param', siteParam), async (c) => c.json(await siteDetail(c.var.db, c, c.req.valid('param').id)))

  .get('/sites/:id/oc4ids', validate('param', siteParam), async (c) => {
    const { id } = c.req.valid('param');
    const site = await q.site(c.var.db, rulesOf(c), zoneScope(c.var.viewer), id);
    if (!site) throw notFound(id);
    const [plan, facts] = await Promise.all([q.planPoints(c.var.db, id), q.oc4idsFacts(c.var.db, id)]);
    if (!facts) throw notFound(id);
    return c.json(oc4ids(site, facts.budget, plan, facts.observations));
  })

  .put(
    '/sites/:id/plan',
    requireViewer(canEditSomeSitePlans, 'your role does not edit planned curves'),
    validate('param', siteParam),
    validate('json', planBody),
    async (c) => {
      const { id } = c.req.valid('param');
      const { points } = c.req.valid('json');
      const viewer = c.var.viewer;
      await c.var.db.transaction(async (tx) => {
        const site = await q.lockSite(tx, id);
        if (!site || !inScope(viewer, site.zone_id)) throw notFound(id);
        if (!canEditSitePlan(viewer, site.zone_id)) throw apiError(403, `site ${id}: your role does not edit its planned curve`);
        const before = await q.planPoints(tx, id);
        await q.replacePlan(tx, id, points);
        await recordAudit(tx, actorOf(c), { action: 'update', entity: 'site_plan', entityId: id, before, after: await q.planPoints(tx, id) });
      });
      return c.json(await siteDetail(c.var.db, c, id));
    },
  )

  // Written with the client's id: the same write again changes nothing, so a lost acknowledgement is harmless.
  .put(
    '/sites/:id/inspections/:client_id',
    requireViewer(canRecordSomeInspections, 'only engineers record inspections'),
    validate('param', z.object({ id: integer(1, 2 ** 31 - 1), client_id: clientId })),
    validate('json', inspectionBody),
    async (c) => {
      const { id: siteId, client_id: id } = c.req.valid('param');
      const values = c.req.valid('json');
      const viewer = c.var.viewer;
      if (viewer.kind !== 'user') throw apiError(401, 'sign in required');
      // The latest visit is the site's progress: one dated ahead by a wrong phone clock would hide every later one.
      if (Date.parse(values.visited_at) > c.var.clock.now().getTime() + CLOCK_SKEW_MS) {
        throw badRequest('visited_at', 'visited_at: must not be in the future');
      }
      const hash = requestHash(values);
      const { created, zoneId } = await c.var.db.transaction(async (tx) => {
        const site = await q.lockSite(tx, siteId);
        if (!site || !inScope(viewer, site.zone_id)) throw notFound(siteId);
        if (!canRecordInspection(viewer, site.zone_id)) throw apiError(403, `site ${siteId}: your role does not record inspections`);
        const existing = await q.lockInspection(tx, id);
        if (existing) {
          if (existing.project_id !== siteId) throw apiError(409, `client_id: inspection ${id} was recorded at another site`, 'client_id');
          if (existing.author_id !== viewer.id) throw apiError(403, `inspection ${id} is another inspector's`);
          if (existing.request_hash === hash) return { created: false, zoneId: site.zone_id };
          if (existing.status !== 'returned') {
            throw apiError(409, `client_id: inspection ${id} is already recorded (${existing.status}); only one returned to you may change`, 'client_id');
          }
        }
        const before = existing ? await inspectionFor(tx, c, id, site.zone_id) : undefined;
        // New or resubmitted, it starts again at the first review step that applies to this contract.
        const first = await q.nextStep(tx, 0, site.contract_value);
        const refused = await q.writeInspection(tx, {
          id,
          projectId: siteId,
          authorId: viewer.id,
          values,
          hash,
          step: first?.step ?? null,
          at: c.var.clock.now(),
          isNew: !existing,
        });
        if (refused) {
          const field = `defects.${refused.foreignDefect}.id`;
          throw apiError(409, `${field}: this defect was recorded with another inspection`, field);
        }
        const after = await inspectionFor(tx, c, id, site.zone_id);
        await recordAudit(tx, actorOf(c), {
          action: existing ? 'resubmit' : 'create',
          entity: 'inspection',
          entityId: id,
          before: snapshot(before),
          after: { ...snapshot(after), project_id: siteId },
        });
        return { created: !existing, zoneId: site.zone_id };
      });
      const inspection = await inspectionFor(c.var.db, c, id, zoneId);
      return created ? c.json({ inspection }, 201) : c.json({ inspection }, 200);
    },
  )

  .post(
    '/inspections/:id/review',
    requireViewer((v) => v.kind === 'user' && REVIEWER_ROLES.includes(v.role), 'only reviewers sign off inspections'),
    validate('param', uuidParam),
    validate('json', reviewBody),
    async (c) => {
      const { id } = c.req.valid('param');
      const { decision, note } = c.req.valid('json');
      const viewer = c.var.viewer;
      if (viewer.kind !== 'user') throw apiError(401, 'sign in required');
      const zoneId = await c.var.db.transaction(async (tx) => {
        const found = await q.lockInspection(tx, id);
        if (!found || !inScope(viewer, found.zone_id)) throw notFound(id, 'inspection');
        if (found.status !== 'submitted' || found.review_step === null) throw apiError(409, `inspection ${id} is ${found.status}: nothing to review`);
        const role = await q.stepRole(tx, found.review_step);
        if (!role || !canReviewStep(viewer, role, found.zone_id)) {
          throw apiError(403, `inspection ${id} awaits review step ${found.review_step} (${role ?? 'no such step'})`);
        }
        const next = decision === 'approve' ? ((await q.nextStep(tx, found.review_step, found.contract_value))?.step ?? null) : null;
        await q.recordReview(tx, { inspectionId: id, step: found.review_step, reviewerId: viewer.id, decision, note, next, at: c.var.clock.now() });
        const after = await q.inspection(tx, id);
        await recordAudit(tx, actorOf(c), {
          action: decision,
          entity: 'inspection',
          entityId: id,
          before: { status: found.status, review_step: found.review_step },
          after: { status: after?.status, review_step: after?.review_step ?? null, step: found.review_step, note },
        });
        return found.zone_id;
      });
      return c.json({ inspection: await inspectionFor(c.var.db, c, id, zoneId) });
    },
  )

  .patch(
    '/defects/:id',
    requireViewer(canCloseSomeDefects, 'your role does not close defects'),
    validate('param', uuidParam),
    validate('json', defectChange),
    async (c) => {
      const { id } = c.req.valid('param');
      const viewer = c.var.viewer;
      const defect = await c.var.db.transaction(async (tx) => {
        const found = await q.lockDefect(tx, id);
        if (!found || !inScope(viewer, found.zone_id)) throw notFound(id, 'defect');
        if (!canCloseDefect(viewer, found.zone_id)) throw apiError(403, `defect ${id}: your role does not close defects`);
        const { zone_id: _zone, project_id: _site, ...before } = found;
        // Closing a closed defect is a resend: nothing changes, nothing is audited again.
        if (before.status === 'closed') return before;
        const after = await q.closeDefect(tx, id, c.var.clock.now());
        await recordAudit(tx, actorOf(c), { action: 'close', entity: 'defect', entityId: id, before, after });
        return after;
      });
      return c.json({ defect });
    },
  );
