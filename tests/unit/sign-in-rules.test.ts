import { describe, expect, it } from 'vitest';
import { forwardedClient } from '../../server/auth/middleware.ts';
import { DEMO_PASSWORD, passwordProblem } from '../../server/auth/passwords.ts';
import { readConfig } from '../../server/config.ts';
import { nulPath } from '../../server/http/validate.ts';

describe('the client address behind trusted proxies', () => {
  it('is the entry as many from the right as there are proxies', () => {
    expect(forwardedClient('203.0.113.7', 1)).toBe('203.0.113.7');
    expect(forwardedClient('203.0.113.7, 10.0.0.2', 1)).toBe('10.0.0.2');
    expect(forwardedClient('203.0.113.7, 10.0.0.2', 2)).toBe('203.0.113.7');
    expect(forwardedClient('2001:db8::7,10.0.0.2,10.0.0.3', 3)).toBe('2001:db8::7');
  });
  it('ignores what the client wrote to the left of it', () => {
    // A client sends "X-Forwarded-For: 1.2.3.4"; the one proxy appends the address it saw.
    expect(forwardedClient('1.2.3.4, 198.51.100.9', 1)).toBe('198.51.100.9');
    expect(forwardedClient('1.2.3.4, 5.6.7.8, 198.51.100.9, 10.0.0.2', 2)).toBe('198.51.100.9');
  });
  it('takes the leftmost when the request passed fewer proxies than configured', () => {
    expect(forwardedClient('198.51.100.9', 2)).toBe('198.51.100.9');
    expect(forwardedClient('198.51.100.9, 10.0.0.2', 5)).toBe('198.51.100.9');
  });
  it('drops a port the proxy added', () => {
    expect(forwardedClient('203.0.113.7:51234', 1)).toBe('203.0.113.7');
    expect(forwardedClient('[2001:db8::7]:51234', 1)).toBe('2001:db8::7');
  });
  it('gives nothing for no header, no proxies or an entry that is no address', () => {
    expect(forwardedClient(undefined, 1)).toBeNull();
    expect(forwardedClient('203.0.113.7', 0)).toBeNull();
    for (const garbage of ['', ' ', 'unknown', 'evil.example', "' OR 1=1 --", '1.2.3.4,', '1.2.3.4, ,', '999.1.1.1', '1.2.3.4\0']) {
      expect(forwardedClient(garbage, 1), garbage).toBeNull();
    }
  });
  it('is configured as a number of proxies', () => {
    expect(readConfig({}).trustProxy).toBe(0);
    expect(readConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(readConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(1);
    expect(readConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(readConfig({ TRUST_PROXY: '0' }).trustProxy).toBe(0);
    for (const bad of ['-1', 'yes', '1.5', '100']) expect(() => readConfig({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY/);
  });
});

describe('passwords an administrator may set', () => {
  it.each([
    [DEMO_PASSWORD, /demo password/],
    ['Mueang-Demo-2561', /demo password/],
    ['somchai-at-home', /username/],
    ['my SOMCHAI password', /username/],
    ['password1234', /common/],
    ['Password1234', /common/],
    ['123456789012', /common/],
    ['qwertyuiop12', /common/],
    ['ๆไำพะัีรนยบล', /common/],
    ['aaaaaaaaaaaa', /repeated/],
    ['มมมมมมมมมมมม', /repeated/],
    ['abababababab', /repeated/],
    ['123412341234', /repeated/],
  ])('refuses %s', (password, reason) => {
    expect(passwordProblem(password, 'somchai')).toMatch(reason);
  });
  it.each(['correct horse battery staple', 'the right password', 'ขอนแก่นเมืองหมอแคน', 'abcabcabcabcX'])('accepts %s', (password) => {
    expect(passwordProblem(password, 'somchai')).toBeNull();
  });
});

describe('a NUL character in a JSON body', () => {
  it('is found at any depth, named by its path', () => {
    expect(nulPath({ username: 'admin\0' })).toBe('username');
    expect(nulPath({ readings: [{ sensor: 'FP01' }, { sensor: 'FP\u000002' }] })).toBe('readings.1.sensor');
    expect(nulPath({ a: { 'b\0': 1 } })).toBe('a.b\0');
    expect(nulPath('text\0')).toBe('body');
  });
  it('is not found where there is none', () => {
    expect(nulPath({ text: 'a\\u0000 written out', n: 0, list: [null, true, 'ok'] })).toBeNull();
    expect(nulPath(undefined)).toBeNull();
  });
});
