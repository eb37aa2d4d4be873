import { execFile } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BenchPart } from './figures.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const READINGS = 200_000;

/**
 * Readings through the API (POST /api/readings with each sensor's device key, batches of 1000
 * from 4 senders) against COPY of as many rows into sensor_readings, on a throwaway PostGIS
 * cluster with a demo server on it: scripts/bench-flood.ts does exactly that, so it runs here
 * (without its alert-latency samples) and its table is read back.
 */
export const ingest: BenchPart = async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'scripts/bench-flood.ts', '--readings', String(READINGS), '--samples', '0'],
    { cwd: REPO, maxBuffer: 16 << 20 },
  );
  const rate = (label: RegExp) => {
    const match = new RegExp(`^${label.source}.*?\\s([\\d,]+) readings/s \\(([\\d.]+) s`, 'm').exec(stdout);
    if (!match) throw new Error(`bench-flood printed no ${label.source}:\n${stdout}`);
    return { perSecond: Number(match[1]?.replaceAll(',', '')), seconds: match[2] };
  };
  const api = rate(/API ingest/);
  const copy = rate(/COPY sensor_readings/);
  return [
    {
      what: 'ingest: API ÷ COPY (PostGIS)',
      value: api.perSecond / copy.perSecond,
      unit: '×',
      detail: `${READINGS} readings: API ${api.perSecond}/s (${api.seconds} s, batches of 1000, 4 senders), COPY ${copy.perSecond}/s (${copy.seconds} s); load ${loadavg()[0]?.toFixed(1)}`,
    },
  ];
};
