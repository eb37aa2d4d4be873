import { Hono } from 'hono';
import type { Env } from '../env.ts';
import { assessRoutes } from './assessRoutes.ts';
import { importRoutes } from './importRoutes.ts';
import { registerRoutes } from './registerRoutes.ts';

/**
 * Land and building tax (issue 14): the calculator, a parcel's bills and payments
 * (assessRoutes); the register's search, status, collection figures and arrears
 * (registerRoutes); the register's and the tax map's import (importRoutes).
 */
export const taxRoutes = new Hono<Env>().route('/', assessRoutes).route('/', registerRoutes).route('/', importRoutes);
