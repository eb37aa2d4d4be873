import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_PASSWORD } from '../../server/auth/passwords.ts';
import { openApp, openSeededApp, type AppUnderTest } from '../support/app.ts';
import { answer, expectBody, type Client } from '../support/client.ts';
import { copyOf } from '../support/databases.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const engines = inject('engines');

/** A name no other test (or earlier run on the same database) uses. */
let made = 0;
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(made++).toString(36)}`;

const PASSWORD = 'the right password';

/** A sign-in's answer: a refusal's body says why (and until when). */
interface Attempt {
  status: number;
  body: { error: string };
  headers: Headers;
}

describe.each(engines)('sign-in limits under parallel attempts on $engine', (target) => {
  let app: AppUnderTest;
  let admin: Client;
  beforeAll(async () => {
    // An app of its own, in this process, on a copy of the seeded data: client addresses come
    // from X-Forwarded-For, so each test has its own addresses, and the locks made here reach no
    // other suite.
    app = await openSeededApp(target, 'mueang_sign_in_test', { TRUST_PROXY: '1', FLOOD_SWEEP_SECONDS: '0' });
    admin = await app.signIn('admin');
  }, 120_000);
  afterAll(async () => {
    await app?.close();
  });

  const signIn = (username: string, password: string, address: string) =>
    answer(app.client({ 'x-forwarded-for': address }).api.auth.login.$post({ json: { username, password } })) as Promise<Attempt>;
  const newAccount = async (prefix: string) => {
    const username = unique(prefix);
    await expectBody(admin.api.users.$post({ json: { username, password: PASSWORD, display_name: prefix, role: 'executive' } }), 201);
    return username;
  };
  const recorded = async (action: string, username: string) =>
    (await expectBody(admin.api.audit.$get({ query: { action, entity_id: username, limit: '500' } }))).length;
  const statuses = (responses: Attempt[]) => responses.map((r) => r.status);
  const idOf = async (username: string) => (await expectBody(admin.api.users.$get())).find((u) => u.username === username)!.id;

  it('40 parallel attempts on one account, the right password among them: no 200, at most 5 failures', async () => {
    const username = await newAccount('parallel');
    // Each from its own address: only the account's limit is in play.
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => signIn(username, i === 20 ? PASSWORD : `wrong password ${i}`, `198.18.1.${i + 1}`)),
    );
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
    const responses = await Promise.all(
      names.map((name, i) => (i === 30 ? signIn('planner', DEMO_PASSWORD, address) : signIn(name, 'a guess at it', address))),
    );
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
      const all: Attempt[] = [];
      for (let i = 0; i < 6; i++) all.push(await signIn(username, `wrong password ${i}`, address));
      return all;
    };
    const [forKnown, forUnknown] = [await answers(known, '198.18.3.1'), await answers(unknown, '198.18.3.2')];
    expect(statuses(forKnown)).toEqual([401, 401, 401, 401, 423, 423]);
    expect(statuses(forUnknown)).toEqual(statuses(forKnown));
    // Same body shape and text (but for the time), same headers, a Retry-After saying the time left.
    const shape = (r: Attempt) => ({
      keys: Object.keys(r.body).sort(),
      error: r.body.error.replace(/until \S+$/, 'until …'),
      headers: [...r.headers.keys()].filter((h) => h !== 'date').sort(),
    });
    for (const [i, answer] of forKnown.entries()) expect(shape(forUnknown[i]!)).toEqual(shape(answer));
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
    await expectBody(admin.api.users[':id'].$patch({ param: { id: String(await idOf(username)) }, json: { password: 'a brand new secret' } }));
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
    const created = await answer(admin.api.users.$post({ json: { username, password, display_name: 'W', role: 'executive' } }));
    expect(created).toMatchObject({ status: 400, body: { field: 'password' } });
    expect((await expectBody(admin.api.users.$get())).map((u) => u.username)).not.toContain(username);
    const existing = await newAccount('strong');
    const changed = await answer(
      admin.api.users[':id'].$patch({ param: { id: String(await idOf(existing)) }, json: { password: given.replace('USERNAME', existing) } }),
    );
    expect(changed).toMatchObject({ status: 400, body: { field: 'password' } });
    expect((await signIn(existing, PASSWORD, '198.18.5.1')).status).toBe(200);
  });
});

describe.each(engines)('production mode on $engine', (target) => {
  it('refuses the demo password for a new account, and so still starts next time', async () => {
    // A new installation: every migration applied (from the run's template), no account yet.
    const copy = await copyOf(target, 'migrated', 'mueang_sign_in_production');
    const env = { MUEANG_MODE: 'production', ...copy.env };
    const createAdmin = (password: string) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/create-admin.ts', 'somchai'], {
        env: { ...process.env, DATABASE_URL: '', ...env, MUEANG_ADMIN_PASSWORD: password },
        cwd: REPO,
      });
    try {
      await expect(createAdmin(DEMO_PASSWORD)).rejects.toThrow(/password: the demo password/);
      await expect(createAdmin('somchai-admin-2026')).rejects.toThrow(/password: must not contain the username/);
      expect((await createAdmin('correct horse battery staple')).stdout).toMatch(/created administrator/);
      // The production server, in this process (its refusal to start is startup.test.ts's).
      let app = await openApp(env);
      try {
        const admin = await app.signIn('somchai', 'correct horse battery staple');
        const demo = await answer(admin.api.users.$post({ json: { username: 'clerk', password: DEMO_PASSWORD, display_name: 'C', role: 'executive' } }));
        expect(demo).toMatchObject({ status: 400, body: { field: 'password' } });
        await expectBody(admin.api.users.$post({ json: { username: 'clerk', password: 'an officer of the city', display_name: 'C', role: 'executive' } }), 201);
      } finally {
        await app.close();
      }
      app = await openApp(env);
      await app.close();
    } finally {
      copy.remove();
    }
  }, 240_000);
});
