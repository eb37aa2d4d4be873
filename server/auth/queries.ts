import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/index.ts';
import { utcIso } from '../db/sql.ts';
import type { Role, User } from './policy.ts';

const USER_COLUMNS = `u.id, u.username, u.display_name, u.role, u.zones::int[] AS zones`;

export interface UserAccount extends User {
  password_hash: string;
  disabled: boolean;
  demo: boolean;
}

export async function findAccount(db: Queryable, username: string): Promise<UserAccount | undefined> {
  const [row] = await db.query<UserAccount>(`SELECT ${USER_COLUMNS}, u.password_hash, u.disabled, u.demo FROM users u WHERE u.username = $1`, [username]);
  return row;
}

export async function listUsers(db: Queryable): Promise<(User & { disabled: boolean; demo: boolean })[]> {
  return db.query(`SELECT ${USER_COLUMNS}, u.disabled, u.demo FROM users u ORDER BY u.id`);
}

export async function getUser(db: Queryable, id: number): Promise<(User & { disabled: boolean }) | undefined> {
  const [row] = await db.query<User & { disabled: boolean }>(`SELECT ${USER_COLUMNS}, u.disabled FROM users u WHERE u.id = $1`, [id]);
  return row;
}

export interface NewUser {
  username: string;
  display_name: string;
  role: Role;
  zones: number[] | null;
  password_hash: string;
  demo?: boolean;
}

export async function insertUser(db: Queryable, user: NewUser): Promise<User> {
  const [row] = await db.query<User>(
    `INSERT INTO users AS u (username, display_name, role, zones, password_hash, demo)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${USER_COLUMNS}`,
    [user.username, user.display_name, user.role, user.zones, user.password_hash, user.demo ?? false],
  );
  if (!row) throw new Error('insert returned no user');
  return row;
}

export interface UserChange {
  display_name?: string;
  role?: Role;
  zones?: number[] | null;
  disabled?: boolean;
  password_hash?: string;
}

export async function updateUser(db: Queryable, id: number, change: UserChange): Promise<(User & { disabled: boolean }) | undefined> {
  const [row] = await db.query<User & { disabled: boolean }>(
    `UPDATE users AS u SET
       display_name  = coalesce($2, u.display_name),
       role          = coalesce($3, u.role),
       zones         = CASE WHEN $4::boolean THEN $5::smallint[] ELSE u.zones END,
       disabled      = coalesce($6, u.disabled),
       password_hash = coalesce($7, u.password_hash)
     WHERE u.id = $1
     RETURNING ${USER_COLUMNS}, u.disabled`,
    [
      id,
      change.display_name ?? null,
      change.role ?? null,
      change.zones !== undefined,
      change.zones ?? null,
      change.disabled ?? null,
      change.password_hash ?? null,
    ],
  );
  return row;
}

/** Session tokens: 256 random bits; only their hash is stored. */
export const newToken = () => randomBytes(32).toString('base64url');
const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

export interface SessionRecord {
  user: User;
  csrf_token: string;
  expires_at: string;
}

/**
 * Session times are the server's clock (`now`), not the database's: a drill or a test on a manual
 * clock moves sessions towards their end as it moves everything else with a deadline.
 */
export async function insertSession(
  db: Queryable,
  userId: number,
  token: string,
  csrfToken: string,
  maxSeconds: number,
  client: { ip: string; userAgent: string | null },
  now: Date,
): Promise<void> {
  await db.query(
    `INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, ip, user_agent)
     VALUES ($1, $2, $3, $7, $7, $7::timestamptz + make_interval(secs => $4), $5, $6)`,
    [tokenHash(token), userId, csrfToken, maxSeconds, client.ip, client.userAgent?.slice(0, 300) ?? null, now],
  );
}

/**
 * The live session behind a token: expired by its absolute lifetime, by `idleSeconds` without a
 * request, or by its user being disabled. Its last-seen time is moved on at most once a minute,
 * so a map loading a hundred tiles does not write a hundred times.
 */
export async function touchSession(db: Queryable, token: string, idleSeconds: number, now: Date): Promise<SessionRecord | undefined> {
  const [row] = await db.query<User & { csrf_token: string; expires_at: string }>(
    `WITH live AS (
       SELECT s.token_hash, s.last_seen_at, s.csrf_token, s.expires_at, ${USER_COLUMNS}
       FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.token_hash = $1 AND NOT u.disabled
         AND s.expires_at > $3 AND s.last_seen_at > $3::timestamptz - make_interval(secs => $2)),
     touched AS (
       UPDATE sessions SET last_seen_at = $3
       FROM live WHERE sessions.token_hash = live.token_hash AND live.last_seen_at < $3::timestamptz - interval '1 minute')
     SELECT id, username, display_name, role, zones, csrf_token,
            to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS expires_at
     FROM live`,
    [tokenHash(token), idleSeconds, now],
  );
  if (!row) return undefined;
  const { csrf_token, expires_at, ...user } = row;
  return { user, csrf_token, expires_at };
}

export async function deleteSession(db: Queryable, token: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash(token)]);
}

export async function deleteSessionsOf(db: Queryable, userId: number): Promise<void> {
  await db.query('DELETE FROM sessions WHERE user_id = $1', [userId]);
}

/**
 * Housekeeping on each sign-in: expired sessions (by the server's clock, `now`, as they expire),
 * attempts too old to count, and guards that lock nothing, go.
 */
export async function forgetExpired(db: Queryable, attemptWindowSeconds: number, now: Date): Promise<void> {
  await db.query('DELETE FROM sessions WHERE expires_at < $1', [now]);
  await db.query('DELETE FROM login_attempts WHERE at < now() - make_interval(secs => $1)', [attemptWindowSeconds]);
  // Guards a sign-in holds right now are skipped, not waited for: waiting here, in no fixed
  // order, could close a circle with sign-ins that lock their account and address guards.
  await db.query(`DELETE FROM login_guards WHERE (kind, key) IN (
    SELECT kind, key FROM login_guards WHERE locked_until IS NULL OR locked_until < now() FOR UPDATE SKIP LOCKED)`);
}

/** Records an attempt; returns its id. */
export async function recordLoginAttempt(db: Queryable, username: string, ip: string, success: boolean): Promise<number> {
  const [row] = await db.query<{ id: number }>('INSERT INTO login_attempts (username, ip, success) VALUES ($1, $2, $3) RETURNING id::int AS id', [
    username,
    ip,
    success,
  ]);
  if (!row) throw new Error('insert returned no attempt');
  return row.id;
}

export async function markAttemptSucceeded(db: Queryable, id: number): Promise<void> {
  await db.query('UPDATE login_attempts SET success = true WHERE id = $1', [id]);
}

export type GuardKind = 'account' | 'address';
/** A lock in force: until when, and the seconds left (for Retry-After). */
export interface GuardLock {
  until: string;
  seconds: number;
}

const GUARD_LOCK = `CASE WHEN g.locked_until > now() THEN ${utcIso('g.locked_until')} END AS until,
                    ceil(extract(epoch FROM g.locked_until - now()))::int AS seconds`;
const guardLock = (row: { until: string | null; seconds: number | null } | undefined): GuardLock | null =>
  row?.until ? { until: row.until, seconds: Math.max(1, row.seconds ?? 1) } : null;

/**
 * Takes the row locks of a username's guard and an address's guard (creating them on first use)
 * until the transaction ends, and returns the locks in force. Every sign-in for the same name,
 * or from the same address, waits here: counting failures and deciding on them cannot interleave.
 * Always account before address, so two sign-ins never wait on each other in a circle.
 */
export async function lockGuards(db: Queryable, username: string, ip: string): Promise<Record<GuardKind, GuardLock | null>> {
  const rows = await db.query<{ kind: GuardKind; until: string | null; seconds: number | null }>(
    `INSERT INTO login_guards AS g (kind, key) VALUES ('account', $1), ('address', $2)
     ON CONFLICT (kind, key) DO UPDATE SET locked_until = g.locked_until
     RETURNING g.kind, ${GUARD_LOCK}`,
    [username, ip],
  );
  return { account: guardLock(rows.find((r) => r.kind === 'account')), address: guardLock(rows.find((r) => r.kind === 'address')) };
}

export async function setGuardLock(db: Queryable, kind: GuardKind, key: string, seconds: number): Promise<GuardLock> {
  const [row] = await db.query<{ until: string | null; seconds: number | null }>(
    `UPDATE login_guards AS g SET locked_until = now() + make_interval(secs => $3) WHERE g.kind = $1 AND g.key = $2
     RETURNING ${GUARD_LOCK}`,
    [kind, key, seconds],
  );
  const lock = guardLock(row);
  if (!lock) throw new Error(`no ${kind} guard to lock`);
  return lock;
}

export async function clearGuardLock(db: Queryable, kind: GuardKind, key: string): Promise<void> {
  await db.query('UPDATE login_guards SET locked_until = NULL WHERE kind = $1 AND key = $2', [kind, key]);
}

/**
 * Failed attempts since the last success (or in the window), for an account and for an address.
 * An attempt whose password is still being checked counts as failed.
 */
export async function recentFailures(db: Queryable, username: string, ip: string, windowSeconds: number): Promise<{ account: number; address: number }> {
  const [row] = await db.query<{ account: number; address: number }>(
    `SELECT
       (SELECT count(*)::int FROM login_attempts a
        WHERE a.username = $1 AND NOT a.success AND a.at > now() - make_interval(secs => $3)
          AND a.at > coalesce((SELECT max(at) FROM login_attempts s WHERE s.username = $1 AND s.success), '-infinity')) AS account,
       (SELECT count(*)::int FROM login_attempts a
        WHERE a.ip = $2 AND NOT a.success AND a.at > now() - make_interval(secs => $3)) AS address`,
    [username, ip, windowSeconds],
  );
  return row ?? { account: 0, address: 0 };
}

export async function countDemoAccounts(db: Queryable): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users WHERE demo');
  return row?.n ?? 0;
}

export async function allPasswordHashes(db: Queryable): Promise<{ username: string; password_hash: string }[]> {
  return db.query('SELECT username, password_hash FROM users WHERE NOT disabled');
}
