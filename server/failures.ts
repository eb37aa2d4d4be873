/**
 * What went wrong, in the words the API answers with and the log keeps. Neither ever carries a
 * query's parameters, nor PostgreSQL's `detail`, `hint` or `where`: PGlite keeps a failed
 * query's whole `params` array on its error (a new account's Argon2 hash, a new device key's
 * SHA-256), a check violation's detail is the failing row, a unique violation's the key's value,
 * and a geometry parse error's hint the text that was sent.
 */

/** The database cannot be reached right now (restart, failover, network): the request may be retried. */
export class DatabaseUnavailable extends Error {
  constructor(cause: unknown) {
    super(`database unavailable: ${cause instanceof Error ? cause.message : 'connection lost'}`, { cause });
    this.name = 'DatabaseUnavailable';
  }
}

/** What a client is asked to wait, in seconds, before trying again while the database is away. */
export const RETRY_AFTER_SECONDS = 5;

/** An error PostgreSQL raised (through pg or PGlite: both carry the server's fields). */
interface ServerError {
  severity: string;
  code: string;
  message: string;
  file?: string;
  constraint?: string;
  query?: string;
}

function serverError(error: unknown): ServerError | null {
  // Not only Error instances: an error that crossed a thread boundary may arrive as a plain object.
  if (typeof error !== 'object' || error === null) return null;
  const e = error as Partial<ServerError>;
  return typeof e.severity === 'string' && typeof e.code === 'string' ? (e as ServerError) : null;
}

/**
 * PostgreSQL's message without the offending value it sometimes ends with
 * (`invalid input syntax for type integer: "…"`): enough to say what was wrong, never what was sent.
 */
const withoutValue = (message: string) => message.replace(/: ".*$/s, '').slice(0, 200);

export interface Failure {
  status: 400 | 409 | 500 | 503;
  error: string;
}

/**
 * The answer an error that reached the top deserves. Bad input should be refused at the edge
 * with the field it is about; this is the net beneath: a value PostgreSQL cannot read (SQLSTATE
 * class 22: a NUL byte, a bad number or date, a 3-D point in a 2-D column) or a geometry PostGIS
 * cannot parse (XX000 from its liblwgeom error handler, lwgeom_pg.c) is the client's 400, not
 * our 500. A database that is away, or a transaction that lost a deadlock, is a 503 to retry.
 */
export function classifyFailure(error: unknown): Failure {
  if (error instanceof DatabaseUnavailable) return { status: 503, error: 'the database is not reachable right now; try again shortly' };
  const db = serverError(error);
  if (db?.code.startsWith('22')) return { status: 400, error: `a value could not be read: ${withoutValue(db.message)}` };
  if (db?.code === 'XX000' && db.file === 'lwgeom_pg.c') return { status: 400, error: `invalid geometry: ${withoutValue(db.message)}` };
  if (db?.code === '23505') return { status: 409, error: 'conflicts with a change made at the same time; try again' };
  if (db?.code === '40001' || db?.code === '40P01') return { status: 503, error: 'the database was busy with a conflicting change; try again' };
  return { status: 500, error: 'internal error' };
}

/** The statement's start, on one line: which query failed, without its parameters. */
const statement = (sql: string) => sql.replace(/\s+/g, ' ').trim().slice(0, 160);

/** One line for the log that says what failed and where, and never the values involved. */
export function describeError(error: unknown): string {
  if (error instanceof DatabaseUnavailable) return error.message;
  const db = serverError(error);
  if (db) {
    const constraint = db.constraint ? `, constraint ${db.constraint}` : '';
    return `${withoutValue(db.message)} (SQLSTATE ${db.code}${constraint})${db.query ? ` in: ${statement(db.query)}` : ''}`;
  }
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return `a non-error was thrown (${typeof error})`;
}

export const logError = (context: string, error: unknown) => console.error(`${context}: ${describeError(error)}`);
