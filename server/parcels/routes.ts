import { Hono } from 'hono';
import { z } from 'zod';
import { parcelAttributes, viewKey, zoneScope, type Viewer } from '../auth/policy.ts';
import type { Env } from '../env.ts';
import { badRequest } from '../http/errors.ts';
import { bbox, integer, validate } from '../http/validate.ts';
import { parcelsInBbox, parcelTile, type ParcelView } from './queries.ts';
import { TileCache } from './tileCache.ts';

const MAX_PAGE = 5000;
const MAX_ZOOM = 22;

const parcelQuery = z.object({
  bbox,
  limit: integer(1, MAX_PAGE).default(1000),
  after: integer(0, 2 ** 31 - 1).default(0),
});

const tileParams = z.object({
  z: integer(0, MAX_ZOOM),
  x: integer(0, 2 ** MAX_ZOOM - 1),
  y: z
    .string()
    .regex(/^\d{1,8}\.mvt$/, 'expected a tile row followed by .mvt')
    .transform((s) => Number(s.slice(0, -4))),
});

const viewOf = (viewer: Viewer): ParcelView => ({ attributes: parcelAttributes(viewer), zones: zoneScope(viewer) });

export function parcelRoutes(tiles = new TileCache()) {
  return (
    new Hono<Env>()
      // Bounded: a box over the whole city comes back in pages of at most MAX_PAGE parcels.
      .get('/parcels', validate('query', parcelQuery), async (c) => {
        const { bbox: box, limit, after } = c.req.valid('query');
        c.header('Cache-Control', 'private, no-store');
        return c.json(await parcelsInBbox(c.var.db, viewOf(c.var.viewer), box, { limit, after }));
      })
      .get('/tiles/parcels/:z/:x/:y', validate('param', tileParams), async (c) => {
        const { z: zoom, x, y } = c.req.valid('param');
        const size = 2 ** zoom;
        if (x >= size) throw badRequest('x', `x: must be below ${size} at zoom ${zoom}`);
        if (y >= size) throw badRequest('y', `y: must be below ${size} at zoom ${zoom}`);
        const viewer = c.var.viewer;
        const key = TileCache.key(viewKey(viewer), zoom, x, y);
        let tile = tiles.get(key);
        if (!tile) {
          tile = await parcelTile(c.var.reads, viewOf(viewer), zoom, x, y);
          tiles.set(key, tile);
        }
        return c.body(tile, 200, {
          'Content-Type': 'application/vnd.mapbox-vector-tile',
          // Browsers and proxies may keep public tiles; tiles with personal data stay with their viewer.
          'Cache-Control': viewer.kind === 'public' ? 'public, max-age=60' : 'private, no-store',
          Vary: 'Cookie',
        });
      })
  );
}
