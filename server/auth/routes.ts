import type { Context } from 'hono';
import { Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { recordAudit, type Actor } from '../audit/queries.ts';
import type { Env } from '../env.ts';
import { apiError, badRequest } from '../http/errors.ts';
import { integer, validate } from '../http/validate.ts';
import { actorOf, clientIp, requireViewer, SESSION_COOKIE } from './middleware.ts';
import { hashPassword, MIN_PASSWORD_LENGTH, passwordProblem, timingDummyHash, verifyPassword } from './passwords.ts';
import { canManageAccess, permissions, ROLES, type User, type Viewer } from './policy.ts';
import * as auth from './queries.ts';

/** Failed sign-ins that lock an account, and for how long; failures from one address that pause it. */
const ACCOUNT_FAILURES = 5;
const ADDRESS_FAILURES = 20;
const WINDOW_SECONDS = 15 * 60;
const LOCK_SECONDS = 15 * 60;

const username = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9_.-]{2,31}$/, '3–32 letters, digits, ".", "_" or "-"');
const password = z.string().min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`).max(256);
const zones = z.array(z.number().int().min(1).max(99)).min(1).max(99).nullable();

const loginBody = z.object({ username: z.string().trim().toLowerCase().min(1).max(64), password: z.string().min(1).max(256) });
const newUserBody = z
  .object({
    username,
    password,
    display_name: z.string().trim().min(1).max(100),
    role: z.enum(ROLES),
    zones: zones.default(null),
  })
  .strict();
const userChangeBody = z
  .object({
    display_name: z.string().trim().min(1).max(100),
    role: z.enum(ROLES),
    zones,
    disabled: z.boolean(),
    password,
  })
  .partial()
  .strict();

function refuseWeakPassword(given: string, username: string): void {
  const problem = passwordProblem(given, username);
  if (problem) throw badRequest('password', `password: ${problem}`);
}

function whoAmI(viewer: Viewer, csrfToken: string | null) {
  const user: User | null =
    viewer.kind === 'user' ? { id: viewer.id, username: viewer.username, display_name: viewer.display_name, role: viewer.role, zones: viewer.zones } : null;
  return { user, permissions: permissions(viewer), csrf_token: csrfToken };
}

const retryAfter = (lock: auth.GuardLock) => ({ 'Retry-After': String(lock.seconds) });
/** The same answer whether the name has an account or not. */
const lockedAnswer = (lock: auth.GuardLock) => apiError(423, `account locked after repeated failed sign-ins, until ${lock.until}`, undefined, retryAfter(lock));

const systemActor = (c: Context<Env>, name: string): Actor => ({ kind: 'system', id: null, name, ip: clientIp(c) });

export const authRoutes = new Hono<Env>()
  .get('/auth/me', (c) => c.json(whoAmI(c.var.viewer, c.var.session?.csrfToken ?? null)))

  .post('/auth/login', validate('json', loginBody), async (c) => {
    const { username: name, password: given } = c.req.valid('json');
    const ip = clientIp(c);
    const { db, settings } = c.var;
    // Decided under the guards' row locks before the (slow) password check: the attempt is
    // recorded as failed at once and only turned into a success once the password proves right,
    // so parallel attempts each see the ones before them and no more than the limit get to try.
    const claim = await db.transaction(async (tx) => {
      const locks = await auth.lockGuards(tx, name, ip);
      if (locks.address) throw apiError(429, 'too many failed sign-ins from this address; try again later', undefined, retryAfter(locks.address));
      if (locks.account) throw lockedAnswer(locks.account);
      const failures = await auth.recentFailures(tx, name, ip, WINDOW_SECONDS);
      const attempt = await auth.recordLoginAttempt(tx, name, ip, false);
      return {
        attempt,
        // The attempt that reaches a limit locks at once; a right password lifts its lock again.
        accountLock: failures.account + 1 >= ACCOUNT_FAILURES ? await auth.setGuardLock(tx, 'account', name, LOCK_SECONDS) : null,
        addressLock: failures.address + 1 >= ADDRESS_FAILURES ? await auth.setGuardLock(tx, 'address', ip, WINDOW_SECONDS) : null,
      };
    });
    const account = await auth.findAccount(db, name);
    // An unknown name is checked against a dummy hash and locked like an account, so neither the
    // time taken nor the answers tell whether the account exists.
    const valid = await verifyPassword(account?.password_hash ?? (await timingDummyHash()), given);
    if (!account || !valid || account.disabled) {
      await db.transaction(async (tx) => {
        await recordAudit(tx, systemActor(c, name), { action: 'login_failed', entity: 'user', entityId: name });
        if (claim.accountLock) {
          await recordAudit(tx, systemActor(c, name), { action: 'lock', entity: 'user', entityId: name, after: { locked_until: claim.accountLock.until } });
        }
      });
      if (claim.accountLock) throw lockedAnswer(claim.accountLock);
      throw apiError(401, 'wrong username or password');
    }
    const token = auth.newToken();
    const csrfToken = auth.newToken();
    const user: User = { id: account.id, username: account.username, display_name: account.display_name, role: account.role, zones: account.zones };
    await db.transaction(async (tx) => {
      await auth.forgetExpired(tx, WINDOW_SECONDS, c.var.clock.now());
      await auth.markAttemptSucceeded(tx, claim.attempt);
      if (claim.accountLock) await auth.clearGuardLock(tx, 'account', name);
      if (claim.addressLock) await auth.clearGuardLock(tx, 'address', ip);
      await auth.insertSession(
        tx,
        user.id,
        token,
        csrfToken,
        settings.session.maxSeconds,
        { ip, userAgent: c.req.header('user-agent') ?? null },
        c.var.clock.now(),
      );
      await recordAudit(tx, { kind: 'user', id: user.id, name: user.username, ip }, { action: 'login', entity: 'session', entityId: null });
    });
    setCookie(c, SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
      secure: settings.session.secureCookie,
      maxAge: settings.session.maxSeconds,
    });
    return c.json(whoAmI({ kind: 'user', ...user }, csrfToken));
  })

  .post('/auth/logout', async (c) => {
    const session = c.var.session;
    if (session) {
      await c.var.db.transaction(async (tx) => {
        await auth.deleteSession(tx, session.token);
        await recordAudit(tx, actorOf(c), { action: 'logout', entity: 'session', entityId: null });
      });
    }
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.json(whoAmI({ kind: 'public' }, null));
  })

  .get('/users', requireViewer(canManageAccess, 'only administrators manage accounts'), async (c) => c.json(await auth.listUsers(c.var.db)))

  .post('/users', requireViewer(canManageAccess, 'only administrators manage accounts'), validate('json', newUserBody), async (c) => {
    const body = c.req.valid('json');
    refuseWeakPassword(body.password, body.username);
    const password_hash = await hashPassword(body.password);
    const user = await c.var.db.transaction(async (tx) => {
      if (await auth.findAccount(tx, body.username)) throw badRequest('username', `username: "${body.username}" is taken`);
      const created = await auth.insertUser(tx, { ...body, password_hash });
      await recordAudit(tx, actorOf(c), { action: 'create', entity: 'user', entityId: created.id, after: created });
      return created;
    });
    return c.json(user, 201);
  })

  .patch(
    '/users/:id',
    requireViewer(canManageAccess, 'only administrators manage accounts'),
    validate('param', z.object({ id: integer(1, 2 ** 31 - 1) })),
    validate('json', userChangeBody),
    async (c) => {
      const { id } = c.req.valid('param');
      const { password: newPassword, ...change } = c.req.valid('json');
      const existing = await auth.getUser(c.var.db, id);
      if (!existing) throw apiError(404, `no user ${id}`);
      // Usernames never change, so the one read here is the one the password is checked against.
      if (newPassword) refuseWeakPassword(newPassword, existing.username);
      const password_hash = newPassword ? await hashPassword(newPassword) : undefined;
      const updated = await c.var.db.transaction(async (tx) => {
        const before = await auth.getUser(tx, id);
        if (!before) throw apiError(404, `no user ${id}`);
        const after = await auth.updateUser(tx, id, { ...change, password_hash });
        // New credentials or a disabled account end every session it had; new ones lift a lock.
        if (password_hash || change.disabled) await auth.deleteSessionsOf(tx, id);
        if (password_hash) await auth.clearGuardLock(tx, 'account', before.username);
        await recordAudit(tx, actorOf(c), {
          action: 'update',
          entity: 'user',
          entityId: id,
          before,
          after: { ...after, ...(password_hash ? { password: 'changed' } : {}) },
        });
        return after;
      });
      return c.json(updated);
    },
  );
