/**
 * Whether a request's `If-None-Match` already names `etag`, so the answer is a 304 without the
 * bytes. The comparison is weak (RFC 9110 §13.1.2): a compressed answer carried the tag as W/"…".
 */
export function clientHas(ifNoneMatch: string | undefined, etag: string): boolean {
  const known = ifNoneMatch?.split(/\s*,\s*/) ?? [];
  return known.some((tag) => tag === '*' || tag.replace(/^W\//, '') === etag);
}
