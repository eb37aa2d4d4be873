import type { LineString, Point, Polygon } from 'geojson';
import type { Bbox } from '../http/validate.ts';
import type { Queryable } from '../db/index.ts';
import { queryFeatures } from '../db/geojson.ts';
import type { Stage } from './stages.ts';

export interface Mission { id: string; name_th: string; name_en: string }
export interface Strategy { id: string; mission_id: string; name_th: string; name_en: string }
export interface PlanOutline { missions: Mission[]; strategies: Strategy[]; fiscal_years: number[] }

export interface ProjectProperties {
  id: number; code: string; name_th: string; name_en: string; fiscal_year: number;
  strategy_id: string; mission_id: string; division_th: string; division_en: string; stage: Stage;
  budget: number; approved_amount: number | null; contract_amount: number | null; disbursed_amount: number | null;
  as_of: string; zone_id: number | null; community_id: number | null;
}

export interface ProjectFilter { fy?: number; strategy?: string; zone?: number; stage?: Stage; bbox?: Bbox }

export async function outline(db: Queryable): Promise<PlanOutline> {
  const [missions, strategies, years] = await Promise.all([
    db.query<Mission>('SELECT id, name_th, name_en FROM missions ORDER BY id'),
    // S10 sorts after S9, not after S1.
    db.query<Strategy>('SELECT id, mission_id, name_th, name_en FROM strategies ORDER BY length(id), id'),
    db.query<{ fiscal_year: number }>('SELECT DISTINCT fiscal_year::int AS fiscal_year FROM projects ORDER BY 1'),
  ]);
  return { missions, strategies, fiscal_years: years.map((y) => y.fiscal_year) };
}

export async function strategyExists(db: Queryable, id: string): Promise<boolean> {
  return (await db.query('SELECT 1 FROM strategies WHERE id = $1', [id])).length > 0;
}

/**
 * Projects with their zone and community taken from where they are (a representative point
 * of the geometry), never from a typed-in column.
 */
export const projects = (db: Queryable, filter: ProjectFilter) =>
  queryFeatures<Point | LineString | Polygon, ProjectProperties>(db, `
    SELECT p.id, p.code, p.name_th, p.name_en, p.fiscal_year::int AS fiscal_year,
           p.strategy_id, s.mission_id, d.name_th AS division_th, d.name_en AS division_en, p.stage,
           p.budget::float8 AS budget, p.approved_amount::float8 AS approved_amount,
           p.contract_amount::float8 AS contract_amount, p.disbursed_amount::float8 AS disbursed_amount,
           to_char(p.as_of, 'YYYY-MM-DD') AS as_of, place.zone_id, place.community_id, p.geom
    FROM projects p
    JOIN strategies s ON s.id = p.strategy_id
    JOIN divisions d ON d.id = p.division_id
    LEFT JOIN LATERAL (
      SELECT c.zone_id::int AS zone_id, c.id::int AS community_id
      FROM communities c WHERE ST_Intersects(c.geom, place_point(p.geom)) LIMIT 1
    ) AS place ON true
    WHERE ($1::int IS NULL OR p.fiscal_year = $1)
      AND ($2::text IS NULL OR p.strategy_id = $2)
      AND ($3::int IS NULL OR place.zone_id = $3)
      AND ($4::text IS NULL OR p.stage = $4)
      AND ($5::float8 IS NULL OR p.geom && ST_MakeEnvelope($5, $6, $7, $8, 4326))
    ORDER BY p.id`,
    [filter.fy ?? null, filter.strategy ?? null, filter.zone ?? null, filter.stage ?? null, ...(filter.bbox ?? [null, null, null, null])]);
