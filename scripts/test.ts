/**
 * The README's one test command (`npm test`, and CI's): lint, type-check, build, then the vitest
 * projects; prints how long each phase and the whole run took, and stops at the first failure.
 *
 * The API suites and the browser tests run side by side, in two vitest processes (vitest puts
 * every project that runs one file at a time into one line, so one process would run them one
 * after the other). They share nothing: the browser project has its own server and databases
 * (tests/support/engines.ts). Each process's output is printed whole when it ends, not mixed.
 * The cluster test (`npm run test:cluster`: scripts/cluster.sh's load balancer, servers, PgBouncer,
 * primary and replica) runs last, alone: it starts processes of its own on the shared 2 cores.
 */
import { spawn, spawnSync } from 'node:child_process';

const VITEST = 'node_modules/.bin/vitest';
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** Runs vitest with `args`, keeps its output (colours kept), and reports its status and time. */
function vitest(name: string, args: string[]): Promise<{ name: string; status: number; output: string; took: string }> {
  const at = Date.now();
  return new Promise((resolve) => {
    const child = spawn(VITEST, ['run', ...args], { env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '1' } });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('close', (code) => resolve({ name, status: code ?? 1, output, took: seconds(at) }));
  });
}

async function sideBySide(): Promise<{ status: number; detail: string[] }> {
  const runs = await Promise.all([
    vitest('unit and API suites on each engine', ['--project', 'unit', '--project', 'api']),
    vitest('browser tests', ['--project', 'browser']),
  ]);
  for (const run of runs) console.log(`\n==== ${run.name} (${run.took}) ====\n${run.output}`);
  return {
    status: runs.some((run) => run.status !== 0) ? 1 : 0,
    detail: runs.map((run) => `    ${run.name}: ${run.took}${run.status ? ' (failed)' : ''}`),
  };
}

/** An npm script of package.json, its output as it comes. */
const npmRun = (script: string) => async () => ({ status: spawnSync('npm', ['run', script], { stdio: 'inherit' }).status ?? 1 });

const phases: [string, () => Promise<{ status: number; detail?: string[] }>][] = [
  // Lint first: it takes seconds, and an unformatted file or dead export should not wait for the suite.
  ['lint (biome, knip)', npmRun('lint')],
  ['typecheck', npmRun('typecheck')],
  ['build', npmRun('build')],
  ['vitest (unit and API beside the browser tests)', sideBySide],
  // After the others: it starts eight processes of its own, and the suites above time the server.
  ['cluster (scripts/cluster.sh: HAProxy, 3 servers, PgBouncer, primary and replica)', npmRun('test:cluster')],
];

const started = Date.now();
const took: string[] = [];
let status = 0;
for (const [name, run] of phases) {
  const at = Date.now();
  const result = await run();
  status = result.status;
  took.push(`  ${name}: ${seconds(at)}${status ? ' (failed)' : ''}`, ...(result.detail ?? []));
  if (status) break;
}
console.log(`\ntest run ${status ? 'FAILED' : 'passed'} in ${seconds(started)}:\n${took.join('\n')}`);
process.exit(status);
