import type { Geometry, LineString, Point, Polygon } from 'geojson';
import type { Bbox } from '../../http/validate.ts';
import type { Queryable } from '../../db/index.ts';
import { queryFeatures } from '../../db/geojson.ts';
import type { Stage } from '../stages.ts';

interface Mission {
  id: string;
  name_th: string;
  name_en: string;
}
interface Strategy {
  id: string;
  mission_id: string;
  name_th: string;
  name_en: string;
}
interface PlanSummary {
  id: string;
  kind: 'development' | 'integrity';
  name_th: string;
  name_en: string;
  first_fy: number;
  last_fy: number;
}
interface Division {
  id: string;
  name_th: string;
  name_en: string;
}
export interface PlanOutline {
  plans: PlanSummary[];
  missions: Mission[];
  strategies: Strategy[];
  divisions: Division[];
  fiscal_years: number[];
}

export interface ProjectProperties {
  id: number;
  code: string;
  name_th: string;
  name_en: string;
  fiscal_year: number;
  strategy_id: string;
  mission_id: string;
  division_id: string;
  division_th: string;
  division_en: string;
  stage: Stage | null;
  status: 'awaiting_report' | 'in_progress' | 'completed' | 'not_possible' | null;
  late: boolean;
  budget: number;
  approved_amount: number | null;
  contract_amount: number | null;
  disbursed_amount: number | null;
  as_of: string;
  zone_id: number | null;
  community_id: number | null;
}

export interface ProjectFilter {
  fy?: number;
  strategy?: string;
  zone?: number;
  stage?: Stage;
  bbox?: Bbox;
  /** The viewer's zone scope (from the access policy); null: every zone. */
  zones: number[] | null;
  id?: number;
}

/** The plans, and one plan's missions, strategies and fiscal years (the development plan by default). */
export async function outline(db: Queryable, planId?: string): Promise<PlanOutline> {
  const plan = `coalesce($1, (SELECT id FROM plans WHERE kind = 'development' ORDER BY first_fy DESC LIMIT 1))`;
  const [plans, missions, strategies, years, divisions] = await Promise.all([
    db.query<PlanSummary>(`SELECT id, kind, name_th, name_en, first_fy::int AS first_fy, last_fy::int AS last_fy FROM plans ORDER BY kind, id`),
    db.query<Mission>(`SELECT id, name_th, name_en FROM missions WHERE plan_id = ${plan} ORDER BY id`, [planId ?? null]),
    // S10 sorts after S9, not after S1.
    db.query<Strategy>(
      `SELECT s.id, s.mission_id, s.name_th, s.name_en FROM strategies s JOIN missions m ON m.id = s.mission_id
                        WHERE m.plan_id = ${plan} ORDER BY length(s.id), s.id`,
      [planId ?? null],
    ),
    db.query<{ fiscal_year: number }>(
      `SELECT DISTINCT p.fiscal_year::int AS fiscal_year FROM projects p
                                       JOIN strategies s ON s.id = p.strategy_id JOIN missions m ON m.id = s.mission_id
                                       WHERE m.plan_id = ${plan} ORDER BY 1`,
      [planId ?? null],
    ),
    divisionList(db),
  ]);
  return { plans, missions, strategies, divisions, fiscal_years: years.map((y) => y.fiscal_year) };
}

/** A plan (the development plan when none is named) and the fiscal years it has projects in. */
export async function planYears(
  db: Queryable,
  id: string | undefined,
): Promise<{ id: string; first_fy: number; last_fy: number; years: number[] } | undefined> {
  // The years with projects, one index probe per year of the plan (projects_fy_strategy_idx),
  // not a pass over all of the plan's projects: every evaluation request asks this first.
  const [row] = await db.query<{ id: string; first_fy: number; last_fy: number; years: number[] }>(
    `SELECT pl.id, pl.first_fy::int AS first_fy, pl.last_fy::int AS last_fy,
            ARRAY(SELECT y FROM generate_series(pl.first_fy::int, pl.last_fy::int) AS y
                  WHERE EXISTS (SELECT 1 FROM projects p
                                WHERE p.fiscal_year = y
                                  AND p.strategy_id IN (SELECT s.id FROM strategies s JOIN missions m ON m.id = s.mission_id WHERE m.plan_id = pl.id))
                  ORDER BY y) AS years
     FROM plans pl
     WHERE pl.id = coalesce($1, (SELECT id FROM plans WHERE kind = 'development' ORDER BY first_fy DESC LIMIT 1))`,
    [id ?? null],
  );
  return row;
}

/** Locks the project's row for the caller's transaction (a no-op if there is none). */
export async function lockProject(tx: Queryable, id: number): Promise<void> {
  await tx.query('SELECT 1 FROM projects WHERE id = $1 FOR UPDATE', [id]);
}

export async function strategyExists(db: Queryable, id: string): Promise<boolean> {
  return (await db.query('SELECT 1 FROM strategies WHERE id = $1', [id])).length > 0;
}

const PROJECT_SELECT = `
    SELECT p.id, p.code, p.name_th, p.name_en, p.fiscal_year::int AS fiscal_year,
           p.strategy_id, s.mission_id, p.division_id, d.name_th AS division_th, d.name_en AS division_en, p.stage,
           p.budget::float8 AS budget, p.approved_amount::float8 AS approved_amount,
           p.contract_amount::float8 AS contract_amount, p.disbursed_amount::float8 AS disbursed_amount, p.status,
           -- Late: budget approved but still no contract once half the fiscal year (to 31 March) is gone.
           coalesce(p.stage = 'approved' AND p.as_of >= make_date(p.fiscal_year - 543, 4, 1), false) AS late,
           to_char(p.as_of, 'YYYY-MM-DD') AS as_of, place.zone_id, place.community_id, p.geom
    FROM projects p
    JOIN strategies s ON s.id = p.strategy_id
    JOIN divisions d ON d.id = p.division_id
    LEFT JOIN LATERAL place_community(p.geom) AS place ON true`;

/**
 * Projects with their zone and community taken from where they are (the community that holds
 * the place point of the geometry), never from a typed-in column.
 */
export async function projects(db: Queryable, filter: ProjectFilter) {
  const fc = await queryFeatures<Point | LineString | Polygon, ProjectProperties>(
    db,
    `
    ${PROJECT_SELECT}
    WHERE ($1::int IS NULL OR p.fiscal_year = $1)
      AND ($2::text IS NULL OR p.strategy_id = $2)
      AND ($3::int IS NULL OR place.zone_id = $3)
      AND ($4::text IS NULL OR p.stage = $4)
      AND ($5::float8 IS NULL OR p.geom && ST_MakeEnvelope($5, $6, $7, $8, 4326))
      AND ($9::int[] IS NULL OR place.zone_id = ANY($9))
      AND ($10::int IS NULL OR p.id = $10)
      -- The map lists projects that have a place; one asked for by id is found either way.
      AND ($10::int IS NOT NULL OR p.geom IS NOT NULL)
    ORDER BY p.id`,
    [
      filter.fy ?? null,
      filter.strategy ?? null,
      filter.zone ?? null,
      filter.stage ?? null,
      ...(filter.bbox ?? [null, null, null, null]),
      filter.zones,
      filter.id ?? null,
    ],
  );
  // A project without a place is a Feature whose geometry is null (RFC 7946, 3.2); PostGIS 3.3
  // writes {"type": null} for it, 3.6 (the embedded engine) null.
  for (const feature of fc.features) {
    if (!feature.geometry?.type) (feature as { geometry: unknown }).geometry = null;
  }
  return fc;
}

/** One project as a Feature, whoever may see it: the route applies the access policy. */
export async function project(db: Queryable, id: number) {
  const fc = await projects(db, { id, zones: null });
  return fc.features[0];
}

export interface ProjectValues {
  code?: string;
  fiscal_year?: number;
  strategy_id?: string;
  division_id?: string;
  name_th?: string;
  name_en?: string;
  stage?: Stage;
  budget?: number;
  approved_amount?: number | null;
  contract_amount?: number | null;
  disbursed_amount?: number | null;
  as_of?: string;
  /** null: no place (the project counts under "no place"). */
  geometry?: Geometry | null;
}

/** The zone a geometry would put a project in (same rule as for stored projects); none without a place. */
export async function zoneOfGeometry(db: Queryable, geometry: Geometry | null): Promise<number | null> {
  if (!geometry) return null;
  const [row] = await db.query<{ zone_id: number | null }>(
    `SELECT (SELECT zone_id FROM place_community(ST_SetSRID(ST_GeomFromGeoJSON($1), 4326))) AS zone_id`,
    [JSON.stringify(geometry)],
  );
  return row?.zone_id ?? null;
}

/** Changes the given fields only; an absent field keeps its value, `null` clears an amount or the place. */
export async function updateProject(db: Queryable, id: number, v: ProjectValues): Promise<void> {
  const has = (key: keyof ProjectValues) => key in v;
  await db.query(
    `UPDATE projects SET
       name_th = coalesce($2, name_th), name_en = coalesce($3, name_en),
       strategy_id = coalesce($4, strategy_id), division_id = coalesce($5, division_id),
       fiscal_year = coalesce($6, fiscal_year), stage = coalesce($7, stage), budget = coalesce($8, budget),
       approved_amount = CASE WHEN $9 THEN $10 ELSE approved_amount END,
       contract_amount = CASE WHEN $11 THEN $12 ELSE contract_amount END,
       disbursed_amount = CASE WHEN $13 THEN $14 ELSE disbursed_amount END,
       as_of = coalesce($15::date, as_of),
       geom = CASE WHEN $17 THEN ST_SetSRID(ST_GeomFromGeoJSON($16), 4326) ELSE geom END
     WHERE id = $1`,
    [
      id,
      v.name_th ?? null,
      v.name_en ?? null,
      v.strategy_id ?? null,
      v.division_id ?? null,
      v.fiscal_year ?? null,
      v.stage ?? null,
      v.budget ?? null,
      has('approved_amount'),
      v.approved_amount ?? null,
      has('contract_amount'),
      v.contract_amount ?? null,
      has('disbursed_amount'),
      v.disbursed_amount ?? null,
      v.as_of ?? null,
      v.geometry ? JSON.stringify(v.geometry) : null,
      has('geometry'),
    ],
  );
}

export async function insertProject(
  db: Queryable,
  v: Required<Omit<ProjectValues, 'approved_amount' | 'contract_amount' | 'disbursed_amount' | 'geometry'>> & ProjectValues,
): Promise<number> {
  const [row] = await db.query<{ id: number }>(
    `INSERT INTO projects (code, fiscal_year, strategy_id, division_id, name_th, name_en, stage, budget,
                           approved_amount, contract_amount, disbursed_amount, as_of, geom)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, ST_SetSRID(ST_GeomFromGeoJSON($13), 4326))
     RETURNING id`,
    [
      v.code,
      v.fiscal_year,
      v.strategy_id,
      v.division_id,
      v.name_th,
      v.name_en,
      v.stage,
      v.budget,
      v.approved_amount ?? null,
      v.contract_amount ?? null,
      v.disbursed_amount ?? null,
      v.as_of,
      v.geometry ? JSON.stringify(v.geometry) : null,
    ],
  );
  if (!row) throw new Error('insert returned no project');
  return row.id;
}

/** Which of the given references do not exist, by field name. */
export async function unknownReferences(db: Queryable, v: ProjectValues): Promise<string[]> {
  const [row] = await db.query<{ strategy: boolean; division: boolean; code: boolean }>(
    `SELECT ($1::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM strategies WHERE id = $1)) AS strategy,
            ($2::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM divisions WHERE id = $2)) AS division,
            ($3::text IS NOT NULL AND EXISTS (SELECT 1 FROM projects WHERE code = $3)) AS code`,
    [v.strategy_id ?? null, v.division_id ?? null, v.code ?? null],
  );
  return [row?.strategy && 'strategy_id', row?.division && 'division_id', row?.code && 'code'].filter((f): f is string => typeof f === 'string');
}

export interface References {
  strategies: { id: string; name_th: string; name_en: string; kind: PlanSummary['kind']; first_fy: number; last_fy: number }[];
  divisions: Division[];
}

/** The strategies (with their plan's kind and years) and divisions a project may refer to. */
export async function references(db: Queryable): Promise<References> {
  const [strategies, divisions] = await Promise.all([
    db.query<References['strategies'][number]>(
      `SELECT s.id, s.name_th, s.name_en, pl.kind, pl.first_fy::int AS first_fy, pl.last_fy::int AS last_fy
       FROM strategies s JOIN missions m ON m.id = s.mission_id JOIN plans pl ON pl.id = m.plan_id
       ORDER BY pl.kind, length(s.id), s.id`,
    ),
    divisionList(db),
  ]);
  return { strategies, divisions };
}

const divisionList = (db: Queryable) => db.query<Division>('SELECT id, name_th, name_en FROM divisions ORDER BY id');

/**
 * Why each geometry is invalid (null: valid), all in one statement. The geometries passed the
 * GeoJSON schema, so PostGIS can read them; should it still fail, each is asked alone, so one
 * unreadable shape is that row's problem and never the whole request's.
 */
export async function geometryProblems(db: Queryable, geometries: Geometry[]): Promise<(string | null)[]> {
  const sql = `SELECT CASE WHEN ST_IsValid(g) THEN NULL ELSE ST_IsValidReason(g) END AS problem
               FROM unnest($1::text[]) WITH ORDINALITY AS t(json, n), ST_GeomFromGeoJSON(t.json) AS g ORDER BY t.n`;
  const json = geometries.map((g) => JSON.stringify(g));
  if (json.length === 0) return [];
  try {
    return (await db.query<{ problem: string | null }>(sql, [json])).map((r) => r.problem);
  } catch {
    return Promise.all(
      json.map(async (one) => {
        try {
          return (await db.query<{ problem: string | null }>(sql, [[one]]))[0]?.problem ?? null;
        } catch (error) {
          return `PostGIS cannot read it (${(error as Error).message})`;
        }
      }),
    );
  }
}

export async function projectIdsByCode(db: Queryable, codes: string[]): Promise<Map<string, number>> {
  const rows = await db.query<{ code: string; id: number }>('SELECT code, id FROM projects WHERE code = ANY($1)', [codes]);
  return new Map(rows.map((r) => [r.code, r.id]));
}
