import type { Db, Queryable } from '../db/index.ts';
import { recordAudit } from '../audit/queries.ts';
import { apiError } from '../http/errors.ts';
import type { Device } from './queries.ts';

/**
 * Stores a batch a device sent about itself: every item must name the device's own sensor or
 * truck (one foreign item refuses the whole batch), and the write and its audit entry share one
 * transaction. `insert` returns how many items were new; resent ones are counted as duplicates.
 */
export async function ingestOwnBatch<Item extends { time: string }>(
  db: Pick<Db, 'transaction'>,
  device: Device,
  batch: { field: string; owner: (item: Item) => string; items: Item[]; entity: string },
  insert: (tx: Queryable, targetId: number, items: Item[]) => Promise<number>,
): Promise<{ received: number; inserted: number; duplicates: number }> {
  const foreign = batch.items.findIndex((item) => batch.owner(item) !== device.code);
  if (foreign >= 0) {
    const field = `${batch.field}.${foreign}.${batch.field === 'readings' ? 'sensor' : 'truck'}`;
    throw apiError(403, `${field}: the key of ${device.code} cannot write data of ${batch.owner(batch.items[foreign] as Item)}`, field);
  }
  const inserted = await db.transaction(async (tx) => {
    const count = await insert(tx, device.target_id, batch.items);
    const times = batch.items.map((item) => item.time).sort();
    await recordAudit(
      tx,
      { kind: 'device', id: device.id, name: device.label, ip: null },
      {
        action: 'ingest',
        entity: batch.entity,
        entityId: device.code,
        after: { received: batch.items.length, inserted: count, from: times[0], to: times.at(-1) },
      },
    );
    return count;
  });
  return { received: batch.items.length, inserted, duplicates: batch.items.length - inserted };
}
