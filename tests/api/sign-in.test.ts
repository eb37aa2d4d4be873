import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_PASSWORD } from '../../server/auth/passwords.ts';
import { Client, type Response } from '../support/client.ts';
import { freshDatabase } from '../support/databases.ts';
import { startServer, type RunningServer } from '../support/server.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const engines = inject('engines');

/** A name no other test (or earlier run on the same database) uses. */
let made = 0;
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(made++).toString(36)}`;

const PASSWORD = 'the right password';

describe.each(engines)('sign-in limits under parallel attempts on $engine', ({ engine, databaseUrl }) => {
  let server: RunningServer;
  let dataDir: string | null = null;
  let admin: Client;
  beforeAll(async () => {
    // A server of its own: client addresses come from X-Forwarded-For, so each test has its own
    // addresses and the locks made here never reach the other suites.
    const env: Record<string, string> = { MUEANG_MODE: 'demo', TRUST_PROXY: '1', PARCEL_SCALE: '0.02' };
    if (engine === 'postgis' && databaseUrl) env.DATABASE_URL = databaseUrl;
    else env.DATA_DIR = dataDir = mkdtempSync(join(tmpdir(), 'mueang-sign-in-'));
    server = await startServer(env);
    admin = await Client.signIn(server.url, 'admin');
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const signIn = (username: string, password: string, address: string) =>
    new Client(server.url).post<{ error: string }>('auth/login', { username, password }, { 'x-forwarded-for': address });
  const newAccount = async (prefix: string) => {
    const username = unique(prefix);
    expect((await admin.post('users', { username, password: PASSWORD, display_name: prefix, role: 'executive' })).status).toBe(201);
    return username;
  };
  const recorded = async (action: string, username: string) =>
    (await admin.get<unknown[]>(`audit?action=${action}&entity_id=${username}&limit=500`)).body.length;
  const statuses = (responses: Response[]) => responses.map((r) => r.status);

  it('40 parallel attempts on one account, the right password among them: no 200, at most 5 failures', async () => {
    const username = await newAccount('parallel');
    // Each from its own address: only the account's limit is in play.
    const responses = await Promise.all(Array.from({ length: 40 }, (_, i) =>
      signIn(username, i === 20 ? PASSWORD : `wrong password ${i}`, `198.18.1.${i + 1}`)));
    expect(statuses(responses)).not.toContain(200);
    expect(statuses(responses).every((s) => s === 401 || s === 423)).toBe(true);
    expect(statuses(responses).filter((s) => s === 401).length).toBeLessThanOrEqual(4);
    expect(await recorded('login_failed', username)).toBeLessThanOrEqual(5);
    expect(await recorded('lock', username)).toBe(1);
    expect((await signIn(username, PASSWORD, '198.18.1.100')).status).toBe(423);
  });

  it('40 parallel attempts from one address: at most 20 failures, then 429 even for a right password', async () => {
    const address = '198.18.2.1';
    const names = Array.from({ length: 40 }, () => unique('nobody'));
    const responses = await Promise.all(names.map((name, i) =>
      i === 30 ? signIn('planner', DEMO_PASSWORD, address) : signIn(name, 'a guess at it', address)));
    expect(statuses(responses)).not.toContain(200);
    expect(statuses(responses).filter((s) => s === 401).length).toBeLessThanOrEqual(20);
    const failures = await Promise.all(names.map((name) => recorded('login_failed', name)));
    expect(failures.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(20);
    const blocked = await signIn('planner', DEMO_PASSWORD, address);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(800);
  });

  it('an unknown name locks like an account: the answers cannot tell them apart', async () => {
    const known = await newAccount('known');
    const unknown = unique('unknown');
    const answers = async (username: string, address: string) => {
      const all: Response<{ error: string }>[] = [];
      for (let i = 0; i < 6; i++) all.push(await signIn(username, `wrong password ${i}`, address));
      return all;
    };
    const [forKnown, forUnknown] = [await answers(known, '198.18.3.1'), await answers(unknown, '198.18.3.2')];
    expect(statuses(forKnown)).toEqual([401, 401, 401, 401, 423, 423]);
    expect(statuses(forUnknown)).toEqual(statuses(forKnown));
    // Same body shape and text (but for the time), same headers, a Retry-After saying the time left.
    const shape = (r: Response<{ error: string }>) => ({
      keys: Object.keys(r.body).sort(),
      error: r.body.error.replace(/until \S+$/, 'until …'),
      headers: [...r.headers.keys()].filter((h) => h !== 'date').sort(),
    });
    forKnown.forEach((answer, i) => expect(shape(forUnknown[i]!)).toEqual(shape(answer)));
    const locked = forUnknown[5]!;
    expect(locked.body.error).toMatch(/locked .* until \d{4}-\d\d-\d\dT/);
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect(Date.parse(/until (\S+)$/.exec(locked.body.error)![1]!) - Date.now()).toBeGreaterThan((retryAfter - 60) * 1000);
  });

  it('a new password from an administrator lifts the lock', async () => {
    const username = await newAccount('reset');
    for (let i = 0; i < 5; i++) await signIn(username, 'wrong password', '198.18.4.1');
    expect((await signIn(username, PASSWORD, '198.18.4.1')).status).toBe(423);
    const [user] = (await admin.get<{ id: number; username: string }[]>('users')).body.filter((u) => u.username === username);
    expect((await admin.patch(`users/${user!.id}`, { password: 'a brand new secret' })).status).toBe(200);
    expect((await signIn(username, 'a brand new secret', '198.18.4.2')).status).toBe(200);
  });

  it.each([
    ['the demo password', DEMO_PASSWORD],
    ['the demo password in capitals', DEMO_PASSWORD.toUpperCase()],
    ['one containing the username', 'USERNAME-is-my-password'],
    ['a common one', 'password1234'],
    ['a keyboard walk', 'qwertyuiop12'],
    ['digits in a row', '123456789012'],
    ['twelve identical characters', 'aaaaaaaaaaaa'],
    ['a short pattern repeated', '123123123123'],
  ])('an administrator cannot set %s', async (_what, given) => {
    const username = unique('weak');
    const password = given.replace('USERNAME', username);
    const created = await admin.post<{ field: string }>('users', { username, password, display_name: 'W', role: 'executive' });
    expect(created).toMatchObject({ status: 400, body: { field: 'password' } });
    expect((await admin.get<{ username: string }[]>('users')).body.map((u) => u.username)).not.toContain(username);
    const existing = await newAccount('strong');
    const [user] = (await admin.get<{ id: number; username: string }[]>('users')).body.filter((u) => u.username === existing);
    const changed = await admin.patch<{ field: string }>(`users/${user!.id}`, { password: given.replace('USERNAME', existing) });
    expect(changed).toMatchObject({ status: 400, body: { field: 'password' } });
    expect((await signIn(existing, PASSWORD, '198.18.5.1')).status).toBe(200);
  });
});

describe.each(engines)('production mode on $engine', ({ engine, databaseUrl }) => {
  it('refuses the demo password for a new account, and so still starts next time', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mueang-production-'));
    const env: Record<string, string> = { MUEANG_MODE: 'production' };
    if (engine === 'postgis' && databaseUrl) env.DATABASE_URL = await freshDatabase(databaseUrl, 'mueang_sign_in_production');
    else env.DATA_DIR = dataDir;
    const createAdmin = (password: string) => promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/create-admin.ts', 'somchai'],
      { env: { ...process.env, DATABASE_URL: '', ...env, MUEANG_ADMIN_PASSWORD: password }, cwd: REPO });
    try {
      await expect(createAdmin(DEMO_PASSWORD)).rejects.toThrow(/password: the demo password/);
      await expect(createAdmin('somchai-admin-2026')).rejects.toThrow(/password: must not contain the username/);
      expect((await createAdmin('correct horse battery staple')).stdout).toMatch(/created administrator/);
      let server = await startServer(env, 90_000);
      try {
        const admin = await Client.signIn(server.url, 'somchai', 'correct horse battery staple');
        const demo = await admin.post<{ field: string }>('users', { username: 'clerk', password: DEMO_PASSWORD, display_name: 'C', role: 'executive' });
        expect(demo).toMatchObject({ status: 400, body: { field: 'password' } });
        expect((await admin.post('users', { username: 'clerk', password: 'an officer of the city', display_name: 'C', role: 'executive' })).status).toBe(201);
      } finally {
        await server.stop();
      }
      server = await startServer(env, 90_000);
      await server.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});
