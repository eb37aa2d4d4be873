import { Hono } from 'hono';
import { z } from 'zod';
import { recordAudit } from '../audit/queries.ts';
import { actorOf, requireViewer } from '../auth/middleware.ts';
import { canCreateProjects, inScope, projectWritableFields, zoneScope, type ProjectField } from '../auth/policy.ts';
import { requireZone } from '../city/routes.ts';
import type { Queryable } from '../db/index.ts';
import type { Env } from '../env.ts';
import { apiError, badRequest } from '../http/errors.ts';
import { geometry, requireValidGeometry } from '../http/geometry.ts';
import { bbox, integer, validate } from '../http/validate.ts';
import * as plan from './queries/projects.ts';
import { validationReport } from './checks.ts';
import { checkRows, FileRefusal, IMPORT_COLUMNS, MAX_IMPORT_ROWS, readTable } from './import.ts';
import { evaluationCsv, form2Html } from './report.ts';
import { evaluate, GROUPINGS } from './queries/evaluation.ts';
import { STAGES } from './stages.ts';

const projectQuery = z.object({
  fy: integer(2500, 2700).optional(),
  strategy: z.string().max(16).optional(),
  zone: integer(1, 99).optional(),
  stage: z.enum(STAGES).optional(),
  bbox: bbox.optional(),
});

const amount = z.number().min(0).max(1e12);
const projectFields = {
  code: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9-]{1,32}$/, 'letters, digits and "-", at most 32'),
  fiscal_year: z.number().int().min(2500).max(2700),
  strategy_id: z.string().trim().min(1).max(16),
  division_id: z.string().trim().min(1).max(32),
  name_th: z.string().trim().min(1).max(300),
  name_en: z.string().trim().min(1).max(300),
  stage: z.enum(STAGES),
  budget: amount,
  approved_amount: amount.nullable(),
  contract_amount: amount.nullable(),
  disbursed_amount: amount.nullable(),
  as_of: z.iso.date(),
  /** null: a project without a place (it counts under "no place"); in a change, null clears the place. */
  geometry: geometry.nullable(),
};
const { code: _code, ...changeable } = projectFields;
const projectChange = z
  .object(changeable)
  .partial()
  .strict()
  .refine((change) => Object.keys(change).length > 0, 'nothing to change');
const newProject = z.object(projectFields).partial({ approved_amount: true, contract_amount: true, disbursed_amount: true, geometry: true }).strict();
const idParam = z.object({ id: integer(1, 2 ** 31 - 1) });

const evaluationQuery = z.object({
  plan: z.string().max(64).optional(),
  fy: integer(2500, 2700).optional(),
  by: z.enum(GROUPINGS).default('strategy'),
  zone: integer(1, 99).optional(),
});

/** The zones an evaluation covers: the one asked for, within the viewer's scope (none if outside it). */
function evaluatedZones(scope: number[] | null, zone: number | undefined): number[] | null {
  if (zone === undefined) return scope;
  return scope === null || scope.includes(zone) ? [zone] : [];
}
const importBody = z
  .object({
    format: z.enum(['csv', 'xlsx']),
    /** The file, base64-encoded: uploads are JSON like every other write (see csrfProtection). */
    content: z.base64().max(1_000_000),
    filename: z.string().max(200).optional(),
  })
  .strict();

const checksQuery = z.object({ plan: z.string().max(64).optional(), fy: integer(2500, 2700).optional() });

/** The plan asked for, or the development plan; and the fiscal year asked for (within the plan), or its latest with projects. */
async function planAndYear(db: Queryable, planId: string | undefined, fy: number | undefined): Promise<{ plan: string; fy: number }> {
  const chosen = await plan.planYears(db, planId);
  if (!chosen) throw badRequest('plan', `plan: unknown plan "${planId}"`);
  const year = fy ?? chosen.years.at(-1) ?? chosen.first_fy;
  if (year < chosen.first_fy || year > chosen.last_fy) {
    throw badRequest('fy', `fy: plan ${chosen.id} covers fiscal years ${chosen.first_fy}–${chosen.last_fy}`);
  }
  return { plan: chosen.id, fy: year };
}

/** A project's details as the audit trail keeps them: its properties and its geometry. */
const snapshot = (feature: Awaited<ReturnType<typeof plan.project>>) => (feature ? { ...feature.properties, geometry: feature.geometry } : null);

async function checkReferences(db: Queryable, values: plan.ProjectValues): Promise<void> {
  const [field] = await plan.unknownReferences(db, values);
  if (field === 'code') throw badRequest('code', `code: "${values.code}" is already used`);
  if (field)
    throw badRequest(field, `${field}: no such ${field === 'strategy_id' ? 'strategy' : 'division'} "${values[field as 'strategy_id' | 'division_id']}"`);
}

export const planRoutes = new Hono<Env>()
  // The plan's outline, and what an import accepts: the columns, and (in the outline) the strategies and divisions.
  .get('/plan', validate('query', z.object({ plan: z.string().max(64).optional() })), async (c) =>
    c.json({ ...(await plan.outline(c.var.db, c.req.valid('query').plan)), import: { columns: IMPORT_COLUMNS, max_rows: MAX_IMPORT_ROWS } }),
  )

  // Published evaluation: anyone may read it; a zone-scoped user's figures cover their zones.
  // Evaluation reads tolerate a little replication lag: they go to `reads` (a replica, if any).
  .get('/evaluation', validate('query', evaluationQuery), async (c) => {
    const query = c.req.valid('query');
    const { plan: planId, fy } = await planAndYear(c.var.reads, query.plan, query.fy);
    await requireZone(c.var.db, query.zone);
    const filter = { plan: planId, fy, zones: evaluatedZones(zoneScope(c.var.viewer), query.zone) };
    const [rows, [total]] = await Promise.all([evaluate(c.var.reads, query.by, filter), evaluate(c.var.reads, 'plan', filter)]);
    return c.json({ plan: planId, fiscal_year: fy, by: query.by, rows, total: total ?? null });
  })

  .get('/evaluation/export.csv', validate('query', evaluationQuery), async (c) => {
    const query = c.req.valid('query');
    const { plan: planId, fy } = await planAndYear(c.var.reads, query.plan, query.fy);
    await requireZone(c.var.db, query.zone);
    const csv = await evaluationCsv(c.var.reads, planId, fy, query.by, evaluatedZones(zoneScope(c.var.viewer), query.zone));
    return c.body(csv, 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="evaluation-${planId}-${fy}-${query.by}.csv"`,
    });
  })

  .get('/evaluation/form2', validate('query', checksQuery), async (c) => {
    const query = c.req.valid('query');
    const { plan: planId, fy } = await planAndYear(c.var.reads, query.plan, query.fy);
    return c.html(await form2Html(c.var.reads, planId, fy));
  })

  .get('/evaluation/checks', validate('query', checksQuery), async (c) => {
    const query = c.req.valid('query');
    const { plan: planId, fy } = await planAndYear(c.var.reads, query.plan, query.fy);
    return c.json({ plan: planId, fiscal_year: fy, findings: await validationReport(c.var.reads, planId, fy) });
  })

  .get('/projects', validate('query', projectQuery), async (c) => {
    const filter = c.req.valid('query');
    if (filter.strategy !== undefined && !(await plan.strategyExists(c.var.db, filter.strategy))) {
      throw badRequest('strategy', `strategy: unknown strategy "${filter.strategy}"`);
    }
    await requireZone(c.var.db, filter.zone);
    return c.json(await plan.projects(c.var.db, { ...filter, zones: zoneScope(c.var.viewer) }));
  })

  .get('/projects/:id', validate('param', idParam), async (c) => {
    const { id } = c.req.valid('param');
    const feature = await plan.project(c.var.db, id);
    if (!feature) throw apiError(404, `no project ${id}`);
    if (!inScope(c.var.viewer, feature.properties.zone_id)) throw apiError(403, `project ${id} is outside your zones`);
    return c.json(feature);
  })

  .patch(
    '/projects/:id',
    requireViewer((v) => projectWritableFields(v).length > 0, 'your role does not edit projects'),
    validate('param', idParam),
    validate('json', projectChange),
    async (c) => {
      const { id } = c.req.valid('param');
      const change = c.req.valid('json');
      const viewer = c.var.viewer;
      const allowed = projectWritableFields(viewer);
      const refused = (Object.keys(change) as ProjectField[]).find((field) => !allowed.includes(field));
      if (refused) throw apiError(403, `${refused}: your role may not change it`, refused);
      const updated = await c.var.db.transaction(async (tx) => {
        await plan.lockProject(tx, id);
        const before = await plan.project(tx, id);
        if (!before) throw apiError(404, `no project ${id}`);
        if (!inScope(viewer, before.properties.zone_id)) throw apiError(403, `project ${id} is outside your zones`);
        if (change.geometry !== undefined) {
          if (change.geometry) await requireValidGeometry(tx, 'geometry', change.geometry);
          // Clearing the place takes the project out of every zone, so out of a zone-scoped user's too.
          if (!inScope(viewer, await plan.zoneOfGeometry(tx, change.geometry))) {
            throw apiError(403, 'geometry: would move the project outside your zones', 'geometry');
          }
        }
        await checkReferences(tx, change);
        await plan.updateProject(tx, id, change);
        const after = await plan.project(tx, id);
        await recordAudit(tx, actorOf(c), { action: 'update', entity: 'project', entityId: id, before: snapshot(before), after: snapshot(after) });
        return after;
      });
      return c.json(updated);
    },
  )

  // All or nothing: any bad row refuses the whole file, with every problem by row and column.
  .post('/projects/import', requireViewer(canCreateProjects, 'your role does not import projects'), validate('json', importBody), async (c) => {
    const { format, content, filename } = c.req.valid('json');
    const viewer = c.var.viewer;
    let table: string[][];
    try {
      table = await readTable(format, Buffer.from(content, 'base64'));
    } catch (error) {
      if (error instanceof FileRefusal) throw badRequest('content', `content: ${filename ? `${filename}: ` : ''}${error.message}`);
      throw error;
    }
    // Rows are checked before the transaction: a check that fails stays that row's problem.
    const { projects, errors, placeColumn } = await checkRows(c.var.db, table, await plan.references(c.var.db));
    const outcome = errors.length
      ? { ok: false as const, errors }
      : await c.var.db.transaction(async (tx) => {
          const existing = await plan.projectIdsByCode(
            tx,
            projects.map((p) => p.code),
          );
          for (const project of projects) {
            const id = existing.get(project.code);
            const before = id === undefined ? undefined : await plan.project(tx, id);
            // A row without a place leaves an existing project's place as it is (e-Plan exports carry none).
            const zone = project.geometry || !before ? await plan.zoneOfGeometry(tx, project.geometry) : before.properties.zone_id;
            if ((before && !inScope(viewer, before.properties.zone_id)) || !inScope(viewer, zone)) {
              errors.push({ row: project.row, column: placeColumn, message: 'outside your zones' });
            }
          }
          if (errors.length) return { ok: false as const, errors };
          let created = 0;
          for (const { row: _row, ...project } of projects) {
            const existingId = existing.get(project.code);
            const before = existingId === undefined ? undefined : snapshot(await plan.project(tx, existingId));
            if (existingId !== undefined) {
              const { geometry, ...rest } = project;
              await plan.updateProject(tx, existingId, geometry ? project : rest);
            }
            const id = existingId ?? (await plan.insertProject(tx, project));
            if (existingId === undefined) created++;
            await recordAudit(tx, actorOf(c), {
              action: existingId === undefined ? 'create' : 'update',
              entity: 'project',
              entityId: id,
              before,
              after: snapshot(await plan.project(tx, id)),
            });
          }
          await recordAudit(tx, actorOf(c), {
            action: 'import',
            entity: 'project',
            entityId: null,
            after: { filename: filename ?? null, format, rows: projects.length, created, updated: projects.length - created },
          });
          return { ok: true as const, created, updated: projects.length - created, codes: projects.map((p) => p.code) };
        });
    if (!outcome.ok) {
      const [first] = outcome.errors;
      const example = first ? ` (row ${first.row}, ${first.column}: ${first.message})` : '';
      return c.json({ error: `file: ${outcome.errors.length} problem(s); nothing was imported${example}`, field: 'file', errors: outcome.errors }, 400);
    }
    const { ok: _, ...summary } = outcome;
    return c.json(summary);
  })

  .post('/projects', requireViewer(canCreateProjects, 'your role does not create projects'), validate('json', newProject), async (c) => {
    const values = c.req.valid('json');
    const created = await c.var.db.transaction(async (tx) => {
      if (values.geometry) await requireValidGeometry(tx, 'geometry', values.geometry);
      if (!inScope(c.var.viewer, await plan.zoneOfGeometry(tx, values.geometry ?? null))) {
        throw apiError(403, 'geometry: the project would be outside your zones', 'geometry');
      }
      await checkReferences(tx, values);
      const id = await plan.insertProject(tx, { ...values, geometry: values.geometry ?? null });
      const after = await plan.project(tx, id);
      await recordAudit(tx, actorOf(c), { action: 'create', entity: 'project', entityId: id, after: snapshot(after) });
      return after;
    });
    return c.json(created, 201);
  });
