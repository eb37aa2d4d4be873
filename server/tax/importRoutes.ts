import { Hono } from 'hono';
import type { Env } from '../env.ts';

export const importRoutes = new Hono<Env>();
