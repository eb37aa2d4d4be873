import type { PhotoFacts, PhotoMeta } from './photos/meta.ts';
import type { Geometry } from 'geojson';
import type { Queryable } from '../db/index.ts';
import { utcIso } from '../db/sql.ts';

/** What "late" and "stale" are measured against: the caller's day and settings (see site_progress in 014). */
export interface SiteRules {
  /** The server's date in Asia/Bangkok, YYYY-MM-DD. */
  today: string;
  /** A delay of at least this many points makes a site late (SITES_LATE_POINTS). */
  latePoints: number;
  /** A site not visited for this many days needs a visit (SITES_STALE_DAYS). */
  staleDays: number;
}

export interface SiteSummary {
  project_id: number;
  code: string;
  name_th: string;
  name_en: string;
  zone_id: number | null;
  community_id: number | null;
  contractor: string;
  contract_no: string;
  contract_start: string;
  contract_end: string;
  contract_value: number;
  /** When the works were accepted; null while they are under way. */
  completed_on: string | null;
  planned_pct: number | null;
  actual_pct: number | null;
  delay_pts: number | null;
  late: boolean;
  late_reason: 'behind' | 'overdue' | null;
  last_inspection_at: string | null;
  /** Not completed, and no visit for SITES_STALE_DAYS days (or none at all). */
  stale: boolean;
  awaiting_review: number;
  open_defects: number;
  geometry: Geometry | null;
}

const day = (expression: string) => `to_char(${expression}, 'YYYY-MM-DD')`;

/**
 * Every site with its progress and lateness (site_progress: one rule for every reader), in the
 * given zones (null: all) or one site, in the order of what needs attention: late sites, the
 * furthest behind first; then sites not visited for a while; then those awaiting sign-off; then
 * the rest. $1 today, $2 late points, $3 stale days, $4 zones, $5 one site.
 */
const SUMMARY = `
  SELECT s.project_id, p.code, p.name_th, p.name_en, place.zone_id, place.community_id,
         s.contractor, s.contract_no, ${day('s.contract_start')} AS contract_start, ${day('s.contract_end')} AS contract_end,
         s.contract_value::float8 AS contract_value, ${day('s.completed_on')} AS completed_on,
         g.planned_pct::float8 AS planned_pct, g.actual_pct::float8 AS actual_pct, g.delay_pts::float8 AS delay_pts,
         g.late, g.late_reason, ${utcIso('v.last_at')} AS last_inspection_at,
         s.completed_on IS NULL AND (v.last_at IS NULL OR (v.last_at AT TIME ZONE 'Asia/Bangkok')::date <= $1::date - $3::int) AS stale,
         (SELECT count(*)::int FROM inspections i WHERE i.project_id = s.project_id AND i.status = 'submitted') AS awaiting_review,
         (SELECT count(*)::int FROM defects d JOIN inspections i ON i.id = d.inspection_id
          WHERE i.project_id = s.project_id AND d.status = 'open') AS open_defects,
         p.geom
  FROM sites s
  JOIN projects p ON p.id = s.project_id
  CROSS JOIN LATERAL site_progress(s.project_id, $1::date, $2::numeric) g
  LEFT JOIN LATERAL place_community(p.geom) AS place ON true
  LEFT JOIN LATERAL (SELECT max(i.visited_at) AS last_at FROM inspections i WHERE i.project_id = s.project_id) v ON true
  WHERE ($4::int[] IS NULL OR place.zone_id = ANY($4)) AND ($5::int IS NULL OR s.project_id = $5)`;

const ATTENTION = `
  ORDER BY CASE WHEN f.late THEN 0 WHEN f.stale THEN 1 WHEN f.awaiting_review > 0 THEN 2 ELSE 3 END,
           CASE WHEN f.late THEN f.delay_pts END DESC NULLS LAST,
           CASE WHEN f.stale THEN f.last_inspection_at END NULLS FIRST,
           f.code`;

const summaryParams = (rules: SiteRules, zones: number[] | null, id: number | null) => [rules.today, rules.latePoints, rules.staleDays, zones, id];

/** The sites in `zones` (null: every zone), most in need of attention first. */
export async function sites(db: Queryable, rules: SiteRules, zones: number[] | null): Promise<SiteSummary[]> {
  return db.query<SiteSummary>(
    `SELECT f.project_id, f.code, f.name_th, f.name_en, f.zone_id, f.community_id, f.contractor, f.contract_no, f.contract_start,
            f.contract_end, f.contract_value, f.completed_on, f.planned_pct, f.actual_pct, f.delay_pts, f.late, f.late_reason,
            f.last_inspection_at, f.stale, f.awaiting_review, f.open_defects, ST_AsGeoJSON(f.geom, 6)::json AS geometry
     FROM (${SUMMARY}) f ${ATTENTION}`,
    summaryParams(rules, zones, null),
  );
}

type SiteProperties = Omit<SiteSummary, 'geometry'>;
export interface SiteFeature {
  type: 'Feature';
  id: number;
  geometry: Geometry | null;
  properties: SiteProperties;
}

/** The same sites as a FeatureCollection, for maps (a site without a place has a null geometry). */
export async function sitesGeoJson(db: Queryable, rules: SiteRules, zones: number[] | null): Promise<{ type: 'FeatureCollection'; features: SiteFeature[] }> {
  const [row] = await db.query<{ features: SiteFeature[] }>(
    `SELECT coalesce(json_agg(json_build_object('type', 'Feature', 'id', f.project_id, 'geometry', ST_AsGeoJSON(f.geom, 6)::json,
                                                'properties', to_jsonb(f) - 'geom') ${ATTENTION}), '[]'::json) AS features
     FROM (${SUMMARY}) f`,
    summaryParams(rules, zones, null),
  );
  return { type: 'FeatureCollection', features: row?.features ?? [] };
}

/** One site's summary, if it is in `zones` (null: any). */
export async function site(db: Queryable, rules: SiteRules, zones: number[] | null, id: number): Promise<SiteSummary | undefined> {
  const [row] = await db.query<SiteSummary>(`SELECT f.*, ST_AsGeoJSON(f.geom, 6)::json AS geometry FROM (${SUMMARY}) f`, summaryParams(rules, zones, id));
  if (!row) return undefined;
  const { geom: _geom, ...summary } = row as SiteSummary & { geom?: unknown };
  return summary;
}

export interface ZoneSummaryRow {
  zone_id: number | null;
  sites: number;
  late: number;
  avg_delay_pts: number | null;
}

/** Sites, late sites and the average delay per zone (the plan evaluation's view of the works). */
export async function summaryByZone(db: Queryable, rules: SiteRules, zones: number[] | null): Promise<ZoneSummaryRow[]> {
  return db.query<ZoneSummaryRow>(
    `SELECT f.zone_id, count(*)::int AS sites, count(*) FILTER (WHERE f.late)::int AS late,
            round(avg(f.delay_pts)::numeric, 2)::float8 AS avg_delay_pts
     FROM (${SUMMARY}) f GROUP BY f.zone_id ORDER BY f.zone_id NULLS LAST`,
    summaryParams(rules, zones, null),
  );
}

// --- The planned curve ---------------------------------------------------------------------------

export interface PlanPoint {
  on_date: string;
  planned_pct: number;
}

export async function planPoints(db: Queryable, id: number): Promise<PlanPoint[]> {
  return db.query<PlanPoint>(
    `SELECT ${day('on_date')} AS on_date, planned_pct::float8 AS planned_pct FROM site_plan_points WHERE project_id = $1 ORDER BY on_date`,
    [id],
  );
}

export async function replacePlan(tx: Queryable, id: number, points: PlanPoint[]): Promise<void> {
  await tx.query('DELETE FROM site_plan_points WHERE project_id = $1', [id]);
  await tx.query(
    `INSERT INTO site_plan_points (project_id, on_date, planned_pct)
     SELECT $1, t.on_date, t.pct FROM unnest($2::date[], $3::numeric[]) AS t(on_date, pct)`,
    [id, points.map((p) => p.on_date), points.map((p) => p.planned_pct)],
  );
}

/** Locks a site for the caller's transaction and says where it is; undefined: no such site. */
export async function lockSite(tx: Queryable, id: number): Promise<{ zone_id: number | null; contract_value: number } | undefined> {
  const [row] = await tx.query<{ zone_id: number | null; contract_value: number }>(
    `SELECT place.zone_id, s.contract_value::float8 AS contract_value
     FROM sites s JOIN projects p ON p.id = s.project_id LEFT JOIN LATERAL place_community(p.geom) AS place ON true
     WHERE s.project_id = $1 FOR UPDATE OF s`,
    [id],
  );
  return row;
}

export type NewSite = Pick<SiteSummary, 'project_id' | 'contractor' | 'contract_no' | 'contract_start' | 'contract_end' | 'contract_value' | 'completed_on'>;

/**
 * Makes a site with its default planned curve: a smoothstep S-curve (3t² − 2t³) from 0 % at the
 * contract's start to 100 % at its end, one point every 14 days and one on the last day.
 */
export async function createSite(tx: Queryable, s: NewSite): Promise<void> {
  await tx.query(
    `INSERT INTO sites (project_id, contractor, contract_no, contract_start, contract_end, contract_value, completed_on)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [s.project_id, s.contractor, s.contract_no, s.contract_start, s.contract_end, s.contract_value, s.completed_on],
  );
  await tx.query(
    `INSERT INTO site_plan_points (project_id, on_date, planned_pct)
     SELECT s.project_id, d.on_date, round((100 * (3 * t ^ 2 - 2 * t ^ 3))::numeric, 2)
     FROM sites s
     CROSS JOIN LATERAL (SELECT (s.contract_start + n)::date AS on_date
                         FROM generate_series(0, s.contract_end - s.contract_start, 14) AS n
                         UNION SELECT s.contract_end) d
     CROSS JOIN LATERAL (SELECT (d.on_date - s.contract_start)::float8 / (s.contract_end - s.contract_start) AS t) k
     WHERE s.project_id = $1`,
    [s.project_id],
  );
}

// --- Inspections ---------------------------------------------------------------------------------

type Weather = 'clear' | 'cloudy' | 'rain' | 'storm';
type Severity = 'minor' | 'major' | 'critical';
type InspectionStatus = 'submitted' | 'returned' | 'approved';

interface DefectInput {
  id: string;
  description: string;
  severity: Severity;
  assignee?: string | undefined;
  due_on?: string | undefined;
}

export interface InspectionValues {
  visited_at: string;
  progress_pct: number;
  notes: string;
  work_done?: string | undefined;
  weather?: Weather | undefined;
  defects?: DefectInput[] | undefined;
}

interface Person {
  id: number;
  username: string;
  display_name: string;
}

export interface Defect {
  id: string;
  inspection_id: string;
  description: string;
  severity: Severity;
  assignee: string;
  due_on: string | null;
  status: 'open' | 'closed';
  closed_at: string | null;
}

interface Review {
  step: number;
  reviewer: Person;
  decision: 'approve' | 'return';
  note: string;
  at: string;
}

export interface Inspection {
  id: string;
  project_id: number;
  author: Person;
  visited_at: string;
  progress_pct: number;
  notes: string;
  work_done: string;
  weather: Weather | null;
  status: InspectionStatus;
  /** The step whose reviewer has it (while submitted). */
  review_step: number | null;
  /** Who decides next: the role of `review_step` (null unless submitted). */
  next_reviewer_role: string | null;
  created_at: string;
  updated_at: string;
  defects: Defect[];
  photos: PhotoMeta[];
  reviews: Review[];
}

const person = (alias: string) => `json_build_object('id', ${alias}.id, 'username', ${alias}.username, 'display_name', ${alias}.display_name)`;

/** Inspections of one site (or the one with `id`), newest visit first, with defects, photos and reviews. */
const INSPECTIONS = `
  SELECT i.id::text AS id, i.project_id, ${person('u')} AS author, ${utcIso('i.visited_at')} AS visited_at,
         i.progress_pct::float8 AS progress_pct, i.notes, i.work_done, i.weather, i.status, i.review_step,
         CASE WHEN i.status = 'submitted' THEN (SELECT rs.role FROM inspection_review_steps rs WHERE rs.step = i.review_step) END AS next_reviewer_role,
         ${utcIso('i.created_at')} AS created_at, ${utcIso('i.updated_at')} AS updated_at,
         coalesce((SELECT json_agg(json_build_object('id', d.id::text, 'inspection_id', d.inspection_id::text, 'description', d.description,
                                                     'severity', d.severity, 'assignee', d.assignee, 'due_on', ${day('d.due_on')},
                                                     'status', d.status, 'closed_at', ${utcIso('d.closed_at')}) ORDER BY d.due_on NULLS LAST, d.id)
                   FROM defects d WHERE d.inspection_id = i.id), '[]'::json) AS defects,
         coalesce((SELECT json_agg(json_build_object('id', ph.id::text, 'inspection_id', ph.inspection_id::text, 'sha256', ph.sha256,
                                                     'content_type', ph.content_type, 'bytes', ph.bytes, 'width', ph.width, 'height', ph.height,
                                                     'taken_at', ${utcIso('ph.taken_at')}, 'lon', ST_X(ph.geom), 'lat', ST_Y(ph.geom),
                                                     'bearing', ph.bearing, 'position_source', ph.position_source, 'distance_m', ph.distance_m)
                             ORDER BY ph.taken_at NULLS LAST, ph.created_at, ph.id)
                   FROM photos ph WHERE ph.inspection_id = i.id), '[]'::json) AS photos,
         coalesce((SELECT json_agg(json_build_object('step', r.step, 'reviewer', ${person('ru')}, 'decision', r.decision, 'note', r.note,
                                                     'at', ${utcIso('r.at')}) ORDER BY r.at, r.id)
                   FROM inspection_reviews r JOIN users ru ON ru.id = r.reviewer_id WHERE r.inspection_id = i.id), '[]'::json) AS reviews
  FROM inspections i JOIN users u ON u.id = i.author_id
  WHERE ($1::int IS NULL OR i.project_id = $1) AND ($2::uuid IS NULL OR i.id = $2)
  ORDER BY i.visited_at DESC, i.created_at DESC`;

type InspectionRow = Omit<Inspection, 'photos'> & { photos: PhotoFacts[] };

export async function inspections(db: Queryable, siteId: number): Promise<InspectionRow[]> {
  return db.query<InspectionRow>(INSPECTIONS, [siteId, null]);
}

export async function inspection(db: Queryable, id: string): Promise<InspectionRow | undefined> {
  const [row] = await db.query<InspectionRow>(INSPECTIONS, [null, id]);
  return row;
}

/** What a write of an inspection is checked against: its row, locked for the caller's transaction. */
export interface StoredInspection {
  id: string;
  project_id: number;
  author_id: number;
  status: InspectionStatus;
  review_step: number | null;
  request_hash: string;
  zone_id: number | null;
  contract_value: number;
}

export async function lockInspection(tx: Queryable, id: string): Promise<StoredInspection | undefined> {
  const [row] = await tx.query<StoredInspection>(
    `SELECT i.id::text AS id, i.project_id, i.author_id, i.status, i.review_step, i.request_hash, place.zone_id,
            s.contract_value::float8 AS contract_value
     FROM inspections i JOIN sites s ON s.project_id = i.project_id JOIN projects p ON p.id = s.project_id
     LEFT JOIN LATERAL place_community(p.geom) AS place ON true
     WHERE i.id = $1 FOR UPDATE OF i`,
    [id],
  );
  return row;
}

/**
 * The review step after `after` (0: the first) that applies to a contract of this value (a step
 * with a minimum value is skipped below it), or undefined: no step left, the inspection is approved.
 */
export async function nextStep(db: Queryable, after: number, contractValue: number): Promise<{ step: number; role: string } | undefined> {
  const [row] = await db.query<{ step: number; role: string }>(
    `SELECT step::int AS step, role FROM inspection_review_steps
     WHERE step > $1 AND (min_contract_value IS NULL OR min_contract_value <= $2) ORDER BY step LIMIT 1`,
    [after, contractValue],
  );
  return row;
}

/** The role that decides at `step`, if the step exists. */
export async function stepRole(db: Queryable, step: number): Promise<string | undefined> {
  const [row] = await db.query<{ role: string }>('SELECT role FROM inspection_review_steps WHERE step = $1', [step]);
  return row?.role;
}

/**
 * Writes an inspection as submitted to `step` (null: no step applies, it is approved at once),
 * new or over its returned version, at `at`; its defects are the ones given, matched by id.
 * Returns the id of a defect that belongs to another inspection, and then writes no defect.
 */
export async function writeInspection(
  tx: Queryable,
  w: { id: string; projectId: number; authorId: number; values: InspectionValues; hash: string; step: number | null; at: Date; isNew: boolean },
): Promise<{ foreignDefect: number } | undefined> {
  const v = w.values;
  const params = [
    w.id,
    w.projectId,
    w.authorId,
    v.visited_at,
    v.progress_pct,
    v.notes,
    v.work_done ?? '',
    v.weather ?? null,
    w.step === null ? 'approved' : 'submitted',
    w.step,
    w.hash,
    w.at,
  ];
  if (w.isNew) {
    await tx.query(
      `INSERT INTO inspections (id, project_id, author_id, visited_at, progress_pct, notes, work_done, weather, status, review_step, request_hash, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)`,
      params,
    );
  } else {
    await tx.query(
      `UPDATE inspections SET visited_at = $4, progress_pct = $5, notes = $6, work_done = $7, weather = $8, status = $9,
                              review_step = $10, request_hash = $11, updated_at = $12
       WHERE id = $1 AND project_id = $2 AND author_id = $3`,
      params,
    );
  }
  const defects = v.defects ?? [];
  const [foreign] = await tx.query<{ n: number }>(
    `SELECT t.n::int AS n FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, n) JOIN defects d ON d.id = t.id
     WHERE d.inspection_id <> $2 ORDER BY t.n LIMIT 1`,
    [defects.map((d) => d.id), w.id],
  );
  if (foreign) return { foreignDefect: foreign.n - 1 };
  await tx.query('DELETE FROM defects WHERE inspection_id = $1 AND NOT (id = ANY($2::uuid[]))', [w.id, defects.map((d) => d.id)]);
  await tx.query(
    `INSERT INTO defects (id, inspection_id, description, severity, assignee, due_on)
     SELECT t.id, $1, t.description, t.severity, t.assignee, t.due_on
     FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::date[]) AS t(id, description, severity, assignee, due_on)
     ON CONFLICT (id) DO UPDATE SET description = excluded.description, severity = excluded.severity,
                                    assignee = excluded.assignee, due_on = excluded.due_on`,
    [
      w.id,
      defects.map((d) => d.id),
      defects.map((d) => d.description),
      defects.map((d) => d.severity),
      defects.map((d) => d.assignee ?? ''),
      defects.map((d) => d.due_on ?? null),
    ],
  );
  return undefined;
}

/** Records a reviewer's decision at the inspection's current step and moves it on: to `next` (null: approved), or back to its author. */
export async function recordReview(
  tx: Queryable,
  r: { inspectionId: string; step: number; reviewerId: number; decision: 'approve' | 'return'; note: string; next: number | null; at: Date },
): Promise<void> {
  await tx.query('INSERT INTO inspection_reviews (inspection_id, step, reviewer_id, decision, note, at) VALUES ($1, $2, $3, $4, $5, $6)', [
    r.inspectionId,
    r.step,
    r.reviewerId,
    r.decision,
    r.note,
    r.at,
  ]);
  const status: InspectionStatus = r.decision === 'return' ? 'returned' : r.next === null ? 'approved' : 'submitted';
  await tx.query('UPDATE inspections SET status = $2, review_step = $3, updated_at = $4 WHERE id = $1', [
    r.inspectionId,
    status,
    status === 'submitted' ? r.next : null,
    r.at,
  ]);
}

// --- Defects -------------------------------------------------------------------------------------

const DEFECT = `d.id::text AS id, d.inspection_id::text AS inspection_id, d.description, d.severity, d.assignee, ${day('d.due_on')} AS due_on,
                d.status, ${utcIso('d.closed_at')} AS closed_at`;

export async function lockDefect(tx: Queryable, id: string): Promise<(Defect & { zone_id: number | null; project_id: number }) | undefined> {
  const [row] = await tx.query<Defect & { zone_id: number | null; project_id: number }>(
    `SELECT ${DEFECT}, place.zone_id, i.project_id
     FROM defects d JOIN inspections i ON i.id = d.inspection_id JOIN projects p ON p.id = i.project_id
     LEFT JOIN LATERAL place_community(p.geom) AS place ON true
     WHERE d.id = $1 FOR UPDATE OF d`,
    [id],
  );
  return row;
}

/** Closes an open defect at `at`; returns it as it now is. */
export async function closeDefect(tx: Queryable, id: string, at: Date): Promise<Defect> {
  const [row] = await tx.query<Defect>(`UPDATE defects d SET status = 'closed', closed_at = $2 WHERE d.id = $1 RETURNING ${DEFECT}`, [id, at]);
  if (!row) throw new Error(`defect ${id} vanished while locked`);
  return row;
}

// --- OC4IDS --------------------------------------------------------------------------------------

/** What the OC4IDS export needs beyond the summary: the project's budget and the approved observations. */
export async function oc4idsFacts(
  db: Queryable,
  id: number,
): Promise<{ budget: number; observations: { id: string; visited_at: string; progress_pct: number }[] } | undefined> {
  const [row] = await db.query<{ budget: number; observations: { id: string; visited_at: string; progress_pct: number }[] }>(
    `SELECT p.budget::float8 AS budget,
            coalesce((SELECT json_agg(json_build_object('id', i.id::text, 'visited_at', ${utcIso('i.visited_at')},
                                                        'progress_pct', i.progress_pct::float8) ORDER BY i.visited_at)
                      FROM inspections i WHERE i.project_id = p.id AND i.status = 'approved'), '[]'::json) AS observations
     FROM projects p WHERE p.id = $1`,
    [id],
  );
  return row;
}

// --- Demo data (server/sites/seed.ts) ------------------------------------------------------------

/** Whether any site exists: the demo seed makes them once. */
export async function hasSites(db: Queryable): Promise<boolean> {
  const [row] = await db.query<{ any: boolean }>('SELECT EXISTS (SELECT FROM sites) AS any');
  return row?.any ?? false;
}

/** Projects of a strategy and fiscal year whose contract is signed (contracted or disbursed) and that are no site yet, by code. */
export async function contractedProjects(
  db: Queryable,
  fiscalYear: number,
  strategy: string,
): Promise<{ id: number; code: string; name_th: string; contract_amount: number }[]> {
  return db.query(
    `SELECT p.id, p.code, p.name_th, p.contract_amount::float8 AS contract_amount FROM projects p
     WHERE p.fiscal_year = $1 AND p.strategy_id = $2 AND p.stage IN ('contracted', 'disbursed') AND p.contract_amount IS NOT NULL
       AND NOT EXISTS (SELECT FROM sites s WHERE s.project_id = p.id)
     ORDER BY p.code`,
    [fiscalYear, strategy],
  );
}

/** The site's planned % on each of `days` (site_planned_pct), in their order. */
export async function plannedOn(db: Queryable, id: number, days: string[]): Promise<number[]> {
  const rows = await db.query<{ pct: number }>(
    'SELECT coalesce(site_planned_pct($1, t.d), 0)::float8 AS pct FROM unnest($2::date[]) WITH ORDINALITY AS t(d, n) ORDER BY t.n',
    [id, days],
  );
  return rows.map((r) => r.pct);
}
