import { Hono } from 'hono';
import { z } from 'zod';
import { ingestOwnBatch } from '../devices/ingest.ts';
import { requireDevice } from '../devices/middleware.ts';
import type { Env } from '../env.ts';
import { THAILAND } from '../http/geometry.ts';
import { instant, refuseFuture } from '../http/time.ts';
import { validate } from '../http/validate.ts';
import { advanceMotion } from './queries/motion.ts';
import { insertPositions } from './queries/positions.ts';
import { announceTruck } from './live.ts';
import { trucksNow, truckRules } from './queries/trucks.ts';
import { roundRoutes } from './roundRoutes.ts';
import { trackRoutes } from './trackRoutes.ts';

const MAX_BATCH = 5000;

/** The earliest of a batch's times (any offset): where the motion may have to be reprocessed from. */
const earliest = (items: { time: string }[]) => new Date(Math.min(...items.map((p) => Date.parse(p.time)))).toISOString();

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
  .route('/', trackRoutes)

  // A truck's GPS unit writes here with its own key, and only its own positions.
  .post('/truck-positions', requireDevice('truck'), validate('json', positionBatch), async (c) => {
    const { positions } = c.req.valid('json');
    refuseFuture(positions, c.var.clock.now(), 'positions');
    const rules = c.var.settings.waste.trips;
    return c.json(
      await ingestOwnBatch(
        c.var.db,
        c.var.device,
        { field: 'positions', owner: (p) => p.truck, items: positions, entity: 'truck_positions' },
        async (tx, truckId, batch) => {
          const inserted = await insertPositions(tx, truckId, batch);
          if (inserted === 0) return 0;
          // The trips and stops follow in the same transaction: a batch is stored with its
          // consequences or not at all; live clients hear of the truck when it commits.
          await advanceMotion(tx, truckId, rules, earliest(batch));
          await announceTruck(tx, truckId);
          return inserted;
        },
      ),
    );
  });
