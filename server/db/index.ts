import type { EmbeddedOptions } from './embedded.ts';
import type { Db } from './types.ts';

export type { Db, Queryable } from './types.ts';

/**
 * `DATABASE_URL` set: a pool on a real PostgreSQL + PostGIS. Not set: the embedded engine,
 * persisted in `dataDir`, so the product runs without a database server (a new one made from
 * `image` when given).
 */
export async function openDatabase(options: { url?: string; dataDir: string | null } & EmbeddedOptions): Promise<Db> {
  if (options.url) {
    const { openPostgis } = await import('./postgis.ts');
    return openPostgis(options.url);
  }
  const { openEmbedded } = await import('./embedded.ts');
  return openEmbedded(options.dataDir, options);
}
