import { Hono } from 'hono';
import { z } from 'zod';
import { ingestOwnBatch } from '../devices/ingest.ts';
import { requireDevice } from '../devices/middleware.ts';
import type { Env } from '../env.ts';
import { pastInstant } from '../http/time.ts';
import { validate } from '../http/validate.ts';
import { insertReadings, sensorsWithLatestReading } from './queries.ts';

const MAX_BATCH = 5000;

const readingBatch = z.object({
  readings: z.array(z.object({
    sensor: z.string().min(1).max(16),
    time: pastInstant,
    level_m: z.number().min(-10).max(50),
    rain_mm: z.number().min(0).max(1000).nullable().optional(),
    battery_v: z.number().min(0).max(100).nullable().optional(),
  }).strict()).min(1).max(MAX_BATCH),
}).strict();

export const floodRoutes = new Hono<Env>()
  .get('/sensors', async (c) => c.json(await sensorsWithLatestReading(c.var.db)))

  // Sensors write here with their own key, and only their own readings.
  .post('/readings', requireDevice('sensor'), validate('json', readingBatch), async (c) => {
    const { readings } = c.req.valid('json');
    return c.json(await ingestOwnBatch(c.var.db, c.var.device,
      { field: 'readings', owner: (r) => r.sensor, items: readings, entity: 'sensor_readings' }, insertReadings));
  });
