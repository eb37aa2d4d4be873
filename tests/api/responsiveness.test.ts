import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../support/client.ts';
import { startServer, type RunningServer } from '../support/server.ts';

/** One request to a route that needs no database: its latency is the event loop's. */
async function healthLatency(url: string): Promise<number> {
  const started = performance.now();
  try {
    // A frozen server answers nothing at all: give up long after the limit, so the test fails
    // with a latency rather than hanging on its timeout.
    const response = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5_000) });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
  } catch (error) {
    if ((error as Error).name !== 'TimeoutError') throw error;
  }
  return performance.now() - started;
}

/**
 * Watches the event loop while `heavy` is in the server's hands: health is asked over and over,
 * one request after another, until `heavy` settles or `polls` were answered. Returns the
 * latencies of the answers that came back while `heavy` was still running.
 */
async function latenciesDuring(url: string, heavy: Promise<unknown>, polls: number): Promise<number[]> {
  let settled = false;
  void heavy.finally(() => { settled = true; }).catch(() => {});
  const during: number[] = [];
  for (let i = 0; i < polls && !settled; i++) {
    const latency = await healthLatency(url);
    if (!settled) during.push(latency);
  }
  return during;
}

// The embedded engine only: PGlite computes on the thread that calls it, so it must not be the
// server's. (On PostGIS the database is another process and was never in the way.) A server of
// its own, so that 5,000 readings and their alerts touch no other suite's data.
describe('the embedded engine keeps the server responsive', () => {
  let server: RunningServer;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'mueang-responsive-'));
    server = await startServer({ DATA_DIR: dataDir, MUEANG_MODE: 'demo', FLOOD_SWEEP_SECONDS: '0' });
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers /api/health in under 200 ms while a 5,000-reading batch is ingested', async () => {
    const admin = await Client.signIn(server.url, 'admin');
    const made = await admin.post<{ key: string }>('devices', { kind: 'sensor', code: 'FP01' });
    expect(made.status).toBe(201);
    const device = new Client(server.url);
    const key = { 'x-device-key': made.body.key };
    // One a minute for the 5,000 minutes before the sensor's latest reading: stored in the
    // readings' monthly partitions, all in one transaction, which is the database's work that
    // must not hold up the server. (Older than the present, they leave the alert rules, which
    // run in JavaScript on the server's own thread, out of this measurement.)
    const latest = Date.now() - 60_000;
    expect((await device.post('readings', { readings: [{ sensor: 'FP01', time: new Date(latest).toISOString(), level_m: 0.3 }] }, key)).status).toBe(200);
    const readings = Array.from({ length: 5000 }, (_, i) => ({
      sensor: 'FP01', time: new Date(latest - (5000 - i) * 60_000).toISOString(), level_m: 0.3 + i / 10_000,
    }));
    const batch = device.post<{ inserted: number }>('readings', { readings }, key);

    const latencies = await latenciesDuring(server.url, batch, 300);
    const response = await batch;
    expect(response.status).toBe(200);
    expect(response.body.inserted).toBe(5000);
    expect(Math.max(...latencies)).toBeLessThan(200);
    // And the batch really was being stored while health answered, again and again.
    expect(latencies.length).toBeGreaterThanOrEqual(10);
  }, 300_000);
});
