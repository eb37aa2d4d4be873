import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openSeededApp, type AppUnderTest } from '../support/app.ts';
import { answer, expectBody, type Client } from '../support/client.ts';

/**
 * Construction sites (issue 12) on an app of their own per engine, a copy of the seeded demo
 * data: the FY2561 infrastructure projects with their contracts, curves and inspections. The
 * tests write inspections to sites they pick for themselves, each with its own ids.
 */
const engines = inject('engines');

const DAY_MS = 86_400_000;
const addDays = (date: string, days: number) => new Date(Date.parse(date) + days * DAY_MS).toISOString().slice(0, 10);

/** The planned % on `day` read from a curve's points by hand: straight lines between them, 0 before, the last value after. */
function plannedByHand(points: { on_date: string; planned_pct: number }[], day: string): number {
  const before = points.filter((p) => p.on_date <= day).at(-1);
  const after = points.find((p) => p.on_date > day);
  if (!before) return 0;
  if (!after) return before.planned_pct;
  const span = (Date.parse(after.on_date) - Date.parse(before.on_date)) / DAY_MS;
  const gone = (Date.parse(day) - Date.parse(before.on_date)) / DAY_MS;
  return Math.round((before.planned_pct + ((after.planned_pct - before.planned_pct) * gone) / span) * 100) / 100;
}

describe.each(engines)('construction sites on $engine', (target) => {
  let app: AppUnderTest;
  const as: Record<string, Client> = {};
  /** Sites as an unscoped admin sees them, by zone. */
  let byZone: Map<number, number[]>;
  /** A site in zone 1 and one in zone 2 that the tests below write to, each its own. */
  let zone1Site: number;
  let zone2Site: number;
  let bigSite: number;
  let smallSite: number;
  let planSite: number;

  /** `GET /api/sites` answers a list, or with `format=geojson` a FeatureCollection: the list here. */
  const list = async (client: Client) => {
    const body = await expectBody(client.api.sites.$get({ query: {} }));
    if (!('sites' in body)) throw new Error('expected the list of sites');
    return body.sites;
  };
  const detail = (client: Client, id: number) => expectBody(client.api.sites[':id'].$get({ param: { id: String(id) } }));
  const put = (client: Client, site: number, id: string, json: { visited_at: string; progress_pct: number; notes: string } & Record<string, unknown>) =>
    client.api.sites[':id'].inspections[':client_id'].$put({ param: { id: String(site), client_id: id }, json });
  const review = (client: Client, id: string, json: { decision: 'approve' | 'return'; note?: string }) =>
    client.api.inspections[':id'].review.$post({ param: { id }, json });
  const visit = (progress: number, notes = 'ตรวจงานประจำสัปดาห์') => ({ visited_at: new Date().toISOString(), progress_pct: progress, notes });
  const auditOf = async (entityId: string) =>
    (await expectBody(as.admin!.api.audit.$get({ query: { entity: 'inspection', entity_id: entityId, limit: '50' } }))).reverse();
  /** A raw request with a JSON body, for what the typed client cannot send. */
  const raw = (client: Client, method: string, path: string, body: unknown) =>
    answer(client.raw(method, path, JSON.stringify(body), { 'content-type': 'application/json' }));

  beforeAll(async () => {
    app = await openSeededApp(target, `mueang_sites_${target.engine}`);
    for (const name of ['admin', 'engineer', 'engineer-z1', 'chief_engineer', 'director', 'planner', 'executive']) as[name] = await app.signIn(name);
    const sites = await list(as.admin!);
    byZone = new Map();
    for (const s of sites) if (s.zone_id !== null) byZone.set(s.zone_id, [...(byZone.get(s.zone_id) ?? []), s.project_id]);
    const [z1a, z1b, z1c] = byZone.get(1) ?? [];
    const [z2a, z2b] = byZone.get(2) ?? [];
    if (!z1a || !z1b || !z1c || !z2a || !z2b) throw new Error('the demo data should have three sites in zone 1 and two in zone 2');
    [zone1Site, bigSite, smallSite, zone2Site, planSite] = [z1a, z1b, z1c, z2a, z2b];
    // The director signs off contracts of 5 M baht or more; the demo's are all smaller, so one grows here.
    await app.db.query('UPDATE sites SET contract_value = 6000000 WHERE project_id = $1', [bigSite]);
  }, 180_000);

  afterAll(async () => {
    await app?.close();
  });

  it('keeps a zone-1 engineer to zone 1: the list, one site, and writes', async () => {
    const engineerZ1 = as['engineer-z1']!;
    const sites = await list(engineerZ1);
    expect(sites.length).toBeGreaterThan(0);
    expect(sites.every((s) => s.zone_id === 1)).toBe(true);
    expect(sites.map((s) => s.project_id)).not.toContain(zone2Site);
    const geojson = await expectBody(engineerZ1.api.sites.$get({ query: { format: 'geojson' } }));
    if (!('features' in geojson)) throw new Error('expected a FeatureCollection');
    expect(geojson.features.map((f) => f.properties.zone_id)).toEqual(sites.map(() => 1));

    expect((await engineerZ1.api.sites[':id'].$get({ param: { id: String(zone2Site) } })).status).toBe(404);
    expect((await engineerZ1.api.sites[':id'].oc4ids.$get({ param: { id: String(zone2Site) } })).status).toBe(404);
    const id = randomUUID();
    expect((await put(engineerZ1, zone2Site, id, visit(10))).status).toBe(404);
    const seen = await detail(as.admin!, zone2Site);
    expect(seen.inspections.map((i) => i.id)).not.toContain(id);

    // The same engineer writes in zone 1.
    expect((await put(engineerZ1, zone1Site, randomUUID(), visit(10))).status).toBe(201);
    // And the public writes nothing at all.
    expect((await put(app.client(), zone1Site, randomUUID(), visit(10))).status).toBe(401);
  });

  it('takes an inspection sent again with the same id once, and refuses other content under that id', async () => {
    const engineer = as.engineer!;
    const id = randomUUID();
    const body = { ...visit(42), weather: 'rain' as const, work_done: 'เทคอนกรีตผิวทาง' };
    const first = await expectBody(put(engineer, zone2Site, id, body), 201);
    expect(first.inspection).toMatchObject({ id, progress_pct: 42, status: 'submitted', review_step: 1, next_reviewer_role: 'chief_engineer' });
    // Sent again (its answer lost on the way), with its keys in another order: nothing new.
    const again = await raw(engineer, 'PUT', `sites/${zone2Site}/inspections/${id}`, {
      notes: body.notes,
      work_done: body.work_done,
      weather: 'rain',
      progress_pct: 42,
      visited_at: body.visited_at,
    });
    expect(again.status).toBe(200);
    const after = await detail(engineer, zone2Site);
    expect(after.inspections.filter((i) => i.id === id)).toHaveLength(1);
    expect(after.awaiting_review).toBeGreaterThanOrEqual(1);
    // Other content under the same id while it is with its reviewer: refused, nothing changed.
    const other = await answer(put(engineer, zone2Site, id, { ...body, progress_pct: 55 }));
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ field: 'client_id' });
    expect((await detail(engineer, zone2Site)).inspections.find((i) => i.id === id)?.progress_pct).toBe(42);
    // Another inspector's id is not theirs to write.
    expect((await put(as.admin!, zone2Site, id, body)).status).toBe(403);
    expect((await auditOf(id)).map((e) => e.action)).toEqual(['create']);
  });

  it('signs off in steps: chief engineer, then the director for a large contract; a return goes back to its author', async () => {
    const [engineer, chief, director] = [as.engineer!, as.chief_engineer!, as.director!];
    const id = randomUUID();
    await expectBody(put(engineer, bigSite, id, visit(30)), 201);
    // Only the step's role decides: not the director before the chief engineer, not an engineer.
    expect((await review(director, id, { decision: 'approve' })).status).toBe(403);
    expect((await review(engineer, id, { decision: 'approve' })).status).toBe(403);
    const noNote = await answer(review(chief, id, { decision: 'return' }));
    expect(noNote.status).toBe(400);
    expect(noNote.body).toMatchObject({ field: 'note' });

    const returned = await expectBody(review(chief, id, { decision: 'return', note: 'ขอภาพถ่ายจุดเดิม' }));
    expect(returned.inspection).toMatchObject({ status: 'returned', review_step: null, next_reviewer_role: null });
    expect(returned.inspection.reviews.map((r) => [r.step, r.decision, r.note, r.reviewer.username])).toEqual([
      [1, 'return', 'ขอภาพถ่ายจุดเดิม', 'chief_engineer'],
    ]);
    // Back with its author, who alone may change it: another engineer's write is refused.
    expect((await put(as['engineer-z1']!, bigSite, id, visit(31))).status).toBe(403);
    const resubmitted = await expectBody(put(engineer, bigSite, id, visit(31, 'แนบภาพจุดเดิมแล้ว')));
    expect(resubmitted.inspection).toMatchObject({ status: 'submitted', review_step: 1, progress_pct: 31 });

    const chiefApproved = await expectBody(review(chief, id, { decision: 'approve' }));
    expect(chiefApproved.inspection).toMatchObject({ status: 'submitted', review_step: 2, next_reviewer_role: 'director' });
    expect((await review(chief, id, { decision: 'approve' })).status).toBe(403);
    const approved = await expectBody(review(director, id, { decision: 'approve', note: 'อนุมัติ' }));
    expect(approved.inspection).toMatchObject({ status: 'approved', review_step: null });
    expect((await review(director, id, { decision: 'approve' })).status).toBe(409);
    // An approved inspection is the site's official progress.
    expect((await detail(engineer, bigSite)).actual_pct).toBe(31);

    const trail = await auditOf(id);
    expect(trail.map((e) => [e.action, e.actor_name])).toEqual([
      ['create', 'engineer'],
      ['return', 'chief_engineer'],
      ['resubmit', 'engineer'],
      ['approve', 'chief_engineer'],
      ['approve', 'director'],
    ]);
    expect(trail[1]?.after).toMatchObject({ status: 'returned', note: 'ขอภาพถ่ายจุดเดิม' });

    // A small contract skips the director's step: the chief engineer's approval is the last.
    const small = randomUUID();
    await expectBody(put(engineer, smallSite, small, visit(20)), 201);
    expect((await expectBody(review(chief, small, { decision: 'approve' }))).inspection.status).toBe('approved');
  });

  it('computes the delay against the planned curve', async () => {
    const today = (await detail(as.planner!, planSite)).today;
    const points = [
      { on_date: addDays(today, -30), planned_pct: 10 },
      { on_date: addDays(today, -9), planned_pct: 35.5 },
      { on_date: addDays(today, 12), planned_pct: 80 },
      { on_date: addDays(today, 40), planned_pct: 100 },
    ];
    await expectBody(as.planner!.api.sites[':id'].plan.$put({ param: { id: String(planSite) }, json: { points } }));
    const site = await detail(as.planner!, planSite);
    expect(site.plan).toEqual(points);
    const planned = plannedByHand(site.plan, site.today);
    expect(planned).toBeGreaterThan(35.5);
    expect(planned).toBeLessThan(80);
    expect(site.planned_pct).toBe(planned);
    const latest = site.inspections.filter((i) => i.status === 'approved').sort((a, b) => b.visited_at.localeCompare(a.visited_at))[0];
    const actual = latest?.progress_pct ?? null;
    expect(site.actual_pct).toBe(actual);
    const delay = Math.round((planned - (actual ?? 0)) * 100) / 100;
    expect(site.delay_pts).toBe(delay);
    expect(site.late).toBe(site.completed_on === null && (delay >= 10 || site.today > site.contract_end));

    // Behind by less than 10 points, within the contract, is not late: set the actual just under it.
    await app.db.query('UPDATE sites SET contract_end = $2, completed_on = NULL WHERE project_id = $1', [planSite, addDays(today, 40)]);
    const id = randomUUID();
    await expectBody(put(as.engineer!, planSite, id, visit(Math.ceil(planned - 9.5))), 201);
    await expectBody(review(as.chief_engineer!, id, { decision: 'approve' }));
    const nearly = await detail(as.planner!, planSite);
    expect(nearly.delay_pts).toBe(Math.round((planned - Math.ceil(planned - 9.5)) * 100) / 100);
    expect(nearly).toMatchObject({ late: false, late_reason: null });
    const behind = randomUUID();
    await expectBody(put(as.engineer!, planSite, behind, visit(Math.floor(planned - 10))), 201);
    await expectBody(review(as.chief_engineer!, behind, { decision: 'approve' }));
    expect(await detail(as.planner!, planSite)).toMatchObject({ late: true, late_reason: 'behind' });

    // Only some roles draw curves, and a curve never goes down.
    expect((await as.engineer!.api.sites[':id'].plan.$put({ param: { id: String(planSite) }, json: { points } })).status).toBe(403);
    const down = await raw(as.planner!, 'PUT', `sites/${planSite}/plan`, { points: [points[1], { ...points[2], planned_pct: 20 }] });
    expect(down.status).toBe(400);
    expect(down.body).toMatchObject({ field: 'points.1.planned_pct' });
  });

  it('lists sites by what needs attention: late (furthest behind first), not visited, awaiting sign-off, the rest', async () => {
    const sites = await list(as.executive!);
    const rank = (s: (typeof sites)[number]) => (s.late ? 0 : s.stale ? 1 : s.awaiting_review > 0 ? 2 : 3);
    const ranks = sites.map(rank);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    const late = sites.filter((s) => s.late);
    expect(late.length).toBeGreaterThan(0);
    const delays = late.map((s) => s.delay_pts ?? -Infinity);
    expect(delays).toEqual([...delays].sort((a, b) => b - a));
    expect(sites.filter((s) => s.open_defects > 0).length).toBeGreaterThan(0);
    // The evaluation by zone counts the same sites.
    const summary = await expectBody(as.executive!.api.sites.summary.$get({ query: { by: 'zone' } }));
    expect(summary.rows.reduce((n, r) => n + r.sites, 0)).toBe(sites.length);
    expect(summary.rows.reduce((n, r) => n + r.late, 0)).toBe(late.length);
  });

  it('closes a defect once, in zone, audited', async () => {
    const sites = await list(as.admin!);
    const withDefects = sites.find((s) => s.open_defects > 0)!;
    const defect = (await detail(as.admin!, withDefects.project_id)).inspections.flatMap((i) => i.defects).find((d) => d.status === 'open')!;
    if (withDefects.zone_id !== 1)
      expect((await as['engineer-z1']!.api.defects[':id'].$patch({ param: { id: defect.id }, json: { status: 'closed' } })).status).toBe(404);
    expect((await as.planner!.api.defects[':id'].$patch({ param: { id: defect.id }, json: { status: 'closed' } })).status).toBe(403);
    const closed = await expectBody(as.engineer!.api.defects[':id'].$patch({ param: { id: defect.id }, json: { status: 'closed' } }));
    expect(closed.defect).toMatchObject({ id: defect.id, status: 'closed' });
    expect(closed.defect.closed_at).not.toBeNull();
    const again = await expectBody(as.engineer!.api.defects[':id'].$patch({ param: { id: defect.id }, json: { status: 'closed' } }));
    expect(again.defect.closed_at).toBe(closed.defect.closed_at);
    expect((await detail(as.admin!, withDefects.project_id)).open_defects).toBe(withDefects.open_defects - 1);
    const trail = await expectBody(as.admin!.api.audit.$get({ query: { entity: 'defect', entity_id: defect.id } }));
    expect(trail.map((e) => e.action)).toEqual(['close']);
  });

  it('exports a site as an OC4IDS project with metrics and forecasts', async () => {
    const site = await detail(as.admin!, smallSite);
    const project = await expectBody(app.client().api.sites[':id'].oc4ids.$get({ param: { id: String(smallSite) } }));
    expect(project).toMatchObject({
      id: site.code,
      title: site.name_th,
      period: { startDate: site.contract_start, endDate: site.contract_end },
      budget: { amount: { currency: 'THB' } },
    });
    expect(project.contractingProcesses[0]?.summary).toMatchObject({
      contractValue: { amount: site.contract_value, currency: 'THB' },
      contractPeriod: { startDate: site.contract_start, endDate: site.contract_end },
      suppliers: [{ name: site.contractor }],
    });
    const approved = site.inspections.filter((i) => i.status === 'approved');
    const [metric] = project.metrics;
    expect(metric?.observations.map((o) => o.measure).sort()).toEqual(approved.map((i) => i.progress_pct).sort());
    for (const o of [...(metric?.observations ?? []), ...(project.forecasts[0]?.observations ?? [])]) {
      expect(o.unit).toMatchObject({ scheme: 'UNCEFACT', id: 'P1' });
      expect(o.period.startDate).toBe(site.contract_start);
      expect(o.measure).toBeGreaterThanOrEqual(0);
      expect(o.measure).toBeLessThanOrEqual(100);
    }
    expect(project.forecasts[0]?.observations.map((o) => [o.period.endDate, o.measure])).toEqual(site.plan.map((p) => [p.on_date, p.planned_pct]));
  });

  it('refuses malformed writes with 400 naming the field', async () => {
    const engineer = as.engineer!;
    const good = visit(10);
    const cases: [string, unknown, string][] = [
      [`sites/${zone2Site}/inspections/not-a-uuid`, good, 'client_id'],
      [`sites/abc/inspections/${randomUUID()}`, good, 'id'],
      [`sites/${zone2Site}/inspections/${randomUUID()}`, { ...good, progress_pct: 120 }, 'progress_pct'],
      [`sites/${zone2Site}/inspections/${randomUUID()}`, { progress_pct: 10, notes: '' }, 'visited_at'],
      [`sites/${zone2Site}/inspections/${randomUUID()}`, { ...good, weather: 'snow' }, 'weather'],
      [`sites/${zone2Site}/inspections/${randomUUID()}`, { ...good, visited_at: '2099-01-01T09:00:00+07:00' }, 'visited_at'],
      [`sites/${zone2Site}/inspections/${randomUUID()}`, { ...good, defects: [{ id: randomUUID(), description: 'x', severity: 'bad' }] }, 'defects.0.severity'],
      [`sites/${zone2Site}/inspections/${randomUUID()}`, { ...good, defects: [{ id: '1', description: 'x', severity: 'minor' }] }, 'defects.0.id'],
      [`sites/${zone2Site}/inspections/${randomUUID()}`, { ...good, colour: 'red' }, 'body'],
    ];
    for (const [path, body, field] of cases) {
      const refused = await raw(engineer, 'PUT', path, body);
      expect([path, refused.status, (refused.body as { field?: string }).field]).toEqual([path, 400, field]);
    }
    const badDecision = await raw(as.chief_engineer!, 'POST', `inspections/${randomUUID()}/review`, { decision: 'maybe' });
    expect([badDecision.status, (badDecision.body as { field?: string }).field]).toEqual([400, 'decision']);
    const badDefect = await raw(engineer, 'PATCH', 'defects/nope', { status: 'closed' });
    expect([badDefect.status, (badDefect.body as { field?: string }).field]).toEqual([400, 'id']);
  });

  it('tells the web app what the viewer may do with sites', async () => {
    const sitesOf = async (client: Client) => (await expectBody(client.api.auth.me.$get())).permissions.sites;
    expect(await sitesOf(as.engineer!)).toMatchObject({ record: true, review: false, close_defects: true, edit_plan: false });
    expect(await sitesOf(as.chief_engineer!)).toMatchObject({ record: false, review: true, close_defects: true, edit_plan: true });
    expect(await sitesOf(as.planner!)).toMatchObject({ record: false, review: false, edit_plan: true });
    expect(await sitesOf(app.client())).toMatchObject({ record: false, review: false, photo_originals: false });
  });
});
