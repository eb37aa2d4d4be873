import { describe, expect, it } from 'vitest';
import { MAX_IMPORT_ROWS, readTable } from '../../server/plan/import.ts';

/** How many turns of the event loop (`setImmediate` callbacks) ran while `work` was pending. */
async function turnsDuring(work: Promise<unknown>): Promise<number> {
  let turns = 0;
  let settled = false;
  const tick = () => {
    if (settled) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  await work.catch(() => {});
  settled = true;
  return turns;
}

// The server reads an uploaded CSV on its own thread. A stream alone runs on microtasks, which
// would keep every other request waiting until the whole file was read (the defect this guards).
// Counting the loop's turns is what a timed test would measure, without the machine's noise.
describe('reading an import file', () => {
  const csv = (rows: number) => Buffer.from(`code,fiscal_year\n${'X,1\n'.repeat(rows)}`);

  it('gives the event loop a turn between slices of a long CSV, and stops at the row limit', async () => {
    const file = csv(100_000);
    const reading = readTable('csv', file);
    const turns = await turnsDuring(reading);
    await expect(reading).rejects.toThrow(/more than 5,000 rows/);
    // 5,001 rows of 4 bytes are about 20 KB: five slices of 4 KB, each followed by a turn; and
    // not the 100 slices of the whole file, which the refusal never reads.
    expect(turns).toBeGreaterThanOrEqual(4);
    expect(turns).toBeLessThan(20);
  });

  it('reads exactly the row limit, every row in order', async () => {
    const rows = await readTable('csv', csv(MAX_IMPORT_ROWS));
    expect(rows).toHaveLength(MAX_IMPORT_ROWS + 1);
    expect(rows[0]).toEqual(['code', 'fiscal_year']);
    expect(rows.at(-1)).toEqual(['X', '1']);
  });
});
