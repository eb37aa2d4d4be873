import { Hono } from 'hono';
import type { Env } from '../env.ts';

export const registerRoutes = new Hono<Env>();
