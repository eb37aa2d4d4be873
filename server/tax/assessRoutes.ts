import { Hono } from 'hono';
import type { Env } from '../env.ts';

export const assessRoutes = new Hono<Env>();
