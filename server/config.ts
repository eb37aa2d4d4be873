import { resolve } from 'node:path';
import { viaPgBouncer } from './db/index.ts';
import { parseAllowHosts } from './flood/notify/outbound.ts';
import type { S3Settings } from './sites/photos/store.ts';

type Mode = 'demo' | 'production';

export interface Config {
  port: number;
  host: string;
  /** Set: a PostgreSQL + PostGIS server. Unset: the embedded engine in `dataDir`. */
  databaseUrl: string | undefined;
  /** A streaming replica for lag-tolerant reads (tiles, evaluation, lists); unset: `databaseUrl`. */
  databaseReadUrl: string | undefined;
  /** A direct connection to the primary for LISTEN; unset: `databaseUrl`. */
  databaseListenUrl: string | undefined;
  dataDir: string;
  /**
   * demo: an empty database is filled with the Khon Kaen demo data and one account per role.
   * production: nothing is generated, and the server refuses to start with demo credentials.
   */
  mode: Mode;
  parcelScale: number;
  webRoot: string;
  session: { maxSeconds: number; idleSeconds: number; secureCookie: boolean };
  /**
   * How many reverse proxies stand in front of the server: the client's address is the
   * X-Forwarded-For entry that many from the right. 0: the header is ignored.
   */
  trustProxy: number;
  /** Where people reach the app: links in notifications and the CAP feed point here. */
  publicUrl: string;
  /** manual: a clock administrators can move forward (POST /api/clock), for drills and tests; demo mode only. */
  clock: 'system' | 'manual';
  flood: {
    /** How often silent sensors, overdue acknowledgements and due notifications are checked. */
    sweepSeconds: number;
    /** Whole months of readings kept besides the current one; 0 keeps them all. */
    keepMonths: number;
    webhookSecret: string | null;
    line: { apiBase: string; channelToken: string | null; channelSecret: string | null };
    capSender: string;
    /** Hosts webhooks and the LINE API base may be on although they are not public addresses. */
    outboundAllowHosts: string[];
    /** Readings older than this many days are refused: each month of them would be a new partition. */
    readingsHorizonDays: number;
  };
  /** Site photos (issue 12): where their files go, and the limits on uploads. */
  photos: PhotoConfig;
  sites: SiteSettings;
  waste: WasteSettings;
}

/**
 * Waste collection (issue 13): when positions make a trip or a stop (Traccar's documented
 * defaults), when a truck counts as offline or at the depot, and when a pickup point is served.
 */
export interface WasteSettings {
  trips: {
    /** A run of motion becomes a trip once it covers this distance… */
    minDistanceM: number;
    /** …or lasts this long. */
    minDurationS: number;
    /** A run of standing still becomes a stop once it lasts this long. */
    minParkingS: number;
    /** No data for this long during a trip ends it: a stop. */
    gapS: number;
    /** A fix faster than this is moving (Traccar's 0.01 knots). */
    motionKmh: number;
  };
  /** A truck with no fix for this long is offline. */
  offlineMinutes: number;
  /** A truck this close to the depot is at the depot. */
  depotRadiusM: number;
  /** A pickup point is served when its round's truck stays within radiusM of it for dwellS. */
  pickup: { radiusM: number; dwellS: number };
}

export interface PhotoConfig {
  /** file: content-addressed under `<DATA_DIR>/photos`; s3: an S3-compatible bucket. */
  store: { kind: 'file'; root: string } | ({ kind: 's3' } & S3Settings);
  /** Larger uploads are refused (413) while they are read. */
  maxBytes: number;
  /** Photos one inspection may hold; the next is refused (409). */
  perInspection: number;
  /** A photo taken further than this from its site's works is flagged `far`. */
  farMetres: number;
}

/** When a construction site counts as late or in need of a visit, and a photo as taken far from it. */
export interface SiteSettings {
  /** A site behind its planned curve by at least this many points is late. */
  latePoints: number;
  /** A site not visited for this many days comes next after the late ones. */
  staleDays: number;
}

const REPO = resolve(new URL('..', import.meta.url).pathname);

function number(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return value;
}

function flag(name: string, env: NodeJS.ProcessEnv): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  throw new Error(`${name} must be 1 or 0, got "${raw}"`);
}

/** TRUST_PROXY: a count of proxies; `true`/`false` are kept for the older on/off meaning (1/0). */
function proxyHops(env: NodeJS.ProcessEnv): number {
  const raw = env.TRUST_PROXY;
  if (raw === 'true') return 1;
  if (raw === undefined || raw === '' || raw === 'false') return 0;
  if (!/^\d{1,2}$/.test(raw)) throw new Error(`TRUST_PROXY must be the number of proxies in front of the server (0 for none), got "${raw}"`);
  return Number(raw);
}

/**
 * DATABASE_READ_URL and DATABASE_LISTEN_URL only mean something beside DATABASE_URL; and a
 * LISTEN through a transaction-mode PgBouncer would sit on whichever server connection it
 * happened to get, and hear nothing.
 */
function databaseUrls(env: NodeJS.ProcessEnv) {
  const databaseUrl = env.DATABASE_URL || undefined;
  const databaseReadUrl = env.DATABASE_READ_URL || undefined;
  const databaseListenUrl = env.DATABASE_LISTEN_URL || undefined;
  for (const [name, url] of [
    ['DATABASE_URL', databaseUrl],
    ['DATABASE_READ_URL', databaseReadUrl],
    ['DATABASE_LISTEN_URL', databaseListenUrl],
  ] as const) {
    if (url && !/^postgres(ql)?:\/\//.test(url)) throw new Error(`${name} must be a postgres:// URL`);
  }
  if (!databaseUrl && (databaseReadUrl || databaseListenUrl))
    throw new Error('DATABASE_READ_URL and DATABASE_LISTEN_URL need DATABASE_URL (the embedded engine has no replica)');
  if (viaPgBouncer(databaseListenUrl ?? databaseUrl ?? 'postgres://embedded')) {
    throw new Error('LISTEN cannot go through PgBouncer in transaction mode: set DATABASE_LISTEN_URL to a direct connection to the primary');
  }
  return { databaseUrl, databaseReadUrl, databaseListenUrl };
}

/** PHOTO_STORE=s3 needs every S3_ setting but the region: a half-configured bucket fails at start, not at the first upload. */
function photoConfig(env: NodeJS.ProcessEnv, dataDir: string): PhotoConfig {
  const kind = env.PHOTO_STORE || 'file';
  let store: PhotoConfig['store'];
  if (kind === 'file') store = { kind, root: resolve(dataDir, 'photos') };
  else if (kind === 's3') {
    const required = (name: string) => {
      const value = env[name];
      if (!value) throw new Error(`PHOTO_STORE=s3 needs ${name}`);
      return value;
    };
    const endpoint = required('S3_ENDPOINT');
    if (!/^https?:\/\/[^/]+/.test(endpoint)) throw new Error(`S3_ENDPOINT must be an http(s) URL, got "${endpoint}"`);
    store = {
      kind,
      endpoint,
      bucket: required('S3_BUCKET'),
      region: env.S3_REGION || 'us-east-1',
      accessKeyId: required('S3_ACCESS_KEY_ID'),
      secretAccessKey: required('S3_SECRET_ACCESS_KEY'),
    };
  } else throw new Error(`PHOTO_STORE must be "file" or "s3", got "${kind}"`);
  return {
    store,
    maxBytes: Math.floor(number('PHOTO_MAX_BYTES', 15 * 1024 * 1024, env)) || 15 * 1024 * 1024,
    perInspection: Math.floor(number('PHOTOS_PER_INSPECTION', 12, env)) || 12,
    farMetres: number('PHOTO_FAR_M', 150, env),
  };
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const { databaseUrl, databaseReadUrl, databaseListenUrl } = databaseUrls(env);
  // The embedded engine is for trying the product; a database server is for running it.
  const mode = env.MUEANG_MODE ?? (databaseUrl ? 'production' : 'demo');
  if (mode !== 'demo' && mode !== 'production') throw new Error(`MUEANG_MODE must be "demo" or "production", got "${mode}"`);
  const clock = env.MUEANG_CLOCK || 'system';
  if (clock !== 'system' && clock !== 'manual') throw new Error(`MUEANG_CLOCK must be "system" or "manual", got "${clock}"`);
  if (clock === 'manual' && mode === 'production') throw new Error('MUEANG_CLOCK=manual is for drills and tests: not in production mode');
  const port = number('PORT', 8080, env);
  const host = env.HOST ?? '127.0.0.1';
  const dataDir = resolve(env.DATA_DIR ?? resolve(REPO, '.data'));
  return {
    port,
    host,
    databaseUrl,
    databaseReadUrl,
    databaseListenUrl,
    dataDir,
    mode,
    parcelScale: number('PARCEL_SCALE', 1, env) || 1,
    webRoot: resolve(env.WEB_ROOT ?? resolve(REPO, 'dist/web')),
    session: {
      maxSeconds: number('SESSION_MAX_SECONDS', 12 * 3600, env),
      idleSeconds: number('SESSION_IDLE_SECONDS', 2 * 3600, env),
      secureCookie: flag('COOKIE_SECURE', env),
    },
    trustProxy: proxyHops(env),
    publicUrl: env.PUBLIC_URL || `http://${host}:${port}`,
    clock,
    flood: {
      sweepSeconds: number('FLOOD_SWEEP_SECONDS', 30, env),
      keepMonths: Math.floor(number('READINGS_KEEP_MONTHS', 0, env)),
      webhookSecret: env.WEBHOOK_SECRET || null,
      line: {
        apiBase: env.LINE_API_BASE || 'https://api.line.me',
        channelToken: env.LINE_CHANNEL_TOKEN || null,
        channelSecret: env.LINE_CHANNEL_SECRET || null,
      },
      capSender: env.CAP_SENDER || 'flood-desk@khonkaencity.go.th',
      outboundAllowHosts: parseAllowHosts(env.OUTBOUND_ALLOW_HOSTS),
      readingsHorizonDays: number('READINGS_HORIZON_DAYS', 365, env) || 365,
    },
    photos: photoConfig(env, dataDir),
    sites: {
      latePoints: number('SITES_LATE_POINTS', 10, env),
      staleDays: number('SITES_STALE_DAYS', 14, env),
    },
    waste: {
      trips: {
        minDistanceM: number('TRIP_MIN_DISTANCE_M', 500, env),
        minDurationS: number('TRIP_MIN_DURATION_S', 300, env),
        minParkingS: number('STOP_MIN_DURATION_S', 300, env),
        gapS: number('STOP_GAP_S', 3600, env),
        motionKmh: number('MOTION_MIN_SPEED_KMH', 0.0185, env),
      },
      offlineMinutes: number('TRUCK_OFFLINE_MINUTES', 10, env),
      depotRadiusM: number('DEPOT_RADIUS_M', 150, env),
      pickup: { radiusM: number('PICKUP_RADIUS_M', 30, env), dwellS: number('PICKUP_DWELL_S', 60, env) },
    },
  };
}
