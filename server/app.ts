import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { auditRoutes } from './audit/routes.ts';
import { csrfProtection, identify } from './auth/middleware.ts';
import { authRoutes } from './auth/routes.ts';
import { cityRoutes } from './city/routes.ts';
import type { Db } from './db/index.ts';
import { deviceRoutes } from './devices/routes.ts';
import type { Env, Services, Settings } from './env.ts';
import { classifyFailure, logError, RETRY_AFTER_SECONDS } from './failures.ts';
import { floodContactRoutes } from './flood/contactRoutes.ts';
import { floodRoutes } from './flood/routes.ts';
import { liveRoutes } from './live/routes.ts';
import type { ApiError } from './http/errors.ts';
import { compressResponses } from './http/compress.ts';
import { staticFiles } from './http/staticFiles.ts';
import { refuseNulCharacters } from './http/validate.ts';
import { parcelRoutes } from './parcels/routes.ts';
import { planRoutes } from './plan/routes.ts';
import { isPhotoUpload } from './sites/photos/paths.ts';
import { photoRoutes } from './sites/photoRoutes.ts';
import { siteRoutes } from './sites/routes.ts';
import { taxRoutes } from './tax/routes.ts';
import { wasteRoutes } from './waste/routes.ts';

/** The app's page for the paths that draw a map (vite.config.ts writes it beside index.html). */
const MAP_PAGE = 'map.html';

/** Larger bodies are refused with 413 before they are read: a batch of 5,000 readings fits. */
const MAX_BODY_BYTES = 1024 * 1024;

const api = new Hono<Env>()
  // Says whether the database answers, for a load balancer or a watchdog: 503 while it is away.
  .get('/health', async (c) => {
    const { db } = c.var;
    try {
      await db.ping?.();
    } catch (error) {
      const failure = classifyFailure(error);
      if (failure.status !== 503) throw error;
      return c.json({ ok: false, db: db.engine, error: failure.error }, 503, { 'Retry-After': String(RETRY_AFTER_SECONDS) });
    }
    return c.json({ ok: true, db: db.engine });
  })
  .route('/', authRoutes)
  .route('/', cityRoutes)
  .route('/', planRoutes)
  .route('/', siteRoutes)
  .route('/', wasteRoutes)
  .route('/', floodRoutes)
  .route('/', floodContactRoutes)
  .route('/', liveRoutes)
  .route('/', parcelRoutes())
  .route('/', taxRoutes)
  .route('/', deviceRoutes)
  .route('/', auditRoutes)
  .route('/', photoRoutes);

/** The API's type, for the web app's typed client (`hc<ApiType>`). */
export type ApiType = typeof api;

export function createApp(db: Db, services: Services, options: { webRoot?: string; settings: Settings }) {
  const { settings } = options;
  const app = new Hono<Env>();
  app.use(
    '*',
    secureHeaders({
      // The app loads nothing from elsewhere; MapLibre's worker and deck.gl's images come as blobs.
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        workerSrc: ["'self'", 'blob:'],
        childSrc: ["'self'", 'blob:'],
        imgSrc: ["'self'", 'data:', 'blob:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        connectSrc: ["'self'", ...(process.env.VITE_BASEMAP_STYLE_URL ? [new URL(process.env.VITE_BASEMAP_STYLE_URL).origin] : [])],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        objectSrc: ["'none'"],
      },
      referrerPolicy: 'same-origin',
    }),
  );
  const jsonBodyLimit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => c.json<ApiError>({ error: `body: larger than ${MAX_BODY_BYTES} bytes`, field: 'body' }, 413),
  });
  // A photo's upload has a limit of its own (PHOTO_MAX_BYTES), applied by its route.
  app.use('/api/*', (c, next) => (isPhotoUpload(c.req.method, c.req.path) ? next() : jsonBodyLimit(c, next)));
  app.use('/api/*', async (c, next) => {
    c.set('db', db);
    c.set('settings', settings);
    c.set('clock', services.clock);
    c.set('reads', services.reads);
    c.set('flood', services.flood);
    c.set('live', services.live);
    c.set('tiles', services.tiles);
    c.set('photos', services.photos);
    await next();
  });
  app.use('/api/*', compressResponses);
  app.use('/api/*', identify);
  app.use('/api/*', csrfProtection);
  app.use('/api/*', refuseNulCharacters);
  app.route('/api', api);
  app.all('/api/*', (c) => c.json<ApiError>({ error: `no such endpoint: ${c.req.method} ${c.req.path}` }, 404));
  if (options.webRoot) {
    const root = options.webRoot;
    // The pages with a map get the app as map.html: index.html with MapLibre preloaded
    // (vite.config.ts, mapPage); the site workspace has no map on its list, and gets index.html.
    // A build without map.html serves index.html everywhere.
    const shell = staticFiles(root, 'index.html');
    const mapApp = staticFiles(root, MAP_PAGE);
    app.get('/', mapApp);
    app.use('/*', staticFiles(root));
    // A missing asset is an old build's: no app in its place (it would be cached for a year).
    app.get('/assets/*', (c) => c.text('not found', 404));
    // A reload on a client-side route still gets the app.
    app.get('/sites', shell);
    app.get('/sites/*', shell);
    app.get('*', mapApp, shell);
  }
  app.onError((error, c) => {
    if (error instanceof HTTPException) {
      // Our own refusals carry a JSON body; Hono's (malformed JSON, say) carry text: make them JSON too.
      if (error.res) return error.getResponse();
      return c.json<ApiError>({ error: `body: ${error.message}`, field: 'body' }, error.status);
    }
    const failure = classifyFailure(error);
    logError(`${c.req.method} ${c.req.path} answered ${failure.status}`, error);
    const headers: Record<string, string> = failure.status === 503 ? { 'Retry-After': String(RETRY_AFTER_SECONDS) } : {};
    return c.json<ApiError>({ error: failure.error }, failure.status, headers);
  });
  return app;
}
