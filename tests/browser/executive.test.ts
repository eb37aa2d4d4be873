import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chromiumAvailable, openApp, signInThroughDialog, type OpenApp } from '../support/browser.ts';

const embedded = inject('engines').find((e) => e.engine === 'embedded');

async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 300)))));
}

interface ZoneLabel { id: number; lon: number; lat: number }

describe.runIf(chromiumAvailable)('the executive view in Chromium', () => {
  let app: OpenApp;
  let page: Page;
  let zones: ZoneLabel[];

  beforeAll(async () => {
    if (!embedded) throw new Error('no embedded server to load the app from');
    const collection = (await (await fetch(`${embedded.url}/api/zones`)).json()) as {
      features: { properties: { id: number; label_lon: number; label_lat: number } }[];
    };
    zones = collection.features.map((f) => ({ id: f.properties.id, lon: f.properties.label_lon, lat: f.properties.label_lat }));
    app = await openApp(embedded.url, { width: 1280, height: 800 });
    page = app.page;
  }, 180_000);

  afterAll(async () => app?.close());

  it('switches to the executive view and shows the plan total', async () => {
    await page.getByTestId('view-executive').click();
    // The view opens on the latest year with projects; other suites may have added some to the
    // shared server in later years, so choose the report's year, FY2561.
    const fy = page.getByTestId('exec-fy');
    await expect.poll(() => fy.locator('option[value="2561"]').count(), { timeout: 15_000 }).toBe(1);
    await fy.selectOption('2561');
    await expect.poll(() => page.getByTestId('kpi-projects').innerText(), { timeout: 15_000 }).toMatch(/519/);
    expect(await page.getByTestId('kpi-approved').innerText()).toMatch(/44\.31\s*%/);
    expect(await page.getByTestId('view-switch').innerText()).toMatch(/ผลการดำเนินงานตามแผน/);
    // The city's layer switcher and details give way to the executive panels.
    expect(await page.getByTestId('layer-switcher').count()).toBe(0);
  });

  it('has a legend with class breaks and draws the four zones in different colours', async () => {
    const legend = page.getByTestId('exec-legend');
    await expect.poll(() => legend.locator('li').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    // Four zones, four classes: one value each, never a range from a value to itself.
    const entries = await legend.locator('li').allInnerTexts();
    for (const entry of entries) {
      expect(entry).toMatch(/\d+\.\d{2}\s*%/);
      expect(entry).not.toMatch(/(\d+\.\d{2})\s*–\s*\1%/);
    }
    await settle(page);

    // Sample the fill a little below each zone's label (the label itself is an HTML marker).
    const png = PNG.sync.read(await page.screenshot());
    const colours = new Set<string>();
    for (const zone of zones) {
      const [x, y] = await page.evaluate(([lon, lat]) => window.__mueang!.project!(lon!, lat!), [zone.lon, zone.lat]);
      const i = (Math.round(y + 30) * png.width + Math.round(x)) * 4;
      colours.add(`${png.data[i]! >> 3},${png.data[i + 1]! >> 3},${png.data[i + 2]! >> 3}`);
    }
    expect(colours.size).toBe(4);
  });

  it('opens a zone’s panel with its late projects on click', async () => {
    const zone = zones.find((z) => z.id === 1)!;
    const [x, y] = await page.evaluate(([lon, lat]) => window.__mueang!.project!(lon!, lat!), [zone.lon, zone.lat]);
    await page.mouse.click(x, y + 40);
    const panel = page.getByTestId('exec-zone-panel');
    await expect.poll(() => panel.getAttribute('data-zone'), { timeout: 10_000 }).toBe('1');
    await expect.poll(() => panel.getByTestId('exec-late-projects').locator('li').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const late = ((await (await fetch(`${embedded!.url}/api/projects?fy=2561&zone=1`)).json()) as { features: { properties: { late: boolean } }[] })
      .features.filter((f) => f.properties.late).length;
    expect(await panel.getByTestId('exec-late-projects').locator('li').count()).toBe(late);
    // The strategy bars are the zone's own, and say so.
    const bars = page.getByTestId('exec-bars-strategy');
    await expect.poll(() => bars.getAttribute('data-zone'), { timeout: 10_000 }).toBe('1');
    expect(await bars.locator('h3').innerText()).toMatch(/รายยุทธศาสตร์ · /);
  });

  it('lists the validation findings, errors first, and switches to English', async () => {
    const findings = page.getByTestId('exec-findings');
    await expect.poll(() => findings.locator('li').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await findings.locator('li').first().getAttribute('data-severity')).toBe('error');
    expect(await findings.innerText()).toMatch(/155/);
    await page.getByTestId('lang-toggle').click();
    await expect.poll(() => page.getByTestId('exec-controls').innerText()).toMatch(/Projects in plan/);
    await page.getByTestId('lang-toggle').click();
    expect(app.problems).toEqual([]);
  });

  it('lets a planner import projects: a bad file changes nothing, a good one shows in its year and zone', async () => {
    await signInThroughDialog(page, 'planner');

    await page.getByTestId('exec-fy').selectOption('2561');
    await page.getByTestId('exec-import-open').click();
    const kpi = page.getByTestId('kpi-projects');
    await expect.poll(() => kpi.innerText(), { timeout: 10_000 }).toMatch(/519/);
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
    await expect.poll(() => page.getByTestId('exec-import-done').innerText().catch(() => ''), { timeout: 10_000 })
      .toBe('นำเข้าแล้ว: สร้างใหม่ 1 ปรับปรุง 0');
    expect(await kpi.innerText()).toBe(before);

    // The plan's years now include 2563; its figures are the server's.
    const fySelect = page.getByTestId('exec-fy');
    await expect.poll(() => fySelect.locator('option[value="2563"]').count(), { timeout: 10_000 }).toBe(1);
    await fySelect.selectOption('2563');
    const zones2563 = (await (await fetch(`${embedded!.url}/api/evaluation?fy=2563&by=zone`)).json()) as {
      rows: { key: string; plan_count: number }[]; total: { plan_count: number };
    };
    const zone2 = zones2563.rows.find((r) => r.key === '2')!;
    expect(zone2.plan_count).toBeGreaterThanOrEqual(1);
    await expect.poll(() => kpi.innerText(), { timeout: 10_000 }).toMatch(new RegExp(`^[^\\d]*${zones2563.total.plan_count}\\D`));

    const [x, y] = await page.evaluate(([lon, lat]) => window.__mueang!.project!(lon!, lat!), [102.845, 16.445]);
    await page.mouse.click(x, y);
    const panel = page.getByTestId('exec-zone-panel');
    await expect.poll(() => panel.getAttribute('data-zone'), { timeout: 10_000 }).toBe('2');
    await expect.poll(() => panel.getByTestId('exec-zone-count').innerText().catch(() => ''), { timeout: 10_000 }).toBe(String(zone2.plan_count));

    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('exec-import-open').count()).toBe(0);
    expect(app.problems).toEqual([]);
  }, 40_000);

  it('goes back to the city map with its layers', async () => {
    await page.getByTestId('view-city').click();
    await expect.poll(() => page.getByTestId('layer-switcher').isVisible()).toBe(true);
    expect(await page.getByTestId('exec-controls').count()).toBe(0);
  });
});
