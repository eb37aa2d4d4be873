/**
 * The README's one test command (`npm test`, and CI's): lint, type-check, build, then every vitest
 * project; prints how long each phase and the whole run took, and stops at the first failure.
 */
import { spawnSync } from 'node:child_process';

const phases: [string, string[]][] = [
  // Lint first: it takes seconds, and an unformatted file or dead export should not wait for the suite.
  ['lint (biome, knip)', ['npm', 'run', 'lint']],
  ['typecheck', ['npm', 'run', 'typecheck']],
  ['build', ['npm', 'run', 'build']],
  ['vitest (unit, api on each engine, browser)', ['node_modules/.bin/vitest', 'run']],
];
const started = Date.now();
const took: string[] = [];
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
let status = 0;
for (const [name, [command, ...args]] of phases) {
  const at = Date.now();
  status = spawnSync(command as string, args, { stdio: 'inherit' }).status ?? 1;
  took.push(`  ${name}: ${seconds(at)}${status ? ' (failed)' : ''}`);
  if (status) break;
}
console.log(`\ntest run ${status ? 'FAILED' : 'passed'} in ${seconds(started)}:\n${took.join('\n')}`);
process.exit(status);
