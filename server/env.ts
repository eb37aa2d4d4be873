import type { Db } from './db/index.ts';

/** What every request handler can reach through `c.var`. */
export interface Env {
  Variables: { db: Db };
}
