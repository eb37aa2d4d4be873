import type { Db } from './db/index.ts';
import type { Viewer } from './auth/policy.ts';
import type { Device } from './devices/queries.ts';

/** What the request handlers need from the configuration. */
export interface Settings {
  session: { maxSeconds: number; idleSeconds: number; secureCookie: boolean };
  trustProxy: boolean;
}

/** What every request handler can reach through `c.var`. */
export interface Env {
  Variables: {
    db: Db;
    settings: Settings;
    /** The signed-in user, or the public. */
    viewer: Viewer;
    /** The session behind the request's cookie, when there is a live one. */
    session: { token: string; csrfToken: string } | null;
    /** The device whose key signed the request, on device routes. */
    device: Device;
  };
}
