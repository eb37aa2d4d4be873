/** A timestamptz column as ISO 8601 in UTC with milliseconds, the same text on both engines. */
export const utcIso = (expression: string): string =>
  `to_char((${expression}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
