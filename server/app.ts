import { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import { cityRoutes } from './city/routes.ts';
import type { Db } from './db/index.ts';
import type { Env } from './env.ts';
import { floodRoutes } from './flood/routes.ts';
import type { ApiError } from './http/errors.ts';
import { HTTPException } from 'hono/http-exception';
import { parcelRoutes } from './parcels/routes.ts';
import { planRoutes } from './plan/routes.ts';
import { wasteRoutes } from './waste/routes.ts';

const api = new Hono<Env>()
  .get('/health', (c) => c.json({ ok: true, db: c.var.db.engine }))
  .route('/', cityRoutes)
  .route('/', planRoutes)
  .route('/', wasteRoutes)
  .route('/', floodRoutes)
  .route('/', parcelRoutes);

/** The API's type, for the web app's typed client (`hc<ApiType>`). */
export type ApiType = typeof api;

export function createApp(db: Db, options: { webRoot?: string } = {}) {
  const app = new Hono<Env>();
  app.use('/api/*', async (c, next) => {
    c.set('db', db);
    await next();
  });
  app.route('/api', api);
  app.all('/api/*', (c) => c.json<ApiError>({ error: `no such endpoint: ${c.req.method} ${c.req.path}` }, 404));
  if (options.webRoot) {
    const root = options.webRoot;
    app.use('/*', serveStatic({ root }));
    // A reload on a client-side route still gets the app.
    app.get('*', serveStatic({ root, path: 'index.html' }));
  }
  app.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse();
    console.error(error);
    return c.json<ApiError>({ error: 'internal error' }, 500);
  });
  return app;
}
