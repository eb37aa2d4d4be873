import { createHash } from 'node:crypto';
import type { Queryable, Statement } from './types.ts';

/** A timestamptz column as ISO 8601 in UTC with milliseconds, the same text on both engines. */
export const utcIso = (expression: string): string => `to_char((${expression}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** NOTIFY on `channel`, delivered to every listener when (and only if) the caller's transaction commits. */
export async function notify(tx: Queryable, channel: string, payload: string): Promise<void> {
  await tx.query('SELECT pg_notify($1, $2)', [channel, payload]);
}

const statements = new Map<string, Statement>();

/**
 * A statement to prepare once per connection (see Statement). Only for fixed texts of hot
 * paths: each distinct text is one prepared statement on every pooled connection, and is named
 * (hashed) once per process, not at every request.
 */
export function statement(text: string): Statement {
  let found = statements.get(text);
  if (!found) {
    found = { text, name: `mueang_${createHash('sha1').update(text).digest('hex').slice(0, 16)}` };
    statements.set(text, found);
  }
  return found;
}
