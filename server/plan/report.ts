import type { Queryable } from '../db/index.ts';
import { csvLines } from '../http/csv.ts';
import { evaluate, type EvaluationRow, type Grouping } from './queries/evaluation.ts';
import { reportHeading, strategyTargets } from './queries/reports.ts';

const COLUMNS: [keyof EvaluationRow, string][] = [
  ['key', 'รหัส'],
  ['name_th', 'ชื่อ'],
  ['plan_count', 'จำนวนโครงการตามแผน'],
  ['budget', 'งบประมาณตามแผน (บาท)'],
  ['approved_count', 'จำนวนที่อนุมัติงบประมาณ'],
  ['approved_amount', 'งบประมาณที่อนุมัติ (บาท)'],
  ['contract_count', 'จำนวนที่ลงนามสัญญา'],
  ['contract_amount', 'วงเงินตามสัญญา (บาท)'],
  ['disbursed_count', 'จำนวนที่เบิกจ่าย'],
  ['disbursed_amount', 'เบิกจ่าย (บาท)'],
  ['approved_pct', 'ร้อยละอนุมัติ (ของโครงการตามแผน)'],
  ['contracted_pct', 'ร้อยละลงนามสัญญา (ของที่อนุมัติ)'],
  ['disbursed_pct', 'ร้อยละเบิกจ่าย (ของที่ลงนามสัญญา)'],
  ['disbursed_budget_pct', 'ร้อยละเบิกจ่ายต่องบประมาณตามแผน'],
  ['completed', 'ดำเนินการแล้วเสร็จ'],
  ['in_progress', 'อยู่ระหว่างดำเนินการ'],
  ['not_possible', 'ไม่สามารถดำเนินการได้'],
];

/** The evaluation as CSV with Thai headers, and a BOM so that Excel reads the Thai correctly. */
export async function evaluationCsv(db: Queryable, plan: string, fy: number, by: Grouping, zones: number[] | null): Promise<string> {
  const filter = { plan, fy, zones };
  const [rows, [total]] = await Promise.all([evaluate(db, by, filter), evaluate(db, 'plan', filter)]);
  const lines = [
    COLUMNS.map(([, th]) => th),
    ...[...rows, ...(total ? [{ ...total, key: 'รวม', name_th: 'รวมทั้งสิ้น' }] : [])].map((row) => COLUMNS.map(([key]) => row[key])),
  ];
  return csvLines(lines);
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const money = (n: number) => n.toLocaleString('th-TH', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const count = (n: number) => (Number.isInteger(n) ? n.toLocaleString('th-TH') : n.toLocaleString('th-TH', { maximumFractionDigits: 2 }));
const pct = (n: number | null) => (n === null ? '–' : n.toFixed(2));

/**
 * A printable "แบบที่ 2" (quarterly monitoring form) in Thai: the four-year plan's projects and
 * budget per strategy (item 3), the year's results per strategy from the project records
 * (item 4), and the quantitative summary per mission, every figure computed, none typed in.
 * The browser's print to PDF makes the document.
 */
export async function form2Html(db: Queryable, plan: string, fy: number): Promise<string> {
  const filter = { plan, fy, zones: null };
  const [strategies, missions, [total], targets, info] = await Promise.all([
    evaluate(db, 'strategy', filter),
    evaluate(db, 'mission', filter),
    evaluate(db, 'plan', filter),
    strategyTargets(db, plan),
    reportHeading(db, plan, fy),
  ]);
  const years = [...new Set(targets.map((t) => t.fiscal_year))];
  const asOf = info?.as_of
    ? new Date(`${info.as_of}T00:00:00+07:00`).toLocaleDateString('th-TH-u-ca-buddhist', {
        day: 'numeric',
        month: 'long',
        year: 'numeric',
        timeZone: 'Asia/Bangkok',
      })
    : '–';
  const targetRows = [...new Set(targets.map((t) => t.strategy_id))]
    .map((id) => {
      const mine = targets.filter((t) => t.strategy_id === id);
      return `<tr><td>${escapeHtml(id)} ${escapeHtml(mine[0]?.name_th ?? '')}</td>${years
        .map((y) => {
          const t = mine.find((m) => m.fiscal_year === y);
          return `<td class="n">${t ? count(t.project_count) : '–'}</td><td class="n">${t ? money(t.budget) : '–'}</td>`;
        })
        .join('')}</tr>`;
    })
    .join('');
  const resultRow = (r: EvaluationRow, label: string) => `<tr><td>${label}</td>
    <td class="n">${count(r.plan_count)}</td><td class="n">${money(r.budget)}</td>
    <td class="n">${count(r.approved_count)}</td><td class="n">${money(r.approved_amount)}</td>
    <td class="n">${count(r.contract_count)}</td><td class="n">${money(r.contract_amount)}</td>
    <td class="n">${count(r.disbursed_count)}</td><td class="n">${money(r.disbursed_amount)}</td></tr>`;
  const summaryRow = (r: EvaluationRow, label: string) => `<tr><td>${label}</td><td class="n">${count(r.plan_count)}</td>
    <td class="n">${count(r.approved_count)}</td><td class="n">${pct(r.approved_pct)}</td>
    <td class="n">${count(r.contract_count)}</td><td class="n">${pct(r.contracted_pct)}</td>
    <td class="n">${count(r.disbursed_count)}</td><td class="n">${pct(r.disbursed_pct)}</td></tr>`;
  return `<!doctype html>
<html lang="th"><head><meta charset="utf-8"><title>แบบที่ 2 ปีงบประมาณ ${fy}</title>
<style>
  @page { size: A4 landscape; margin: 14mm; }
  body { font-family: 'Sarabun', 'TH Sarabun New', 'Garuda', 'Loma', sans-serif; font-size: 12pt; color: #111; margin: 24px; }
  h1 { font-size: 16pt; text-align: center; margin: 0 0 4px; } h2 { font-size: 13pt; margin: 18px 0 6px; }
  p.sub { text-align: center; margin: 0 0 12px; }
  table { border-collapse: collapse; width: 100%; page-break-inside: auto; } tr { page-break-inside: avoid; }
  th, td { border: 1px solid #444; padding: 3px 6px; vertical-align: top; } th { background: #eee; font-weight: 600; }
  td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; } tr.total td { font-weight: 700; background: #f6f6f6; }
  .note { font-size: 10pt; color: #444; margin-top: 6px; }
</style></head><body>
<h1>แบบที่ 2 แบบติดตามผลการดำเนินงานขององค์กรปกครองส่วนท้องถิ่น</h1>
<p class="sub">${escapeHtml(info?.municipality ?? '')} · ${escapeHtml(info?.name_th ?? plan)} · ปีงบประมาณ พ.ศ. ${fy}</p>
<h2>ส่วนที่ 1 ข้อมูลทั่วไป</h2>
<p>1. ชื่อองค์กรปกครองส่วนท้องถิ่น ${escapeHtml(info?.municipality ?? '')}<br>2. รายงานผลการดำเนินงาน ปีงบประมาณ พ.ศ. ${fy} (1 ตุลาคม ${fy - 1} – 30 กันยายน ${fy}) ข้อมูล ณ วันที่ ${escapeHtml(asOf)}</p>
<h2>ส่วนที่ 2 ผลการดำเนินงานตามแผนพัฒนาท้องถิ่น</h2>
<p>3. จำนวนโครงการและงบประมาณตามแผนพัฒนาท้องถิ่น</p>
<table><thead><tr><th rowspan="2">ยุทธศาสตร์</th>${years.map((y) => `<th colspan="2">ปี ${y}</th>`).join('')}</tr>
<tr>${years.map(() => '<th>จำนวน</th><th>งบประมาณ (บาท)</th>').join('')}</tr></thead><tbody>${targetRows}</tbody></table>
<p>4. ผลการดำเนินงานตามแผนพัฒนาท้องถิ่น ปี พ.ศ. ${fy}</p>
<table><thead><tr><th rowspan="2">ยุทธศาสตร์</th><th colspan="2">แผนพัฒนา</th><th colspan="2">อนุมัติงบประมาณ</th><th colspan="2">ลงนามสัญญา</th><th colspan="2">เบิกจ่าย</th></tr>
<tr><th>จำนวน</th><th>งบประมาณ</th><th>จำนวน</th><th>งบประมาณ</th><th>จำนวน</th><th>งบประมาณ</th><th>จำนวน</th><th>งบประมาณ</th></tr></thead>
<tbody>${strategies.map((r) => resultRow(r, `${escapeHtml(r.key ?? '')} ${escapeHtml(r.name_th ?? '')}`)).join('')}
${total ? resultRow(total, 'รวม').replace('<tr>', '<tr class="total">') : ''}</tbody></table>
<h2>สรุปผลการติดตามและประเมินผลเชิงปริมาณ</h2>
<table><thead><tr><th>พันธกิจ</th><th>โครงการตามแผน</th><th>อนุมัติงบประมาณ</th><th>ร้อยละ</th><th>ลงนามสัญญา</th><th>ร้อยละ</th><th>เบิกจ่าย</th><th>ร้อยละ</th></tr></thead>
<tbody>${missions.map((r) => summaryRow(r, `${escapeHtml(r.key ?? '')} ${escapeHtml(r.name_th ?? '')}`)).join('')}
${total ? summaryRow(total, 'รวม').replace('<tr>', '<tr class="total">') : ''}</tbody></table>
<p class="note">ร้อยละคำนวณแบบต่อเนื่องตามจำนวนโครงการ (อนุมัติ/ตามแผน, ลงนามสัญญา/อนุมัติ, เบิกจ่าย/ลงนามสัญญา) ตัดทศนิยมสองตำแหน่ง ทุกตัวเลขคำนวณจากข้อมูลโครงการในระบบ Mueang</p>
</body></html>`;
}
