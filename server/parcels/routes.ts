import { Hono } from 'hono';
import { z } from 'zod';
import { recordAudit } from '../audit/queries.ts';
import { actorOf } from '../auth/middleware.ts';
import { parcelTileAttributes, parcelView, seesPersonalParcelData, zoneScope, type Viewer } from '../auth/policy.ts';
import type { Env } from '../env.ts';
import { apiError, badRequest } from '../http/errors.ts';
import { clientHas } from '../http/etag.ts';
import { chooseEncoding } from '../http/compress.ts';
import { bbox, integer, validate } from '../http/validate.ts';
import { parcelById, parcelsInBbox, parcelTile, type ParcelTileView } from './queries.ts';
import { encodedTile } from './tileCache.ts';

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

const idParam = z.object({ id: integer(1, 2 ** 31 - 1) });

/** What the viewer's vector tiles carry. Exported so the benchmark measures the tiles the server serves. */
export const tileViewOf = (viewer: Viewer): ParcelTileView => ({ attributes: parcelTileAttributes(viewer), zones: zoneScope(viewer) });

export function parcelRoutes() {
  return (
    new Hono<Env>()
      // Bounded: a box over the whole city comes back in pages of at most MAX_PAGE parcels.
      .get('/parcels', validate('query', parcelQuery), async (c) => {
        const { bbox: box, limit, after } = c.req.valid('query');
        c.header('Cache-Control', 'private, no-store');
        return c.json(await parcelsInBbox(c.var.reads, parcelView(c.var.viewer), box, { limit, after }));
      })
      // One parcel with everything the viewer may see of it: the details panel's owner and tax
      // rows, which tiles do not carry. A reading of personal data is recorded in the audit trail
      // (who, which parcel) in the same transaction: no record, no data.
      .get('/parcels/:id', validate('param', idParam), async (c) => {
        const { id } = c.req.valid('param');
        const viewer = c.var.viewer;
        const parcel = await c.var.db.transaction(async (tx) => {
          const found = await parcelById(tx, parcelView(viewer), id);
          if (found && seesPersonalParcelData(viewer)) await recordAudit(tx, actorOf(c), { action: 'view', entity: 'parcel', entityId: id });
          return found;
        });
        // Outside the viewer's zones it is answered as if it did not exist: no hint that it does.
        if (!parcel) throw apiError(404, `no parcel ${id}`);
        c.header('Cache-Control', 'private, no-store');
        return c.json(parcel);
      })
      .get('/tiles/parcels/:z/:x/:y', validate('param', tileParams), async (c) => {
        const { z: zoom, x, y } = c.req.valid('param');
        const size = 2 ** zoom;
        if (x >= size) throw badRequest('x', `x: must be below ${size} at zoom ${zoom}`);
        if (y >= size) throw badRequest('y', `y: must be below ${size} at zoom ${zoom}`);
        const viewer = c.var.viewer;
        const view = tileViewOf(viewer);
        const tile = await c.var.tiles.tile(view, { z: zoom, x, y }, (minZoom) => parcelTile(c.var.reads, c.var.db.engine, view, { z: zoom, x, y, minZoom }));
        const headers = {
          ETag: tile.etag,
          // Browsers and proxies may keep the public's tiles; a signed-in viewer's answer depends on
          // their session (their zones), so it stays with them.
          'Cache-Control': viewer.kind === 'public' ? 'public, max-age=60' : 'private, no-store',
          Vary: 'Cookie',
        };
        // A client that has these bytes already (same ETag) is told so, without them.
        if (clientHas(c.req.header('If-None-Match'), tile.etag)) return c.body(null, 304, headers);
        const encoding = chooseEncoding(c.req.header('Accept-Encoding'));
        const encoded = encoding && (await encodedTile(tile, encoding));
        const type = { 'Content-Type': 'application/vnd.mapbox-vector-tile' };
        if (!encoded) return c.body(tile.bytes, 200, { ...headers, ...type });
        return c.body(encoded, 200, { ...headers, ...type, 'Content-Encoding': encoding });
      })
  );
}
