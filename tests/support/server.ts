import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { copyOf } from './databases.ts';
import type { EngineUnderTest } from './engines.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

export interface RunningServer {
  url: string;
  process: ChildProcess;
  log: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts the real server (`server/main.ts`) as its own process on a free port and waits until
 * it listens: tests talk to it over HTTP, as the web app and the city's devices do.
 */
export async function startServer(env: Record<string, string>, timeoutMs = 180_000): Promise<RunningServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: REPO,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const check = () => {
      const match = /listening on (http:\/\/\S+?)\/?$/m.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    process: child,
    log: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * A demo server of its own (its own data, its own settings in `env`) that starts from a copy of
 * the run's seeded demo data (tests/support/engines.ts) instead of seeding for itself. `name`
 * names its PostGIS database. Stopping it removes its copy of the data.
 */
export async function startSeededServer(target: EngineUnderTest, name: string, env: Record<string, string> = {}): Promise<RunningServer> {
  const copy = await copyOf(target, 'seeded', name);
  const server = await startServer({ MUEANG_MODE: 'demo', ...env, ...copy.env }).catch((error: unknown) => {
    copy.remove();
    throw error;
  });
  return {
    ...server,
    stop: async () => {
      await server.stop();
      copy.remove();
    },
  };
}
