import { evaluationBench } from './bench/evaluation.ts';
import { embedded } from './bench/embedded.ts';
import { type BenchPart, type Figure, formatFigures, met } from './bench/figures.ts';
import { ingest } from './bench/ingest.ts';
import { tiles } from './bench/tiles.ts';

/**
 * `npm run bench:map`: every speed ratio of the map and the evaluation in one run, each with its
 * target. The parts run one after the other, so none measures while another loads the machine;
 * each ratio's two sides are measured in the same part, on the same data, a moment apart.
 */
const parts: Record<string, BenchPart> = {
  evaluation: evaluationBench,
  embedded,
  ingest,
  tiles,
};

const only = process.argv.slice(2);
const figures: Figure[] = [];
for (const [name, part] of Object.entries(parts)) {
  if (only.length && !only.includes(name)) continue;
  const started = performance.now();
  console.error(`bench:map: ${name}…`);
  figures.push(...(await part()));
  console.error(`bench:map: ${name} took ${((performance.now() - started) / 1000).toFixed(0)} s`);
}
console.log(formatFigures(figures));
const missed = figures.filter((f) => met(f) === false);
console.log(missed.length ? `\n${missed.length} target(s) missed` : '\nevery target met');
