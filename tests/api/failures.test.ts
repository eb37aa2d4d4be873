import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Db } from '../../server/db/index.ts';
import { openPostgis } from '../../server/db/postgis.ts';
import { classifyFailure, DatabaseUnavailable, describeError } from '../../server/failures.ts';
import { freshDatabase, openCopy } from '../support/databases.ts';
import { secretsIn } from '../support/logs.ts';
import { until } from '../support/wait.ts';

const engines = inject('engines');
const HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA';

const failureOf = (work: Promise<unknown>) =>
  work.then(
    () => {
      throw new Error('expected the query to fail');
    },
    (error: unknown) => error,
  );

/**
 * The errors each engine really raises (on a database of their own, opened in this process): what the API answers for them and what the log says of them.
 */
describe.each(engines)('errors from $engine', (target) => {
  let db: Db;
  let close: () => Promise<void>;
  beforeAll(async () => {
    // A migrated database of its own (PostGIS in it): the run's template, copied.
    ({ db, close } = await openCopy(target, 'migrated', 'mueang_errors_test'));
  }, 120_000);
  afterAll(async () => close?.());

  it.each([
    ['a WKT that does not close', 'SELECT ST_GeomFromText($1, 4326)', ['POINT(102.83 16.43'], /^invalid geometry: parse error/],
    ['a WKT that is not one', 'SELECT ST_GeomFromText($1, 4326)', ['HELLO'], /^invalid geometry/],
    ['GeoJSON without enough ordinates', 'SELECT ST_GeomFromGeoJSON($1)', ['{"type":"Point","coordinates":[1]}'], /^invalid geometry/],
    [
      'a 3-D point for a 2-D column',
      'SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326)::geometry(Point, 4326)',
      ['{"type":"Point","coordinates":[102.84,16.40,1]}'],
      /Z dimension/,
    ],
    ['a NUL byte', 'SELECT $1::text', ['a\u0000b'], /^a value could not be read: invalid byte sequence/],
    ['a number that is not one', 'SELECT $1::int', ['not-a-number'], /^a value could not be read: invalid input syntax for type integer$/],
  ])('answers %s with 400, without the value', async (_, sql, params, message) => {
    const error = await failureOf(db.query(sql, params));
    const failure = classifyFailure(error);
    expect(failure.status).toBe(400);
    expect(failure.error).toMatch(message);
    expect(failure.error).not.toContain(params[0]);
    expect(describeError(error)).not.toContain(params[0]);
  });

  it('logs a failed statement and its error, not its parameters nor the failing row', async () => {
    const error = await failureOf(
      db.transaction(async (tx) => {
        await tx.exec('CREATE TEMP TABLE secrets (hash text CHECK (length(hash) < 10)) ON COMMIT DROP');
        await tx.query('INSERT INTO secrets (hash) VALUES ($1)', [HASH]);
      }),
    );
    expect(classifyFailure(error)).toEqual({ status: 500, error: 'internal error' });
    const line = describeError(error);
    expect(line).toMatch(/violates check constraint .*SQLSTATE 23514.* in: INSERT INTO secrets \(hash\) VALUES \(\$1\)/);
    expect(secretsIn(line, [HASH])).toEqual([]);
  });

  it('answers a programming error with a plain 500', async () => {
    const error = await failureOf(db.query('SELECT * FROM no_such_table WHERE id = $1', [7]));
    expect(classifyFailure(error)).toEqual({ status: 500, error: 'internal error' });
    expect(describeError(error)).toMatch(/SQLSTATE 42P01/);
  });
});

/**
 * The PostGIS engine when connections die under it, on a database of its own so that ending
 * its connections disturbs no other suite. Without 'error' listeners, each of these ends the
 * process (vitest reports it as an uncaught exception).
 */
describe.runIf(engines.some((e) => e.engine === 'postgis'))('the PostGIS engine when its connections are ended', () => {
  const sharedUrl = engines.find((e) => e.engine === 'postgis')?.databaseUrl as string;
  const name = 'mueang_failures_test';
  let url: string;
  let db: Db;
  let admin: pg.Client;
  /** Ends this database's server processes other than the admin's own, as a restart would. */
  const terminate = async (where = 'true') =>
    (
      await admin.query<{ n: number }>(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
     WHERE datname = $1 AND pid <> pg_backend_pid() AND ${where}`,
        [name],
      )
    ).rows[0]?.n ?? 0;

  beforeAll(async () => {
    url = await freshDatabase(sharedUrl, name);
    db = await openPostgis(url);
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
  });
  afterAll(async () => {
    await db?.close();
    await admin?.end();
  });

  it('answers 503 when the database cannot be reached at all', async () => {
    const unused = new URL(sharedUrl);
    unused.port = '1';
    const error = await failureOf(openPostgis(unused.toString()));
    expect(error).toBeInstanceOf(DatabaseUnavailable);
    expect(classifyFailure(error).status).toBe(503);
  });

  it('turns JIT off on its connections', async () => {
    expect(await db.query('SHOW jit')).toEqual([{ jit: 'off' }]);
  });

  it('survives idle connections being ended, and connects again', async () => {
    await Promise.all([db.query('SELECT 1'), db.query('SELECT 2')]);
    expect(await terminate()).toBeGreaterThan(0);
    // The pool hears of it and drops them; until it has, a query may meet a dead one (a 503).
    await until('a query to succeed again', () =>
      db.query('SELECT 1').then(
        () => true,
        () => false,
      ),
    );
  });

  it('fails a transaction whose connection is ended with a 503, not a second error, and carries on', async () => {
    const error = await failureOf(
      db.transaction(async (tx) => {
        await tx.query('SELECT 1');
        await tx.query('SELECT pg_terminate_backend(pg_backend_pid())');
      }),
    );
    expect(error).toBeInstanceOf(DatabaseUnavailable);
    expect(classifyFailure(error).status).toBe(503);
    expect(await db.transaction((tx) => tx.query<{ ok: number }>('SELECT 1 AS ok'))).toEqual([{ ok: 1 }]);
  });

  it('listens again after its LISTEN connection is ended, and says there was a gap', async () => {
    const payloads: string[] = [];
    let gaps = 0;
    const stop = await db.listen(
      'mueang_failures_test',
      (payload) => payloads.push(payload),
      () => {
        gaps += 1;
      },
    );
    try {
      expect(await terminate("query LIKE 'LISTEN%'")).toBe(1);
      await until('the gap to be reported', () => gaps === 1);
      await db.query('SELECT pg_notify($1, $2)', ['mueang_failures_test', 'after the gap']);
      await until('the notification after the gap', () => payloads.includes('after the gap'));
    } finally {
      await stop();
    }
  });
});
