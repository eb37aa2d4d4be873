import { Hono } from 'hono';
import { z } from 'zod';
import { ingestOwnBatch } from '../devices/ingest.ts';
import { requireDevice } from '../devices/middleware.ts';
import type { Env } from '../env.ts';
import { THAILAND } from '../http/geometry.ts';
import { instant, refuseFuture } from '../http/time.ts';
import { validate } from '../http/validate.ts';
import { insertPositions } from './queries/positions.ts';
import { announceTruck } from './live.ts';
import { trucksNow, truckRules } from './queries/trucks.ts';
import { roundRoutes } from './roundRoutes.ts';

const MAX_BATCH = 5000;

const positionBatch = z
  .object({
    positions: z
      .array(
        z
          .object({
            truck: z.string().min(1).max(16),
            time: instant,
            lon: z.number().min(THAILAND.minLon).max(THAILAND.maxLon),
            lat: z.number().min(THAILAND.minLat).max(THAILAND.maxLat),
            speed_kmh: z.number().min(0).max(200),
            heading_deg: z.number().min(0).lt(360),
          })
          .strict(),
      )
      .min(1)
      .max(MAX_BATCH),
  })
  .strict();

export const wasteRoutes = new Hono<Env>()
  .get('/trucks', async (c) => c.json(await trucksNow(c.var.db, truckRules(c.var.settings.waste, c.var.clock.now()))))
  .route('/', roundRoutes)

  // A truck's GPS unit writes here with its own key, and only its own positions.
  .post('/truck-positions', requireDevice('truck'), validate('json', positionBatch), async (c) => {
    const { positions } = c.req.valid('json');
    refuseFuture(positions, c.var.clock.now(), 'positions');
    return c.json(
      await ingestOwnBatch(
        c.var.db,
        c.var.device,
        { field: 'positions', owner: (p) => p.truck, items: positions, entity: 'truck_positions' },
        async (tx, truckId, batch) => {
          const inserted = await insertPositions(tx, truckId, batch);
          // Live clients hear of the truck when the batch commits (a resent batch changes nothing).
          if (inserted) await announceTruck(tx, truckId);
          return inserted;
        },
      ),
    );
  });
