import type { Clock } from '../../server/clock.ts';
import { readConfig } from '../../server/config.ts';
import type { Db } from '../../server/db/index.ts';
import { openMueang } from '../../server/mueang.ts';
import { DEMO_PASSWORD } from '../../server/auth/passwords.ts';
import type { Fetch } from '../../web/api/core.ts';
import { Client } from './client.ts';
import { copyOf } from './databases.ts';
import type { EngineUnderTest } from './engines.ts';

/** The origin in-process requests are addressed to: no socket listens there. */
const BASE = 'http://mueang.test';
/** What the node server would hand the app about the socket: requests come from this machine. */
const LOOPBACK = { incoming: { socket: { remoteAddress: '127.0.0.1', remoteFamily: 'IPv4' } } };

export interface AppUnderTest {
  /** Where its clients address it (`Client.base`). */
  base: string;
  db: Db;
  clock: Clock;
  /** A client without a session; `headers` go with every request (a device key, X-Forwarded-For). */
  client(headers?: Record<string, string>): Client;
  signIn(username: string, password?: string): Promise<Client>;
  close(): Promise<void>;
}

/**
 * The whole server but its socket (`openMueang`, what `server/main.ts` serves), in this process,
 * called through `app.request`: the database, flood desk and live hub as the server has them
 * (on the embedded engine its worker thread is then this process's). `env` is the server's
 * environment, its database included.
 */
export async function openApp(env: Record<string, string>): Promise<AppUnderTest> {
  const mueang = await openMueang(readConfig({ ...env, PORT: '0', HOST: '127.0.0.1' }));
  mueang.setPublicUrl(BASE);
  const transport: Fetch = (input, init) => mueang.app.request(input instanceof URL ? input.href : input, init, LOOPBACK);
  const client = (headers: Record<string, string> = {}) => new Client(BASE, headers, transport);
  return {
    base: BASE,
    db: mueang.db,
    clock: mueang.clock,
    client,
    signIn: async (username, password = DEMO_PASSWORD) => {
      const signedIn = client();
      const response = await signedIn.api.auth.login.$post({ json: { username, password } });
      if (response.status !== 200) throw new Error(`sign-in as ${username} failed: ${response.status} ${await response.text()}`);
      return signedIn;
    },
    close: () => mueang.close(),
  };
}

/**
 * A demo app of its own (`openApp`) on a copy of the run's seeded demo data: a clone of the
 * template database on PostGIS (named `name`), a copied data directory on the embedded engine,
 * removed when the app closes.
 */
export async function openSeededApp(target: EngineUnderTest, name: string, env: Record<string, string> = {}): Promise<AppUnderTest> {
  const copy = await copyOf(target, 'seeded', name);
  const app = await openApp({ MUEANG_MODE: 'demo', ...env, ...copy.env }).catch((error: unknown) => {
    copy.remove();
    throw error;
  });
  return {
    ...app,
    close: async () => {
      await app.close();
      copy.remove();
    },
  };
}
