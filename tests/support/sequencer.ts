import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** API tests that time the server's answers (its event loop while heavy work runs). */
const TIMED = ['tests/api/responsiveness.test.ts', 'tests/api/import-limits.test.ts'];

/**
 * Vitest's order, with the timed tests last. `npm test` runs the browser tests in a process beside
 * the API suites (scripts/test.ts), and the browser tests take longer: last, the timed tests
 * share the machine with fewer of them.
 */
export class TimedLast extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const timed = (file: TestSpecification) => TIMED.some((path) => file.moduleId.endsWith(path));
    return [...sorted.filter((f) => !timed(f)), ...sorted.filter(timed)];
  }
}
