import type { Queryable } from '../db/index.ts';
import { evaluate, type EvaluationRow } from './queries/evaluation.ts';
import { printedFigures, projectsToCheck } from './queries/reports.ts';

/** One inconsistency, said in both languages, with the figures that show it. */
export interface Finding {
  rule: 'stage-order' | 'amount-order' | 'count-chain' | 'printed-figure' | 'printed-arithmetic' | 'missing-geometry' | 'outside-city';
  severity: 'error' | 'warning';
  /** 'total', a mission or strategy id, or a project code. */
  scope: string;
  measure?: string;
  expected?: number;
  found?: number;
  projects?: string[];
  message_en: string;
  message_th: string;
}

const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 2 });
const trunc2 = (part: number, whole: number) => (whole === 0 ? null : Math.trunc((10000 * part) / whole) / 100);

const MEASURES_TH: Record<string, string> = {
  plan_count: 'จำนวนโครงการตามแผน',
  approved_count: 'จำนวนที่อนุมัติงบประมาณ',
  contract_count: 'จำนวนที่ลงนามสัญญา',
  disbursed_count: 'จำนวนที่เบิกจ่าย',
  budget: 'งบประมาณตามแผน',
  approved_amount: 'งบประมาณที่อนุมัติ',
  contract_amount: 'วงเงินตามสัญญา',
  disbursed_amount: 'เงินที่เบิกจ่าย',
  approved_pct: 'ร้อยละที่อนุมัติ',
  contracted_pct: 'ร้อยละที่ลงนามสัญญา',
  disbursed_pct: 'ร้อยละที่เบิกจ่าย',
  disbursed_budget_pct: 'ร้อยละการเบิกจ่ายต่องบประมาณ',
  completed: 'จำนวนที่ดำเนินการแล้วเสร็จ',
  not_possible: 'จำนวนที่ไม่สามารถดำเนินการได้',
  in_progress: 'จำนวนที่อยู่ระหว่างดำเนินการ',
  awaiting_report: 'จำนวนที่รอรายงาน',
};

/** Amounts that should never decrease along the stages, and the order of their names. */
const AMOUNT_ORDER: [keyof EvaluationRow, keyof EvaluationRow, string, string][] = [
  ['contract_amount', 'approved_amount', 'contracted above the approved budget', 'วงเงินสัญญาสูงกว่างบประมาณที่อนุมัติ'],
  ['disbursed_amount', 'contract_amount', 'disbursed above the contracted amount', 'เบิกจ่ายสูงกว่าวงเงินตามสัญญา'],
];
const COUNT_CHAIN: [keyof EvaluationRow, keyof EvaluationRow][] = [
  ['approved_count', 'plan_count'],
  ['contract_count', 'approved_count'],
  ['disbursed_count', 'contract_count'],
];

/**
 * The validation report of a plan's fiscal year: what the records contradict in themselves, and
 * where a printed report's figures differ from what its records add up to.
 */
export async function validationReport(db: Queryable, plan: string, fy: number): Promise<Finding[]> {
  const findings: Finding[] = [];
  const filter = { plan, fy, zones: null };
  const [total] = await evaluate(db, 'plan', filter);
  const groups = [...(await evaluate(db, 'mission', filter)), ...(await evaluate(db, 'strategy', filter))];

  // Stage amounts out of order, project by project.
  const projects = await projectsToCheck(db, plan, fy);
  for (const p of projects) {
    const pairs: [number | null, number | null, string, string][] = [
      [p.contract, p.approved, 'contract above approved budget', 'วงเงินสัญญาสูงกว่างบประมาณที่อนุมัติ'],
      [p.disbursed, p.contract, 'disbursed above contract', 'เบิกจ่ายสูงกว่าวงเงินตามสัญญา'],
      [p.disbursed, p.stage === null ? p.budget : null, 'disbursed above budget', 'เบิกจ่ายสูงกว่างบประมาณ'],
    ];
    for (const [higher, lower, en, th] of pairs) {
      if (higher !== null && lower !== null && higher > lower + 0.005) {
        findings.push({
          rule: 'stage-order',
          severity: 'error',
          scope: p.code,
          expected: lower,
          found: higher,
          message_en: `${p.code}: ${en} (${fmt(higher)} > ${fmt(lower)})`,
          message_th: `${p.code}: ${th} (${fmt(higher)} > ${fmt(lower)})`,
        });
      }
    }
  }

  // Group amounts out of order (e.g. a strategy that disbursed more than it contracted).
  for (const row of [...groups, ...(total ? [{ ...total, key: 'total' }] : [])]) {
    for (const [higher, lower, en, th] of AMOUNT_ORDER) {
      const hi = row[higher] as number;
      const lo = row[lower] as number;
      if (hi > lo + 0.005 && lo > 0) {
        findings.push({
          rule: 'amount-order',
          severity: 'error',
          scope: row.key ?? 'total',
          measure: higher,
          expected: lo,
          found: hi,
          message_en: `${row.key}: ${en} by ${fmt(hi - lo)} (${fmt(hi)} > ${fmt(lo)})`,
          message_th: `${row.key}: ${th} ${fmt(hi - lo)} บาท (${fmt(hi)} > ${fmt(lo)})`,
        });
      }
    }
    for (const [later, earlier] of COUNT_CHAIN) {
      if ((row[later] as number) > (row[earlier] as number)) {
        findings.push({
          rule: 'count-chain',
          severity: 'error',
          scope: row.key ?? 'total',
          measure: later,
          expected: row[earlier] as number,
          found: row[later] as number,
          message_en: `${row.key}: ${later} ${row[later]} exceeds ${earlier} ${row[earlier]}`,
          message_th: `${row.key}: ${MEASURES_TH[later]} ${row[later]} มากกว่า${MEASURES_TH[earlier]} ${row[earlier]}`,
        });
      }
    }
  }

  // Printed figures against the records, and printed percentages against the printed counts.
  const printed = await printedFigures(db, plan, fy);
  const computed = new Map<string, EvaluationRow>([...groups.map((g) => [g.key ?? '', g] as const), ['total', total as EvaluationRow]]);
  const printedOf = (scope: string, measure: string) => printed.find((f) => f.scope === scope && f.measure === measure)?.value;
  for (const figure of printed) {
    const row = computed.get(figure.scope);
    const value = row?.[figure.measure as keyof EvaluationRow];
    if (typeof value === 'number' && Math.abs(value - figure.value) > 0.005) {
      findings.push({
        rule: 'printed-figure',
        severity: 'error',
        scope: figure.scope,
        measure: figure.measure,
        expected: value,
        found: figure.value,
        message_en: `${figure.scope}: printed ${figure.measure} ${fmt(figure.value)}, the records give ${fmt(value)}`,
        message_th: `${figure.scope === 'total' ? 'รวม' : figure.scope}: ${MEASURES_TH[figure.measure] ?? figure.measure} ที่พิมพ์ไว้ ${fmt(figure.value)} แต่ข้อมูลโครงการรวมได้ ${fmt(value)}`,
      });
    }
    const chain = {
      approved_pct: ['approved_count', 'plan_count'],
      contracted_pct: ['contract_count', 'approved_count'],
      disbursed_pct: ['disbursed_count', 'contract_count'],
    }[figure.measure];
    if (chain) {
      const [part, whole] = chain.map((m) => printedOf(figure.scope, m as string));
      const fromPrinted = part !== undefined && whole !== undefined ? trunc2(part, whole) : null;
      if (fromPrinted !== null && Math.abs(fromPrinted - figure.value) > 0.005) {
        findings.push({
          rule: 'printed-arithmetic',
          severity: 'error',
          scope: figure.scope,
          measure: figure.measure,
          expected: fromPrinted,
          found: figure.value,
          message_en: `${figure.scope}: printed ${figure.measure} ${fmt(figure.value)} does not follow from its own printed counts (${part}/${whole} = ${fmt(fromPrinted)})`,
          message_th: `${figure.scope === 'total' ? 'รวม' : figure.scope}: ${MEASURES_TH[figure.measure]} ${fmt(figure.value)} ไม่ตรงกับจำนวนที่พิมพ์ไว้เอง (${part}/${whole} = ${fmt(fromPrinted)})`,
        });
      }
    }
  }

  const unplaced = projects.filter((p) => !p.has_geom).map((p) => p.code);
  if (unplaced.length) {
    findings.push({
      rule: 'missing-geometry',
      severity: 'warning',
      scope: 'total',
      found: unplaced.length,
      projects: unplaced,
      message_en: `${unplaced.length} project(s) have no location and count under no zone`,
      message_th: `${unplaced.length} โครงการไม่มีตำแหน่งที่ตั้ง จึงไม่ถูกนับในเขตใด`,
    });
  }
  const outside = projects.filter((p) => p.has_geom && p.inside === false).map((p) => p.code);
  if (outside.length) {
    findings.push({
      rule: 'outside-city',
      severity: 'warning',
      scope: 'total',
      found: outside.length,
      projects: outside,
      message_en: `${outside.length} project(s) lie wholly or partly outside the municipality`,
      message_th: `${outside.length} โครงการอยู่นอกเขตเทศบาลทั้งหมดหรือบางส่วน`,
    });
  }
  return findings;
}
