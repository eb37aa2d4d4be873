import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import { createMiddleware } from 'hono/factory';
import { z } from 'zod';
import { badRequest, type ApiError } from './errors.ts';

/**
 * Hono's zod validator with the project's error shape: the first problem, as a sentence, and
 * the field it is about.
 */
export const validate = <Target extends keyof ValidationTargets, Schema extends z.ZodType>(target: Target, schema: Schema) =>
  zValidator(target, schema, (result, c) => {
    if (result.success) return;
    const issue = result.error.issues[0];
    const field = issue?.path.join('.') || (target === 'json' ? 'body' : target);
    const body: ApiError = { error: `${field}: ${issue?.message ?? 'invalid'}`, field };
    return c.json(body, 400);
  });

/** `minLon,minLat,maxLon,maxLat` in WGS84 degrees. */
export const bbox = z.string({ error: 'required, as minLon,minLat,maxLon,maxLat' }).transform((text, ctx) => {
  const parts = text.split(',').map((part) => (part.trim() === '' ? Number.NaN : Number(part)));
  const [minLon, minLat, maxLon, maxLat] = parts;
  if (
    parts.length !== 4 ||
    parts.some((n) => !Number.isFinite(n)) ||
    minLon === undefined ||
    minLat === undefined ||
    maxLon === undefined ||
    maxLat === undefined
  ) {
    ctx.addIssue({ code: 'custom', message: 'expected four numbers: minLon,minLat,maxLon,maxLat' });
    return z.NEVER;
  }
  if (minLon < -180 || maxLon > 180 || minLat < -90 || maxLat > 90) {
    ctx.addIssue({ code: 'custom', message: 'longitudes must be within -180..180 and latitudes within -90..90' });
    return z.NEVER;
  }
  if (minLon >= maxLon || minLat >= maxLat) {
    ctx.addIssue({ code: 'custom', message: 'minimum must be less than maximum' });
    return z.NEVER;
  }
  return [minLon, minLat, maxLon, maxLat] as const;
});

export type Bbox = readonly [number, number, number, number];

/** A whole number in a query string or path, within [min, max]. */
export const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^-?\d{1,10}$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().min(min).max(max));

/** `view=public`: answer as to the public whoever asks, for pages that must never show more. */
export const viewParam = z.enum(['public']).optional();

/** Where in a parsed JSON value a string (or a key) holds a NUL character, as a field path, or null. */
export function nulPath(value: unknown, path: string[] = []): string | null {
  if (typeof value === 'string') return value.includes('\0') ? path.join('.') || 'body' : null;
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\0')) return [...path, key].join('.');
    const found = nulPath(item, [...path, key]);
    if (found) return found;
  }
  return null;
}

/**
 * PostgreSQL's text cannot hold U+0000: a NUL anywhere in a request would reach the database and
 * fail there as a 500. Refused here, once, for every route (path, query and JSON body, at any
 * depth), so no route can forget it: 400 naming the field.
 */
export const refuseNulCharacters = createMiddleware(async (c, next) => {
  const refuse = (field: string) => badRequest(field, `${field}: must not contain a NUL character (U+0000)`);
  if (/%00/.test(new URL(c.req.url).pathname)) throw refuse('path');
  for (const [name, values] of Object.entries(c.req.queries())) {
    if (name.includes('\0') || values.some((v) => v.includes('\0'))) throw refuse(name);
  }
  if (/^application\/json/i.test(c.req.header('content-type') ?? '') && c.req.method !== 'GET' && c.req.method !== 'HEAD') {
    // Read as text (kept for the route: a signature check needs the bytes as sent). JSON can
    // carry a NUL only escaped, so most bodies are never parsed here.
    const text = await c.req.text();
    if (text.includes('\\u0000')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      } // malformed: the route's validator says so
      const field = nulPath(parsed);
      if (field) throw refuse(field);
    }
  }
  await next();
});
