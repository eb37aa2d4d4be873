import { expect } from 'vitest';

/** One request to a route that needs no database: its latency is the server's event loop's. */
export async function healthLatency(url: string): Promise<number> {
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
export async function latenciesDuring(url: string, heavy: Promise<unknown>, polls = 300): Promise<number[]> {
  let settled = false;
  void heavy
    .finally(() => {
      settled = true;
    })
    .catch(() => {});
  const during: number[] = [];
  for (let i = 0; i < polls && !settled; i++) {
    const latency = await healthLatency(url);
    if (!settled) during.push(latency);
  }
  return during;
}

/** The `p` quantile (0–1) of `values`. */
export function quantile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

/**
 * How quickly health answers on this machine as it is now, with nothing heavy in the server's
 * hands: the 90th percentile of `polls` answers. The test suites share the machine with the
 * browser tests (and CI once with a CPU hog), so an answer's time is partly the machine's; the
 * bounds the timed tests set are measured against this, taken a moment before.
 */
export async function atRest(url: string, polls = 20): Promise<number> {
  const latencies: number[] = [];
  for (let i = 0; i < polls; i++) latencies.push(await healthLatency(url));
  return quantile(latencies, 0.9);
}
