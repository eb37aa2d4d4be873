import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** A throwaway PostgreSQL + PostGIS cluster of our own (scripts/throwaway-postgis.sh), removed by `stop`. */
export function startCluster(name: string): { url: string; stop: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  const script = join(REPO, 'scripts/throwaway-postgis.sh');
  const url = execFileSync(script, [dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      execFileSync(script, [dir, 'stop'], { stdio: 'ignore' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  return { url, stop };
}
