import { Hono } from 'hono';
import { z } from 'zod';
import { requireZone } from '../city/routes.ts';
import type { Env } from '../env.ts';
import { badRequest } from '../http/errors.ts';
import { bbox, integer, validate } from '../http/validate.ts';
import * as plan from './queries.ts';
import { STAGES } from './stages.ts';

const projectQuery = z.object({
  fy: integer(2500, 2700).optional(),
  strategy: z.string().max(16).optional(),
  zone: integer(1, 99).optional(),
  stage: z.enum(STAGES).optional(),
  bbox: bbox.optional(),
});

export const planRoutes = new Hono<Env>()
  .get('/plan', async (c) => c.json(await plan.outline(c.var.db)))
  .get('/projects', validate('query', projectQuery), async (c) => {
    const filter = c.req.valid('query');
    if (filter.strategy !== undefined && !(await plan.strategyExists(c.var.db, filter.strategy))) {
      throw badRequest('strategy', `strategy: unknown strategy "${filter.strategy}"`);
    }
    await requireZone(c.var.db, filter.zone);
    return c.json(await plan.projects(c.var.db, filter));
  });
