import { describe, expect, it } from 'vitest';
import { bbox, integer } from '../../server/http/validate.ts';
import { readConfig } from '../../server/config.ts';

describe('bbox parameter', () => {
  it('reads four numbers in order', () => {
    expect(bbox.parse('102.8,16.4,102.9,16.5')).toEqual([102.8, 16.4, 102.9, 16.5]);
    expect(bbox.parse(' -1 , -2 , 3 , 4 ')).toEqual([-1, -2, 3, 4]);
  });
  it.each(['1,2,3', '1,2,3,4,5', 'a,b,c,d', '1,,3,4', '-181,0,1,1', '0,-91,1,1', '2,0,1,1', '0,2,1,1', '1,1,1,1', 'NaN,0,1,1', 'Infinity,0,1,1'])(
    'refuses %s',
    (text) => {
      expect(bbox.safeParse(text).success).toBe(false);
    },
  );
});

describe('integer parameter', () => {
  const zoom = integer(0, 22);
  it('reads whole numbers in range only', () => {
    expect(zoom.parse('0')).toBe(0);
    expect(zoom.parse('22')).toBe(22);
    for (const bad of ['23', '-1', '1.5', '1e3', '', ' 3', '0x10', '9'.repeat(20)]) expect(zoom.safeParse(bad).success, bad).toBe(false);
  });
});

describe('configuration', () => {
  it('defaults to the embedded engine in demo mode on 127.0.0.1:8080', () => {
    const config = readConfig({});
    expect(config).toMatchObject({ port: 8080, host: '127.0.0.1', databaseUrl: undefined, mode: 'demo', parcelScale: 1 });
    expect(config.session).toEqual({ maxSeconds: 43200, idleSeconds: 7200, secureCookie: false });
  });
  it('runs a database server in production mode unless told otherwise', () => {
    expect(readConfig({ DATABASE_URL: 'postgres://x/y' }).mode).toBe('production');
    expect(readConfig({ DATABASE_URL: 'postgres://x/y', MUEANG_MODE: 'demo' }).mode).toBe('demo');
  });
  it('refuses settings it does not understand', () => {
    expect(() => readConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => readConfig({ MUEANG_MODE: 'yes' })).toThrow(/MUEANG_MODE/);
    expect(() => readConfig({ PARCEL_SCALE: '-2' })).toThrow(/PARCEL_SCALE/);
    expect(() => readConfig({ COOKIE_SECURE: 'maybe' })).toThrow(/COOKIE_SECURE/);
  });
});
