import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import { z } from 'zod';
import type { ApiError } from './errors.ts';

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
export const bbox = z
  .string({ error: 'required, as minLon,minLat,maxLon,maxLat' })
  .transform((text, ctx) => {
    const parts = text.split(',').map((part) => (part.trim() === '' ? Number.NaN : Number(part)));
    const [minLon, minLat, maxLon, maxLat] = parts;
    if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n))
      || minLon === undefined || minLat === undefined || maxLon === undefined || maxLat === undefined) {
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
  z.string().regex(/^-?\d{1,10}$/, 'expected a whole number').transform(Number).pipe(z.number().min(min).max(max));

/** `view=public`: answer as to the public whoever asks, for pages that must never show more. */
export const viewParam = z.enum(['public']).optional();
