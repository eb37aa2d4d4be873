import { resolve } from 'node:path';

export interface Config {
  port: number;
  host: string;
  /** Set: a PostgreSQL + PostGIS server. Unset: the embedded engine in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** Fill an empty database with the Khon Kaen demo data. */
  seed: boolean;
  parcelScale: number;
  webRoot: string;
}

const REPO = resolve(new URL('..', import.meta.url).pathname);

function number(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return value;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const seed = env.MUEANG_SEED ?? 'demo';
  if (seed !== 'demo' && seed !== 'off') throw new Error(`MUEANG_SEED must be "demo" or "off", got "${seed}"`);
  return {
    port: number('PORT', 8080, env),
    host: env.HOST ?? '127.0.0.1',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: resolve(env.DATA_DIR ?? resolve(REPO, '.data')),
    seed: seed === 'demo',
    parcelScale: number('PARCEL_SCALE', 1, env) || 1,
    webRoot: resolve(env.WEB_ROOT ?? resolve(REPO, 'dist/web')),
  };
}
