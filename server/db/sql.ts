import type { Queryable } from './types.ts';

/** A timestamptz column as ISO 8601 in UTC with milliseconds, the same text on both engines. */
export const utcIso = (expression: string): string => `to_char((${expression}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** NOTIFY on `channel`, delivered to every listener when (and only if) the caller's transaction commits. */
export async function notify(tx: Queryable, channel: string, payload: string): Promise<void> {
  await tx.query('SELECT pg_notify($1, $2)', [channel, payload]);
}
