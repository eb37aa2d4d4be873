import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appBase as base, browserSuite, chromiumAvailable, settle } from '../support/browser.ts';
import { Client, expectBody } from '../support/client.ts';

const planUrl = () => `${base()}/plan`;
const publicApi = () => new Client(base()).api;

async function zoneLabels() {
  const collection = await expectBody(publicApi().zones.$get());
  return collection.features.map((f) => ({ id: f.properties.id, lon: f.properties.label_lon, lat: f.properties.label_lat }));
}

const at = (page: Page, lon: number, lat: number) => page.evaluate(([x, y]) => window.__mueang!.project!(x!, y!), [lon, lat]);

/**
 * The page opens on the latest year with projects; other suites may have added projects to the
 * shared server in later years, so the report's year, FY2561, is chosen explicitly.
 */
async function chooseFy2561(page: Page): Promise<void> {
  const fy = page.getByTestId('exec-fy');
  await expect.poll(() => fy.locator('option[value="2561"]').count(), { timeout: 15_000 }).toBe(1);
  await fy.selectOption('2561');
  await expect.poll(() => page.getByTestId('kpi-projects').innerText(), { timeout: 15_000 }).toMatch(/519/);
}

describe.runIf(chromiumAvailable)('plan evaluation (/plan) in Chromium', () => {
  const browser = browserSuite();

  it('opens on its own, asks for each evaluation once and for none of the city map’s data', async () => {
    const { page, requests, apiPaths, problems } = await browser.open(planUrl());
    // Everything the page shows has arrived: the figures, the bars and the findings.
    await expect.poll(() => page.getByTestId('exec-findings').locator('li').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('exec-bars-mission').locator('.exec-bar-group').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const evaluations = requests.filter((url) => new URL(url).pathname.startsWith('/api/evaluation'));
    const perUrl = new Map<string, number>();
    for (const url of evaluations) perUrl.set(url, (perUrl.get(url) ?? 0) + 1);
    // zone, community, strategy, mission, quarter and the checks: each once, all for one year.
    expect([...perUrl.values()]).toEqual(Array(perUrl.size).fill(1));
    expect(perUrl.size).toBe(6);
    const years = new Set(evaluations.map((url) => new URL(url).searchParams.get('fy')));
    expect(years.size).toBe(1);
    expect([...years][0]).toMatch(/^\d{4}$/);

    const paths = apiPaths();
    for (const other of ['/api/projects', '/api/trucks', '/api/sensors', '/api/live', '/api/alerts']) {
      expect(paths, other).not.toContain(other);
    }
    expect(paths.some((p) => p.startsWith('/api/tiles/'))).toBe(false);
    expect(await page.evaluate(() => window.__mueang!.layers)).toMatchObject({ projects: 0, trucks: 0, sensors: 0, parcels: 0 });
    expect(problems).toEqual([]);
  });

  it('shows the plan total of FY2561, and draws the four zones in different colours with a legend', async () => {
    const { page } = await browser.open(planUrl());
    await chooseFy2561(page);
    expect(await page.getByTestId('kpi-approved').innerText()).toMatch(/44\.31\s*%/);
    expect(await page.getByTestId('view-switch').innerText()).toMatch(/ผลการดำเนินงานตามแผน/);
    expect(await page.getByTestId('layer-switcher').count()).toBe(0);

    const legend = page.getByTestId('exec-legend');
    await expect.poll(() => legend.locator('li').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    // Four zones, four classes: one value each, never a range from a value to itself.
    for (const entry of await legend.locator('li').allInnerTexts()) {
      expect(entry).toMatch(/\d+\.\d{2}\s*%/);
      expect(entry).not.toMatch(/(\d+\.\d{2})\s*–\s*\1%/);
    }
    await settle(page);
    // Sample the fill a little below each zone's label (the label itself is an HTML marker).
    const png = PNG.sync.read(await page.screenshot());
    const colours = new Set<string>();
    for (const zone of await zoneLabels()) {
      const [x, y] = await at(page, zone.lon, zone.lat);
      const i = (Math.round(y + 30) * png.width + Math.round(x)) * 4;
      colours.add(`${png.data[i]! >> 3},${png.data[i + 1]! >> 3},${png.data[i + 2]! >> 3}`);
    }
    expect(colours.size).toBe(4);
  });

  it('opens a zone’s panel with its late projects on click', async () => {
    const { page, apiPaths } = await browser.open(planUrl());
    await chooseFy2561(page);
    const zone = (await zoneLabels()).find((z) => z.id === 1)!;
    const [x, y] = await at(page, zone.lon, zone.lat);
    await page.mouse.click(x, y + 40);
    const panel = page.getByTestId('exec-zone-panel');
    await expect.poll(() => panel.getAttribute('data-zone'), { timeout: 10_000 }).toBe('1');
    const late = (await expectBody(publicApi().projects.$get({ query: { fy: '2561', zone: '1' } }))).features.filter((f) => f.properties.late).length;
    expect(late).toBeGreaterThan(0);
    await expect.poll(() => panel.getByTestId('exec-late-projects').locator('li').count(), { timeout: 10_000 }).toBe(late);
    // The strategy bars are the zone's own, and say so.
    const bars = page.getByTestId('exec-bars-strategy');
    await expect.poll(() => bars.getAttribute('data-zone'), { timeout: 10_000 }).toBe('1');
    expect(await bars.locator('h3').innerText()).toMatch(/รายยุทธศาสตร์ · /);
    // The public's evaluation goes by the e-Plan rule alone: construction sites are staff work.
    expect(apiPaths().filter((p) => p.startsWith('/api/sites'))).toEqual([]);
    expect(await panel.getByTestId('exec-zone-sites').count()).toBe(0);
  });

  it("gives staff a zone's construction sites, and lists a project late by its site's rule or the e-Plan's, saying which", async () => {
    const executive = (await Client.signIn(base(), 'executive')).api;
    const list = await expectBody(executive.sites.$get({ query: { format: 'json' } }));
    if (!('sites' in list)) throw new Error('GET /api/sites answered no list');
    const worst = list.sites.find((s) => s.late && s.late_reason === 'behind' && s.zone_id !== null)!;
    const zone = worst.zone_id!;
    const summary = (await expectBody(executive.sites.summary.$get({ query: { by: 'zone' } }))).rows.find((r) => r.zone_id === zone)!;
    const projects = (await expectBody(executive.projects.$get({ query: { fy: '2561', zone: String(zone) } }))).features;
    const lateSites = new Set(list.sites.filter((s) => s.late).map((s) => s.project_id));
    const late = projects.filter((f) => f.properties.late || lateSites.has(f.properties.id));
    expect(late.length).toBeGreaterThan(projects.filter((f) => f.properties.late).length);

    const { page, problems } = await browser.open(planUrl(), { as: 'executive' });
    await chooseFy2561(page);
    expect(await page.evaluate((id) => window.__mueang!.select!('zone', id), zone)).toBe(true);
    const panel = page.getByTestId('exec-zone-panel');
    await expect.poll(() => panel.getByTestId('exec-zone-sites-count').textContent(), { timeout: 15_000 }).toBe(String(summary.sites));
    expect(await panel.getByTestId('exec-zone-sites-late').textContent()).toBe(String(summary.late));
    expect(await panel.getByTestId('exec-zone-avg-delay').textContent()).toContain(summary.avg_delay_pts!.toFixed(1));
    const rows = panel.getByTestId('exec-late-projects').locator('li');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(late.length);
    const row = panel.locator(`[data-project-id="${worst.project_id}"]`);
    expect(await row.getAttribute('data-rules')).toMatch(/\bbehind\b/);
    expect(await row.innerText()).toContain(`หน้างานช้ากว่าแผน ${worst.delay_pts!.toFixed(1)} จุด`);
    const eplanOnly = late.find((f) => f.properties.late && !lateSites.has(f.properties.id));
    if (eplanOnly) expect(await panel.locator(`[data-project-id="${eplanOnly.properties.id}"]`).getAttribute('data-rules')).toBe('eplan');
    expect(problems).toEqual([]);
  });

  it('lists the validation findings, errors first, and switches to English', async () => {
    const { page, problems } = await browser.open(planUrl());
    await chooseFy2561(page);
    const findings = page.getByTestId('exec-findings');
    await expect.poll(() => findings.innerText(), { timeout: 10_000 }).toMatch(/155/);
    expect(await findings.locator('li').first().getAttribute('data-severity')).toBe('error');
    await page.getByTestId('lang-toggle').click();
    await expect.poll(() => page.getByTestId('exec-controls').innerText()).toMatch(/Projects in plan/);
    expect(problems).toEqual([]);
  });

  it('lets a planner import projects: a bad file changes nothing, a good one shows in its year and zone', async () => {
    const { page, problems } = await browser.open(planUrl(), { as: 'planner' });
    await chooseFy2561(page);
    await page.getByTestId('exec-import-open').click();
    const kpi = page.getByTestId('kpi-projects');
    const before = await kpi.innerText();

    const code = `UI-${Date.now() % 1e9}`;
    const header = 'รหัสโครงการ,ปีงบประมาณ,ยุทธศาสตร์,ชื่อโครงการ,หน่วยงาน,งบประมาณตามแผน,อนุมัติงบประมาณ,ลงนามสัญญา,เบิกจ่าย,ข้อมูล ณ วันที่,ลองจิจูด,ละติจูด';
    const good = `${code},2563,S4,ก่อสร้างรางระบายน้ำ ทดสอบหน้าเว็บ,engineering,500000,480000,,,2563-03-31,102.845,16.445`;
    const bad = `${code}-X,2563,S99,โครงการผิด,engineering,100000,,,,2563-03-31,102.845,16.445`;
    const upload = async (name: string, rows: string[]) => {
      await page.getByTestId('exec-import-file').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from([header, ...rows].join('\n')) });
      await page.getByTestId('exec-import-submit').click();
    };

    await upload('bad.csv', [good, bad]);
    const errors = page.getByTestId('exec-import-errors');
    await errors.waitFor({ timeout: 10_000 });
    expect(await errors.locator('th').allInnerTexts()).toEqual(['แถว', 'คอลัมน์', 'ปัญหา']);
    expect(await errors.locator('tr[data-row="3"][data-column="ยุทธศาสตร์"]').count()).toBe(1);
    expect(await errors.locator('tbody tr').first().locator('td').first().innerText()).toBe('3');
    expect(await page.getByTestId('exec-import-refused').innerText()).toMatch(/ไม่ได้นำเข้าข้อมูลใดเลย/);
    expect(await kpi.innerText()).toBe(before);

    await upload('good.csv', [good]);
    await expect
      .poll(
        () =>
          page
            .getByTestId('exec-import-done')
            .innerText()
            .catch(() => ''),
        { timeout: 10_000 },
      )
      .toBe('นำเข้าแล้ว: สร้างใหม่ 1 ปรับปรุง 0');
    expect(await kpi.innerText()).toBe(before);

    // The plan's years now include 2563; its figures are the server's.
    const fySelect = page.getByTestId('exec-fy');
    await expect.poll(() => fySelect.locator('option[value="2563"]').count(), { timeout: 10_000 }).toBe(1);
    await fySelect.selectOption('2563');
    const zones2563 = await expectBody(publicApi().evaluation.$get({ query: { fy: '2563', by: 'zone' } }));
    const zone2 = zones2563.rows.find((r) => r.key === '2')!;
    expect(zone2.plan_count).toBeGreaterThanOrEqual(1);
    await expect.poll(() => kpi.innerText(), { timeout: 10_000 }).toMatch(new RegExp(`^[^\\d]*${zones2563.total!.plan_count}\\D`));

    const [x, y] = await at(page, 102.845, 16.445);
    await page.mouse.click(x, y);
    const panel = page.getByTestId('exec-zone-panel');
    await expect.poll(() => panel.getAttribute('data-zone'), { timeout: 10_000 }).toBe('2');
    await expect
      .poll(
        () =>
          panel
            .getByTestId('exec-zone-count')
            .innerText()
            .catch(() => ''),
        { timeout: 10_000 },
      )
      .toBe(String(zone2.plan_count));

    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('exec-import-open').count()).toBe(0);
    expect(problems).toEqual([]);
  }, 60_000);
});
