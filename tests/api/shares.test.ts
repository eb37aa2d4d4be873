import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Db } from '../../server/db/index.ts';
import { openSeededApp, type AppUnderTest } from '../support/app.ts';
import { expectBody, type Client } from '../support/client.ts';
import { type NewProject, type ProjectGeometry, testProject } from '../support/projects.ts';

/**
 * Each project's community and zone shares are stored (`project_shares`) and kept by the database
 * as projects and communities change (migration 011); the evaluation by zone or community reads
 * them. These tests change the data through every kind of writer and read the effect back
 * through the evaluation, on an app of their own (a copy of the seeded demo data): they move
 * community boundaries, which must not disturb other files' figures.
 */
const engines = inject('engines');

interface Share {
  community_id: number | null;
  zone_id: number | null;
  share: number;
}

const HEADER = 'รหัสโครงการ,ปีงบประมาณ,ยุทธศาสตร์,ชื่อโครงการ,หน่วยงาน,งบประมาณตามแผน,อนุมัติงบประมาณ,ลงนามสัญญา,เบิกจ่าย,ข้อมูล ณ วันที่,ลองจิจูด,ละติจูด';
const base64 = (text: string) => Buffer.from(text).toString('base64');
/** The rectangle from (x0, y0) to (x1, y1), in degrees. */
const box = (x0: number, y0: number, x1: number, y1: number): ProjectGeometry => ({
  type: 'Polygon',
  coordinates: [
    [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ],
  ],
});

describe.each(engines)('stored project shares on $engine', (target) => {
  let app: AppUnderTest;
  let db: Db;
  let planner: Client;
  /** A point inside one community of each zone, zone by zone, from the seeded city itself. */
  let inZone: Map<number, { community: number; at: [number, number] }>;
  // FY2563 holds only what these tests create.
  const prefix = `SH-${target.engine === 'postgis' ? 'P' : 'E'}`;
  const project = (code: string, budget: number, geometry?: ProjectGeometry) =>
    testProject({ prefix, fiscalYear: 2563, asOf: '2020-01-15' }, code, budget, geometry);
  const pointIn = (zone: number): ProjectGeometry => ({ type: 'Point', coordinates: inZone.get(zone)!.at });
  const rowsBy = async (by: 'zone' | 'community') => (await expectBody(app.client().api.evaluation.$get({ query: { fy: '2563', by } }))).rows;
  /** The FY2563 evaluation by zone or community, as a lookup by key (null: "no place"). */
  const evaluation = async (by: 'zone' | 'community') => {
    const rows = await rowsBy(by);
    return (key: string | null) => rows.find((r) => r.key === key) ?? { plan_count: 0, budget: 0 };
  };
  const sharesOf = (code: string) =>
    db.query<Share>(
      `SELECT s.community_id, s.zone_id, s.share::float8 AS share FROM project_shares s JOIN projects p ON p.id = s.project_id
       WHERE p.code = $1 ORDER BY s.community_id NULLS LAST`,
      [`${prefix}-${code}`],
    );
  const create = async (json: NewProject) => (await expectBody(planner.api.projects.$post({ json }), 201))!.properties.id;

  beforeAll(async () => {
    app = await openSeededApp(target, 'mueang_shares_test');
    db = app.db;
    planner = await app.signIn('planner');
    const points = await db.query<{ zone_id: number; id: number; x: number; y: number }>(
      `SELECT DISTINCT ON (zone_id) zone_id, id, ST_X(inner_point(geom)) AS x, ST_Y(inner_point(geom)) AS y
       FROM communities ORDER BY zone_id, id`,
    );
    inZone = new Map(points.map((p) => [p.zone_id, { community: p.id, at: [p.x, p.y] }]));
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  });

  it('holds for every seeded project exactly what the rule gives afresh, adding up to one', async () => {
    const [row] = await db.query<{ projects: number; stored: number; differing: number; unbalanced: number }>(
      `WITH fresh AS (SELECT p.id AS project_id, s.* FROM projects p CROSS JOIN LATERAL community_shares(p.geom) s)
       SELECT (SELECT count(*) FROM projects)::int AS projects,
              (SELECT count(*) FROM project_shares)::int AS stored,
              (SELECT count(*) FROM fresh f FULL JOIN project_shares s
                 ON s.project_id = f.project_id AND s.community_id IS NOT DISTINCT FROM f.community_id
               WHERE s.share IS DISTINCT FROM f.share::numeric OR s.zone_id IS DISTINCT FROM f.zone_id)::int AS differing,
              (SELECT count(*) FROM (SELECT project_id FROM project_shares GROUP BY 1 HAVING abs(sum(share) - 1) > 1e-9) u)::int AS unbalanced`,
    );
    expect(row!.projects).toBeGreaterThan(519);
    expect(row!.stored).toBeGreaterThanOrEqual(row!.projects);
    expect(row).toMatchObject({ differing: 0, unbalanced: 0 });
  });

  it("moves a project's share to the zone its geometry moves to", async () => {
    const was = await evaluation('zone');
    const id = await create(project('moving', 1_000_000, pointIn(1)));
    const placed = await evaluation('zone');
    expect(placed('1').plan_count - was('1').plan_count).toBeCloseTo(1, 9);
    expect(await sharesOf('moving')).toEqual([{ community_id: inZone.get(1)!.community, zone_id: 1, share: 1 }]);

    await expectBody(planner.api.projects[':id'].$patch({ param: { id: String(id) }, json: { geometry: pointIn(3) } }));
    const moved = await evaluation('zone');
    expect(moved('1').plan_count).toBeCloseTo(was('1').plan_count, 9);
    expect(moved('3').plan_count - was('3').plan_count).toBeCloseTo(1, 9);
    expect(moved('3').budget - was('3').budget).toBeCloseTo(1_000_000, 2);
    expect(await sharesOf('moving')).toEqual([{ community_id: inZone.get(3)!.community, zone_id: 3, share: 1 }]);

    // A change that leaves the geometry alone leaves the shares alone.
    await expectBody(planner.api.projects[':id'].$patch({ param: { id: String(id) }, json: { budget: 2_000_000 } }));
    expect((await evaluation('zone'))('3').budget - was('3').budget).toBeCloseTo(2_000_000, 2);
  });

  it('counts a project without a place under "no place", and drops the shares of a deleted project', async () => {
    const was = await evaluation('zone');
    await create(project('nowhere', 500_000));
    expect(await sharesOf('nowhere')).toEqual([{ community_id: null, zone_id: null, share: 1 }]);
    const now = await evaluation('zone');
    expect(now(null).plan_count - was(null).plan_count).toBeCloseTo(1, 9);
    expect(now(null).budget - was(null).budget).toBeCloseTo(500_000, 2);

    await db.query('DELETE FROM projects WHERE code = $1', [`${prefix}-nowhere`]);
    expect(await sharesOf('nowhere')).toEqual([]);
    expect((await evaluation('zone'))(null).plan_count).toBeCloseTo(was(null).plan_count, 9);
  });

  it('counts a project added by import in its zone', async () => {
    const was = await evaluation('zone');
    const [x, y] = inZone.get(4)!.at;
    const csv = [HEADER, `${prefix}-imported,2563,S4,ถนนนำเข้า,engineering,750000,,,,2563-01-15,${x},${y}`].join('\n');
    expect(await expectBody(planner.api.projects.import.$post({ json: { format: 'csv', content: base64(csv) } }))).toMatchObject({ created: 1 });
    const now = await evaluation('zone');
    expect(now('4').plan_count - was('4').plan_count).toBeCloseTo(1, 9);
    expect(now('4').budget - was('4').budget).toBeCloseTo(750_000, 2);
    expect(await sharesOf('imported')).toEqual([{ community_id: inZone.get(4)!.community, zone_id: 4, share: 1 }]);
  });

  it('stores nothing of an import that fails inside its transaction', async () => {
    // A rule the import's own checks do not know, so the second row fails in the database,
    // after the first row (and its shares) was written in the same transaction.
    await db.query(`ALTER TABLE projects ADD CONSTRAINT shares_test_refuses CHECK (code <> '${prefix}-refused')`);
    try {
      const [stored] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM project_shares');
      const was = await rowsBy('zone');
      const [x, y] = inZone.get(2)!.at;
      const csv = [
        HEADER,
        `${prefix}-accepted,2563,S4,ถนนที่หนึ่ง,engineering,100000,,,,2563-01-15,${x},${y}`,
        `${prefix}-refused,2563,S4,ถนนที่สอง,engineering,200000,,,,2563-01-15,${x},${y}`,
      ].join('\n');
      const response = await planner.api.projects.import.$post({ json: { format: 'csv', content: base64(csv) } });
      // A database error the server has no better answer for: 500, and nothing applied.
      expect(response.status).toBe(500);
      expect(await sharesOf('accepted')).toEqual([]);
      expect(await db.query<{ n: number }>('SELECT count(*)::int AS n FROM project_shares')).toEqual([stored]);
      expect(await rowsBy('zone')).toEqual(was);
    } finally {
      await db.query('ALTER TABLE projects DROP CONSTRAINT shares_test_refuses');
    }
  });

  /**
   * What a change to the communities `ids` left unlike a fresh computation, around them: parcels
   * whose community or zone is not where they lie now, and projects whose stored shares differ
   * from community_shares. The triggers only re-place what the change can reach (migration 015).
   */
  const stale = async (ids: number[]) => {
    const around = 'SELECT ST_Expand(ST_Extent(geom), 0.01) FROM communities WHERE id = ANY ($1)';
    const [parcels] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM parcels p LEFT JOIN LATERAL place_community(p.geom) pc ON true
       WHERE p.geom && (${around}) AND (p.community_id IS DISTINCT FROM pc.community_id OR p.zone_id IS DISTINCT FROM pc.zone_id)`,
      [ids],
    );
    const [shares] = await db.query<{ n: number }>(
      `WITH near AS (SELECT id, geom FROM projects WHERE geom && (${around}))
       SELECT count(*)::int AS n FROM (
         (SELECT s.project_id, s.community_id, s.zone_id, round(s.share, 6) FROM project_shares s JOIN near ON near.id = s.project_id)
         EXCEPT
         (SELECT near.id, c.community_id, c.zone_id, round(c.share::numeric, 6) FROM near CROSS JOIN LATERAL community_shares(near.geom) c)) AS drift`,
      [ids],
    );
    return { parcels: parcels!.n, shares: shares!.n };
  };

  it("re-splits the projects a community's boundary or zone change moves", async () => {
    // A square wholly inside a community of zone 1; then the square's east half is handed to a
    // community of zone 2 (cut out of the one, added to the other, in one transaction).
    const from = inZone.get(1)!;
    const to = inZone.get(2)!;
    const [x, y] = from.at;
    const area = box(x - 0.0002, y - 0.0002, x + 0.0002, y + 0.0002);
    await create(project('split', 4_000_000, area));
    expect(await sharesOf('split')).toEqual([{ community_id: from.community, zone_id: 1, share: 1 }]);
    const was = await evaluation('zone');
    const half = box(x, y - 0.0002, x + 0.0002, y + 0.0002);
    await db.transaction(async (tx) => {
      const moved = 'ST_SetSRID(ST_GeomFromGeoJSON($2), 4326)';
      await tx.query(`UPDATE communities SET geom = ST_Multi(ST_CollectionExtract(ST_Difference(geom, ${moved}, 1e-9), 3)) WHERE id = $1`, [
        from.community,
        JSON.stringify(half),
      ]);
      await tx.query(`UPDATE communities SET geom = ST_Multi(ST_CollectionExtract(ST_Union(geom, ${moved}, 1e-9), 3)) WHERE id = $1`, [
        to.community,
        JSON.stringify(half),
      ]);
    });
    expect(await stale([from.community, to.community])).toEqual({ parcels: 0, shares: 0 });
    const shares = await sharesOf('split');
    expect(shares.map((s) => [s.community_id, s.zone_id])).toEqual(
      [
        [from.community, 1],
        [to.community, 2],
      ].sort((a, b) => a[0]! - b[0]!),
    );
    for (const s of shares) expect(s.share).toBeCloseTo(0.5, 3);
    const now = await evaluation('zone');
    expect(now('1').plan_count - was('1').plan_count).toBeCloseTo(-0.5, 3);
    expect(now('2').plan_count - was('2').plan_count).toBeCloseTo(0.5, 3);
    expect(now('2').budget - was('2').budget).toBeCloseTo(2_000_000, -3);
    const byCommunity = await evaluation('community');
    expect(byCommunity(String(to.community)).plan_count).toBeGreaterThan(0.49);

    // A community handed to another zone takes its shares along.
    await db.query('UPDATE communities SET zone_id = 3 WHERE id = $1', [to.community]);
    expect(await stale([from.community, to.community])).toEqual({ parcels: 0, shares: 0 });
    expect((await sharesOf('split')).map((s) => s.zone_id)).toEqual(from.community < to.community ? [1, 3] : [3, 1]);
    expect((await evaluation('zone'))('3').plan_count - now('3').plan_count).toBeGreaterThan(0.49);
  });
});
