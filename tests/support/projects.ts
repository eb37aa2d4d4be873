import type { InferRequestType } from 'hono/client';
import type { Client } from './client.ts';

/** A new project as the API takes it (POST /api/projects). */
export type NewProject = InferRequestType<Client['api']['projects']['$post']>['json'];
export type ProjectGeometry = NonNullable<NewProject['geometry']>;

/**
 * A test project at the plan stage, in a fiscal year only the calling tests write to (so the
 * printed report's FY2561 figures stay exact), coded `${prefix}-${code}`.
 */
export function testProject(
  { prefix, fiscalYear, asOf }: { prefix: string; fiscalYear: number; asOf: string },
  code: string,
  budget: number,
  geometry?: ProjectGeometry,
): NewProject {
  return {
    code: `${prefix}-${code}`,
    fiscal_year: fiscalYear,
    strategy_id: 'S4',
    division_id: 'engineering',
    name_th: `ทดสอบ ${code}`,
    name_en: `test ${code}`,
    stage: 'plan',
    budget,
    as_of: asOf,
    ...(geometry !== undefined && { geometry }),
  };
}
