import { Hono } from 'hono';
import { z } from 'zod';
import type { Db } from '../db/index.ts';
import type { Env } from '../env.ts';
import { badRequest } from '../http/errors.ts';
import { integer, validate } from '../http/validate.ts';
import * as city from './queries.ts';

export const cityRoutes = new Hono<Env>()
  .get('/boundary', async (c) => c.json(await city.boundary(c.var.db)))
  .get('/basemap', async (c) => c.json(await city.basemap(c.var.db)))
  .get('/zones', async (c) => c.json(await city.zones(c.var.db)))
  .get('/communities', validate('query', z.object({ zone: integer(1, 99).optional() })), async (c) => {
    const filter = c.req.valid('query');
    await requireZone(c.var.db, filter.zone);
    return c.json(await city.communities(c.var.db, filter));
  });

/** A zone filter must name a zone that exists: a typo should not look like an empty zone. */
export async function requireZone(db: Db, zone: number | undefined): Promise<void> {
  if (zone !== undefined && !(await city.zoneExists(db, zone))) throw badRequest('zone', `zone: unknown zone ${zone}`);
}
