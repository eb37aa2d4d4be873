import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

export interface Server {
  url: string;
  log: () => string;
}

/**
 * The real server on `databaseUrl`, on a free port; resolves with the address it prints. It is
 * stopped by `cleanup` from the moment it is spawned, so a Ctrl-C during its start-up stops it too.
 */
export function startServer(databaseUrl: string, cleanup: Cleanup): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MUEANG_MODE: 'demo', DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1' },
  });
  cleanup.add(() => stopServer(child));
  let output = '';
  const log = () => output;
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+?)\/?$/m.exec(output);
      if (match?.[1]) resolve({ url: match[1], log });
    });
    child.on('exit', (code) => reject(new Error(`the server exited with ${code} before listening:\n${output}`)));
  });
}

function stopServer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/**
 * Cleanups run once, newest first, on a normal end, an error or Ctrl-C. Every caller waits for
 * the same run: a Ctrl-C also makes the benchmark itself fail, and that failure must not exit
 * the process while the cluster is still being stopped.
 */
export class Cleanup {
  private readonly steps: (() => Promise<void> | void)[] = [];
  private running: Promise<void> | null = null;
  interrupted = false;
  add(step: () => Promise<void> | void) {
    this.steps.unshift(step);
  }
  run(): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps)
        await Promise.resolve()
          .then(step)
          .catch((e: unknown) => console.error(`cleanup: ${String(e)}`));
    })();
    return this.running;
  }
}
