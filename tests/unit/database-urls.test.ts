import { describe, expect, it } from 'vitest';
import { readConfig } from '../../server/config.ts';

const PRIMARY = 'postgres://mueang@127.0.0.1:5432/mueang';
const BOUNCER = 'postgres://mueang@127.0.0.1:6432/mueang?pgbouncer=true';
const REPLICA = 'postgres://mueang@127.0.0.1:5433/mueang';

describe('database URLs for more than one server', () => {
  it('reads the replica and LISTEN URLs beside DATABASE_URL', () => {
    const config = readConfig({ DATABASE_URL: BOUNCER, DATABASE_READ_URL: REPLICA, DATABASE_LISTEN_URL: PRIMARY });
    expect(config).toMatchObject({ databaseUrl: BOUNCER, databaseReadUrl: REPLICA, databaseListenUrl: PRIMARY });
    expect(readConfig({ DATABASE_URL: PRIMARY })).toMatchObject({ databaseReadUrl: undefined, databaseListenUrl: undefined });
  });

  it('refuses a LISTEN through PgBouncer in transaction mode', () => {
    expect(() => readConfig({ DATABASE_URL: BOUNCER })).toThrow(/DATABASE_LISTEN_URL/);
    expect(() => readConfig({ DATABASE_URL: PRIMARY, DATABASE_LISTEN_URL: BOUNCER })).toThrow(/DATABASE_LISTEN_URL/);
  });

  it('refuses a replica or LISTEN URL without DATABASE_URL, and URLs that are not postgres://', () => {
    expect(() => readConfig({ DATABASE_READ_URL: REPLICA })).toThrow(/DATABASE_URL/);
    expect(() => readConfig({ DATABASE_LISTEN_URL: PRIMARY })).toThrow(/DATABASE_URL/);
    expect(() => readConfig({ DATABASE_URL: PRIMARY, DATABASE_READ_URL: '127.0.0.1:5433' })).toThrow(/DATABASE_READ_URL/);
  });
});
