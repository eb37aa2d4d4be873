import { Hono } from 'hono';
import type { Env } from '../env.ts';
import { sensorsWithLatestReading } from './queries.ts';

export const floodRoutes = new Hono<Env>()
  .get('/sensors', async (c) => c.json(await sensorsWithLatestReading(c.var.db)));
