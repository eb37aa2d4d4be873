import { Hono } from 'hono';
import type { Env } from '../env.ts';
import { latestTruckPositions } from './queries.ts';

export const wasteRoutes = new Hono<Env>()
  .get('/trucks', async (c) => c.json(await latestTruckPositions(c.var.db)));
