import type { Context } from 'hono';
import { isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import { deleteCookie, getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { Actor } from '../audit/queries.ts';
import type { Env } from '../env.ts';
import { apiError } from '../http/errors.ts';
import { isPhotoUpload } from '../sites/photos/paths.ts';
import { PUBLIC, type Viewer } from './policy.ts';
import { touchSession } from './queries.ts';

export const SESSION_COOKIE = 'mueang_session';
const CSRF_HEADER = 'X-CSRF-Token';

/**
 * The client's address from `X-Forwarded-For` behind `hops` trusted proxies, or null. Each proxy
 * appends the address it was reached from, so the entry `hops` from the right was written by the
 * outermost trusted proxy; whatever stands left of it the client sent, and may have invented.
 * Fewer entries than hops: the request passed fewer proxies, and the leftmost is the furthest
 * one seen. An entry that is not an IP address (a proxy misconfigured) gives null.
 */
export function forwardedClient(header: string | undefined, hops: number): string | null {
  if (!header || hops < 1) return null;
  const entries = header.split(',');
  const entry = entries[Math.max(0, entries.length - hops)]?.trim() ?? '';
  // Some proxies add the client's port: "203.0.113.7:51234", "[2001:db8::7]:51234".
  const address = /^\[(.+)\](?::\d+)?$/.exec(entry)?.[1] ?? /^([\d.]+):\d+$/.exec(entry)?.[1] ?? entry;
  return isIP(address) ? address : null;
}

/** The client's address: the one the trusted proxies report, or else the socket's. */
export function clientIp(c: Context<Env>): string {
  const forwarded = forwardedClient(c.req.header('x-forwarded-for'), c.var.settings.trustProxy);
  if (forwarded) return forwarded;
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The actor an audit entry names for this request. */
export function actorOf(c: Context<Env>): Actor {
  const viewer = c.var.viewer;
  return viewer.kind === 'user'
    ? { kind: 'user', id: viewer.id, name: viewer.username, ip: clientIp(c) }
    : { kind: 'system', id: null, name: 'public', ip: clientIp(c) };
}

/**
 * Finds who is asking. A cookie whose session has expired, been signed out or never existed
 * makes the request a public one (and the cookie is cleared): the public view keeps working,
 * and whatever needs a user answers 401.
 */
export const identify = createMiddleware<Env>(async (c, next) => {
  c.set('viewer', PUBLIC);
  c.set('session', null);
  const token = getCookie(c, SESSION_COOKIE);
  if (token) {
    const session = /^[A-Za-z0-9_-]{43}$/.test(token) ? await touchSession(c.var.db, token, c.var.settings.session.idleSeconds, c.var.clock.now()) : undefined;
    if (session) {
      c.set('viewer', { kind: 'user', ...session.user });
      c.set('session', { token, csrfToken: session.csrf_token });
    } else {
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
    }
  }
  await next();
});

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Cross-site request forgery: a state-changing request must come from this site (Origin or
 * Sec-Fetch-Site), and one made with a session cookie must also carry the session's CSRF token
 * in a header, which another site cannot read. Device requests carry no cookie.
 */
export const csrfProtection = createMiddleware<Env>(async (c, next) => {
  if (UNSAFE.has(c.req.method)) {
    const origin = c.req.header('origin');
    const host = c.req.header('host');
    if (
      origin &&
      (() => {
        try {
          return new URL(origin).host !== host;
        } catch {
          return true;
        }
      })()
    ) {
      throw apiError(403, 'cross-site request refused');
    }
    if (c.req.header('sec-fetch-site') === 'cross-site') throw apiError(403, 'cross-site request refused');
    // Only JSON bodies: an HTML form on another site can send form data or text, never JSON.
    // Nor an image type, which the photo upload takes (see isPhotoUpload).
    const hasBody = Number(c.req.header('content-length') ?? 0) > 0 || c.req.header('transfer-encoding') !== undefined;
    const type = c.req.header('content-type') ?? '';
    if (isPhotoUpload(c.req.method, c.req.path)) {
      if (!/^image\/(jpeg|png|webp)\s*(;|$)/i.test(type)) {
        throw apiError(415, 'body: send the photo with Content-Type image/jpeg, image/png or image/webp', 'body');
      }
    } else if (hasBody && !/^application\/json\s*(;|$)/i.test(type)) {
      throw apiError(415, 'body: send JSON with Content-Type: application/json', 'body');
    }
    if (getCookie(c, SESSION_COOKIE) && c.var.session && c.req.header(CSRF_HEADER) !== c.var.session.csrfToken) {
      throw apiError(403, `missing or wrong ${CSRF_HEADER} header`);
    }
  }
  await next();
});

/** Refuses the viewer unless `allowed(viewer)`: 401 for the public, 403 for a user. */
export function refuseUnless(viewer: Viewer, allowed: (viewer: Viewer) => boolean, refusal: string): void {
  if (!allowed(viewer)) throw viewer.kind === 'public' ? apiError(401, `sign in required: ${refusal}`) : apiError(403, refusal);
}

/** Lets the request through only if `allowed(viewer)` (refuseUnless): for a whole route. */
export const requireViewer = (allowed: (viewer: Viewer) => boolean, refusal: string) =>
  createMiddleware<Env>(async (c, next) => {
    refuseUnless(c.var.viewer, allowed, refusal);
    await next();
  });
