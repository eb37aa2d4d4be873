import city from '../../data/khonkaen/city.json' with { type: 'json' };
import integrityRows from '../../data/khonkaen/integrity_fy2565_rows.json' with { type: 'json' };
import plan from '../../data/khonkaen/plan.json' with { type: 'json' };
import type { Queryable } from '../db/index.ts';
import type { Stage } from './stages.ts';
import { apportion, fromSatang, seededRandom, shuffled, toSatang } from '../seed/random.ts';

type StrategyId = keyof typeof plan.t2_fy2561_execution.rows;
type Shape = 'point' | 'line' | 'polygon';

interface ProjectSeed {
  code: string;
  strategy: string;
  division: string;
  name_th: string;
  name_en: string;
  stage: Stage;
  budget: string;
  approved: string | null;
  contract: string | null;
  disbursed: string | null;
  shape: Shape;
  at: [number, number] | null;
  communityId: number | null;
}

const FISCAL_YEAR = 2561;

/**
 * The FY2561 project register, generated so that it adds up exactly, strategy by strategy, to
 * table T2 of the M&E report (counts and amounts at every e-Plan stage) and to table T1's plan
 * budget. The named smart-city projects keep their real names, divisions and landmark places;
 * the others get names from per-strategy templates and a place in a community.
 */
export function fy2561Register(): ProjectSeed[] {
  const random = seededRandom(FISCAL_YEAR);
  const communities = Object.values(city.communities).flat();
  const communityCount = communities.length;
  const projects: ProjectSeed[] = [];
  for (const strategy of Object.keys(plan.t2_fy2561_execution.rows) as StrategyId[]) {
    const [planCount, planBudget, approvedCount, approvedAmount, contractCount, contractAmount, disbursedCount, disbursedAmount] = plan.t2_fy2561_execution
      .rows[strategy] as [number, string, number, string, number, string, number, string];
    const template = plan.project_templates[strategy];
    const named = plan.named_projects.filter((p) => p.strategy === strategy);
    const drafts = Array.from({ length: planCount }, (_, i) => {
      const known = named[i];
      if (known) {
        return {
          division: known.division,
          name_th: known.name_th,
          name_en: known.name_en,
          shape: known.shape as Shape,
          at: known.at as [number, number],
          communityId: null,
        };
      }
      const communityId = 1 + Math.floor(random() * communityCount);
      const [placeTh, placeEn] = communities[communityId - 1] as [string, string];
      const variant = Math.floor(random() * template.th.length);
      const shape: Shape = template.shape === 'line' && random() < 0.3 ? 'point' : (template.shape as Shape);
      return {
        division: template.division,
        name_th: `โครงการ${(template.th[variant] as string).replace('{place}', placeTh)}`,
        name_en: (template.en[variant] as string).replace('{place}', placeEn),
        shape,
        at: null,
        communityId,
      };
    });
    // Budgets vary over an order of magnitude, as real project registers do.
    const weights = drafts.map(() => Math.exp(1.2 * (random() + random() + random() - 1.5)));
    // Which projects got approved is chance; among those, the larger went further (contract,
    // then disbursement), as they do. Each stage's amount is spread in proportion to the
    // previous stage's, so a project is consistent with itself wherever table T2 allows it.
    const approvedSet = shuffled(
      random,
      drafts.map((_, i) => i),
    )
      .slice(0, approvedCount)
      .sort((a, b) => (weights[b] as number) - (weights[a] as number));
    const contractSet = approvedSet.slice(0, contractCount);
    const disbursedSet = contractSet.slice(0, disbursedCount);
    const stageOf = (i: number): Stage =>
      disbursedSet.includes(i) ? 'disbursed' : contractSet.includes(i) ? 'contracted' : approvedSet.includes(i) ? 'approved' : 'plan';
    const everyone = drafts.map((_, i) => i);
    const budgets = splitOver(
      toSatang(planBudget),
      everyone,
      everyone.map((i) => weights[i] as number),
    );
    const approved = splitOver(
      toSatang(approvedAmount),
      approvedSet,
      approvedSet.map((i) => Number(budgets.get(i))),
    );
    const contracts = splitUnder(
      toSatang(contractAmount),
      contractSet,
      contractSet.map((i) => approved.get(i) as bigint),
    );
    const disbursed = splitUnder(
      toSatang(disbursedAmount),
      disbursedSet,
      disbursedSet.map((i) => contracts.get(i) as bigint),
    );
    const baht = (amounts: Map<number, bigint>, i: number) => {
      const a = amounts.get(i);
      return a === undefined ? null : fromSatang(a);
    };
    drafts.forEach((draft, i) => {
      projects.push({
        ...draft,
        code: `${FISCAL_YEAR}-${strategy}-${String(i + 1).padStart(3, '0')}`,
        strategy,
        stage: stageOf(i),
        budget: baht(budgets, i) ?? '0.00',
        approved: baht(approved, i),
        contract: baht(contracts, i),
        disbursed: baht(disbursed, i),
      });
    });
  }
  return projects;
}

/** `total` satang spread over `members` in proportion to `weights`. */
function splitOver(total: bigint, members: number[], weights: number[]): Map<number, bigint> {
  const parts = apportion(total, weights);
  return new Map(members.map((member, k) => [member, parts[k] as bigint]));
}

/**
 * `total` spread over `members` without any exceeding its cap (its amount at the stage before),
 * when the caps allow it. When the total is larger than all caps together, as for S7's
 * disbursement in table T2, the excess goes to one project, the largest, so the inconsistency
 * the report carries shows up once, where a reviewer can find it.
 */
function splitUnder(total: bigint, members: number[], caps: bigint[]): Map<number, bigint> {
  const room = caps.reduce((a, b) => a + b, 0n);
  if (members.length === 0) return new Map();
  if (total <= room) return splitOver(total, members, caps.map(Number));
  const parts = new Map(members.map((member, k) => [member, caps[k] as bigint]));
  // biome-ignore lint/complexity/useMathMinMax: the caps are bigints, which Math.max does not take.
  const largest = members[caps.indexOf(caps.reduce((a, b) => (b > a ? b : a)))] as number;
  parts.set(largest, (parts.get(largest) as bigint) + total - room);
  return parts;
}

export async function seedPlan(tx: Queryable): Promise<void> {
  const p = plan.plan;
  await tx.query(`INSERT INTO plans (id, name_th, name_en, first_fy, last_fy, kind) VALUES ($1, $2, $3, 2561, 2564, 'development')`, [
    p.id,
    p.name_th,
    p.name_en,
  ]);
  for (const m of plan.missions) {
    await tx.query('INSERT INTO missions (id, plan_id, name_th, name_en) VALUES ($1, $2, $3, $4)', [m.id, p.id, m.name_th, m.name_en]);
  }
  for (const s of plan.strategies) {
    await tx.query('INSERT INTO strategies (id, mission_id, name_th, name_en) VALUES ($1, $2, $3, $4)', [s.id, s.mission_id, s.name_th, s.name_en]);
  }
  for (const [strategy, years] of Object.entries(plan.t1_four_year_plan)) {
    for (const [k, [count, budget]] of years.entries()) {
      await tx.query('INSERT INTO strategy_targets (strategy_id, fiscal_year, project_count, budget) VALUES ($1, $2, $3, $4)', [
        strategy,
        FISCAL_YEAR + k,
        count,
        budget,
      ]);
    }
  }
  for (const d of plan.divisions) {
    await tx.query('INSERT INTO divisions (id, name_th, name_en) VALUES ($1, $2, $3)', [d.id, d.name_th, d.name_en]);
  }
  for (const goal of plan.goals) {
    await tx.query('INSERT INTO goals (id, strategy_id, name_th, name_en) VALUES ($1, $2, $3, $4)', [goal.id, goal.strategy, goal.name_th, goal.name_en]);
    for (const [id, th, en] of goal.indicators) {
      await tx.query('INSERT INTO indicators (id, goal_id, name_th, name_en) VALUES ($1, $2, $3, $4)', [id, goal.id, th, en]);
    }
  }
  await seedPrintedFigures(tx);
  await seedIntegrityPlan(tx);

  const register = fy2561Register();
  const column = <K extends keyof ProjectSeed>(key: K) => register.map((r) => r[key]);
  // Geometry is made where the data is: a point in the project's community (or at its landmark),
  // a street segment or a site footprint grown from it, clipped to that community.
  await tx.query(
    `WITH input AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                            $7::numeric[], $8::numeric[], $9::numeric[], $10::numeric[], $11::text[],
                            $12::float8[], $13::float8[], $14::int[])
         AS t(code, strategy_id, division_id, name_th, name_en, stage, budget, approved, contract, disbursed,
              shape, lon, lat, community_id)),
     located AS (
       SELECT i.*, area.land AS area,
              CASE WHEN i.lon IS NOT NULL THEN ST_SetSRID(ST_MakePoint(i.lon, i.lat), 4326)
                   ELSE ST_GeometryN(seed_points(area.land, 1, i.code), 1) END AS origin
       FROM input i
       CROSS JOIN LATERAL (
         SELECT CASE WHEN i.lon IS NULL THEN dry_land(c.geom) ELSE c.geom END AS land FROM communities c
         WHERE c.id = i.community_id
            OR (i.community_id IS NULL AND ST_Intersects(c.geom, ST_SetSRID(ST_MakePoint(i.lon, i.lat), 4326)))
         LIMIT 1) AS area),
     shaped AS (
       SELECT l.*,
              CASE l.shape
                WHEN 'line' THEN ST_MakeLine(l.origin, ST_Project(l.origin::geography, 150 + 450 * seed_unit(l.code || ':length'),
                                                                 radians(360 * seed_unit(l.code || ':azimuth')))::geometry)
                WHEN 'polygon' THEN ST_Buffer(l.origin::geography, 40 + 90 * seed_unit(l.code || ':size'), 'quad_segs=2')::geometry
                ELSE l.origin END AS raw
       FROM located l)
     INSERT INTO projects (code, fiscal_year, strategy_id, division_id, name_th, name_en, stage,
                           budget, approved_amount, contract_amount, disbursed_amount, as_of, geom)
     SELECT s.code, $15, s.strategy_id, s.division_id, s.name_th, s.name_en, s.stage,
            s.budget, s.approved, s.contract, s.disbursed, $16::date,
            CASE WHEN s.shape = 'point' THEN s.raw
                 ELSE (SELECT part.geom FROM ST_Dump(ST_Intersection(s.raw, s.area)) AS part
                       WHERE ST_Dimension(part.geom) = ST_Dimension(s.raw)
                       ORDER BY ST_Length(part.geom) + ST_Area(part.geom) DESC LIMIT 1) END
     FROM shaped s`,
    [
      column('code'),
      column('strategy'),
      column('division'),
      column('name_th'),
      column('name_en'),
      column('stage'),
      column('budget'),
      column('approved'),
      column('contract'),
      column('disbursed'),
      column('shape'),
      register.map((r) => r.at?.[0] ?? null),
      register.map((r) => r.at?.[1] ?? null),
      column('communityId'),
      FISCAL_YEAR,
      plan.t2_fy2561_execution.as_of,
    ],
  );
}

/** What the FY2561 report printed: T2's total row and T3's figures per mission and overall. */
async function seedPrintedFigures(tx: Queryable): Promise<void> {
  const printed = plan.printed_fy2561;
  const scopes: [string, Record<string, string | number>][] = [['total', printed.total], ...Object.entries(printed.missions)];
  for (const [scope, figures] of scopes) {
    for (const [measure, value] of Object.entries(figures)) {
      await tx.query('INSERT INTO printed_figures (plan_id, fiscal_year, scope, measure, value, source) VALUES ($1, $2, $3, $4, $5, $6)', [
        plan.plan.id,
        FISCAL_YEAR,
        scope,
        measure,
        String(value),
        printed.source,
      ]);
    }
  }
}

// The unit a row's note names as responsible (ผู้รับผิดชอบ …), by the words that identify it.
const UNIT_WORDS: [RegExp, string][] = [
  [/สาธารณสุข/, 'health'],
  [/ช่าง/, 'engineering'],
  [/การศึกษา/, 'education'],
  [/สวัสดิการ/, 'welfare'],
  [/ยุทธศาสตร์|งบประมาณ|เผยแพร่วิชาการ/, 'strategy'],
  [/ปลัด/, 'clerk'],
  [/คลัง/, 'finance'],
  [/ตรวจสอบภายใน/, 'audit'],
];
const divisionOfNote = (note: string) => UNIT_WORDS.find(([words]) => words.test(note))?.[1] ?? 'unstated';

const baht = (text: string) => text.replaceAll(',', '');

/**
 * The integrity (anti-corruption) plan as a second plan of the same model: its four dimensions
 * are strategies under one mission, and its FY2565 report's 76 rows are projects exactly as
 * printed (budget, disbursed, status, note). They have no place: the report names none.
 */
async function seedIntegrityPlan(tx: Queryable): Promise<void> {
  const integrity = plan.integrity_plan;
  await tx.query(`INSERT INTO plans (id, name_th, name_en, first_fy, last_fy, kind) VALUES ($1, $2, $3, 2561, 2565, 'integrity')`, [
    integrity.plan.id,
    integrity.plan.name_th,
    integrity.plan.name_en,
  ]);
  await tx.query('INSERT INTO missions (id, plan_id, name_th, name_en) VALUES ($1, $2, $3, $4)', [
    integrity.mission.id,
    integrity.plan.id,
    integrity.mission.name_th,
    integrity.mission.name_en,
  ]);
  for (const dimension of integrity.dimensions) {
    await tx.query('INSERT INTO strategies (id, mission_id, name_th, name_en) VALUES ($1, $2, $3, $4)', [
      dimension.id,
      integrity.mission.id,
      dimension.name_th,
      dimension.name_en,
    ]);
  }
  const status = integrity.status_by_column as Record<string, string>;
  await tx.query(
    `INSERT INTO projects (code, fiscal_year, strategy_id, division_id, name_th, name_en, status, budget, disbursed_amount, as_of, note)
     SELECT r.code, $1, r.strategy, r.division, r.name, r.name, r.status, r.budget, r.disbursed, $2::date, nullif(r.note, '')
     FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::numeric[], $9::numeric[], $10::text[])
       AS r(code, strategy, division, name, status, budget, disbursed, note)`,
    [
      integrity.fiscal_year,
      integrity.as_of,
      integrityRows.map((r) => `${integrity.fiscal_year}-INT-${String(r.no).padStart(3, '0')}`),
      integrityRows.map((r) => `D${r.dim}`),
      integrityRows.map((r) => divisionOfNote(r.note)),
      integrityRows.map((r) => r.name),
      integrityRows.map((r) => status[String(r.st)]),
      integrityRows.map((r) => baht(r.budget)),
      integrityRows.map((r) => baht(r.disb)),
      integrityRows.map((r) => r.note),
    ],
  );
  const printed = integrity.printed;
  for (const [measure, value] of Object.entries(printed)) {
    await tx.query('INSERT INTO printed_figures (plan_id, fiscal_year, scope, measure, value, source) VALUES ($1, $2, $3, $4, $5, $6)', [
      integrity.plan.id,
      integrity.fiscal_year,
      'total',
      measure,
      String(value),
      integrity.source,
    ]);
  }
}
