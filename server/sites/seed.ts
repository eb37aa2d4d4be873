import { findAccount } from '../auth/queries.ts';
import type { Queryable } from '../db/index.ts';
import { pick, seededRandom, shuffled } from '../seed/random.ts';
import { requestHash } from './inspectionBody.ts';
import * as q from './queries.ts';

const FISCAL_YEAR = 2561;
/** Strategy 4: logistics, mass transit and infrastructure (roads, drains, street lighting). */
const STRATEGY = 'S4';
const FY_START = '2017-10-01';
const FY_END = '2018-09-30';

/** Fictitious contractors in the usual Thai forms of company (หจก.: limited partnership). */
const CONTRACTORS = [
  'หจก. ขอนแก่นโยธากิจ',
  'หจก. ศรีจันทร์ก่อสร้าง',
  'บริษัท แก่นนครวิศวกรรม จำกัด',
  'หจก. บึงแก่นนครการโยธา',
  'บริษัท อีสานรุ่งเรืองคอนสตรัคชั่น จำกัด',
  'หจก. มิตรภาพการช่าง',
  'บริษัท ส.พัฒนาไฟฟ้า จำกัด',
  'หจก. ประชาสโมสรก่อสร้าง',
];

const WORK = {
  road: ['ปรับระดับและบดอัดดินคันทาง', 'ลงหินคลุกรองพื้นทาง', 'ตั้งแบบหล่อและผูกเหล็กเสริม', 'เทคอนกรีตผิวทาง', 'ตัดรอยต่อและบ่มคอนกรีต'],
  drain: ['ขุดร่องดินแนวรางระบายน้ำ', 'เทคอนกรีตหยาบรองพื้น', 'วางรางระบายน้ำสำเร็จรูป', 'ก่อสร้างบ่อพัก', 'วางฝาตะแกรงและเก็บงาน'],
  lighting: ['ปักหมุดแนวเสาไฟ', 'หล่อฐานรากเสาไฟ', 'ตั้งเสาและเดินสายไฟใต้ดิน', 'ติดตั้งโคมไฟ LED', 'ทดสอบระบบและเก็บงาน'],
} as const;

const DAY_MS = 86_400_000;
const addDays = (date: string, days: number) => new Date(Date.parse(date) + days * DAY_MS).toISOString().slice(0, 10);
const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);

/** A version-4 UUID from the seeded generator: the same demo data gets the same ids. */
function uuid(random: () => number): string {
  const bytes = Array.from({ length: 16 }, () => Math.floor(random() * 256));
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * How a site's story goes. `done`: accepted, its last inspection at 100 % on the contract's last
 * day. The others are still under way (so late, the demo's clock being years later): `defects`
 * lags its curve and has open defects, `awaiting` waits for the chief engineer's sign-off,
 * `returned` came back to its inspector, `overdue` is nearly done but past its end.
 */
type Story = 'done' | 'defects' | 'awaiting' | 'returned' | 'overdue';

/**
 * Every contracted or disbursed FY2561 project of strategy S4 becomes a construction site: a
 * contractor and contract number, contract dates inside the fiscal year (60–240 days), the
 * project's contract amount as the contract value, the default S-curve, and 2–5 inspections by
 * the demo engineer along the contract, reviewed by the chief engineer (and by the director when
 * a contract is worth 5 M baht or more). Deterministic. Returns false if sites exist already.
 *
 * The demo accounts must exist: the inspections and reviews are theirs.
 */
export async function seedSites(tx: Queryable): Promise<boolean> {
  if (await q.hasSites(tx)) return false;
  const accounts = await Promise.all(['engineer', 'chief_engineer', 'director'].map((name) => findAccount(tx, name)));
  const [engineer, chief, director] = accounts;
  if (!engineer || !chief || !director) throw new Error('the demo accounts must exist before the sites are seeded: their inspections are by them');
  const reviewerOf: Record<string, number> = { chief_engineer: chief.id, director: director.id };
  const random = seededRandom(12_2561);
  const projects = await q.contractedProjects(tx, FISCAL_YEAR, STRATEGY);
  const order = shuffled(
    random,
    projects.map((_, i) => i),
  );
  const stories: Story[] = ['defects', 'awaiting', 'returned', 'overdue'];
  const storyOf = (i: number): Story => stories[order.indexOf(i)] ?? 'done';

  for (const [i, project] of projects.entries()) {
    const story = storyOf(i);
    const duration = 60 + Math.floor(random() * 181);
    const start = addDays(FY_START, Math.floor(random() * (daysBetween(FY_START, FY_END) - duration + 1)));
    const end = addDays(start, duration);
    const done = story === 'done';
    await q.createSite(tx, {
      project_id: project.id,
      contractor: pick(random, CONTRACTORS),
      contract_no: `กช ${i + 1}/${FISCAL_YEAR}`,
      contract_start: start,
      contract_end: end,
      contract_value: project.contract_amount,
      completed_on: done ? addDays(end, Math.floor(random() * 15)) : null,
    });

    // Visits along the contract: to its last day for a finished site, part of the way for the others.
    const count = 2 + Math.floor(random() * 4);
    const reach = { done: 1, defects: 0.55, awaiting: 0.6, returned: 0.7, overdue: 0.97 }[story];
    const days = Array.from({ length: count }, (_, j) =>
      done && j === count - 1 ? end : addDays(start, Math.round(duration * reach * ((j + 1) / count - random() * (0.3 / count)))),
    );
    const planned = await q.plannedOn(tx, project.id, days);
    const work = WORK[/ถนน/.test(project.name_th) ? 'road' : /ระบายน้ำ/.test(project.name_th) ? 'drain' : 'lighting'];
    let progress = 0;
    for (const [j, day] of days.entries()) {
      const last = j === count - 1;
      // Near the plan (within 3 points), behind it for the site with defects, never going back.
      const lag = story === 'defects' ? 12 + random() * 6 : 0;
      const target = done && last ? 100 : (planned[j] as number) - lag + (random() * 6 - 3);
      progress = Math.min(100, Math.max(progress, Math.round(target * 2) / 2));
      const visitedAt = new Date(Date.parse(`${day}T02:00:00Z`) + Math.floor(random() * 360) * 60_000);
      const month = Number(day.slice(5, 7));
      const values: q.InspectionValues = {
        visited_at: visitedAt.toISOString(),
        progress_pct: progress,
        notes: done && last ? 'ตรวจรับงานงวดสุดท้าย งานแล้วเสร็จตามสัญญา' : `ผลงานสะสม ${progress}% ตามแผน ${Math.round(planned[j] as number)}%`,
        work_done: work[Math.min(work.length - 1, Math.floor((progress / 100) * work.length))] as string,
        // The rainy season runs from May to October.
        weather: month >= 5 && month <= 10 ? pick(random, ['rain', 'cloudy', 'clear'] as const) : pick(random, ['clear', 'clear', 'cloudy'] as const),
        defects:
          story === 'defects' && last
            ? [
                {
                  id: uuid(random),
                  description: 'ผิวคอนกรีตแตกร้าวบริเวณรอยต่อ',
                  severity: 'major',
                  assignee: 'ผู้รับจ้าง',
                  due_on: addDays(day, 14),
                },
                { id: uuid(random), description: 'ป้ายเตือนและไฟกะพริบบริเวณหน้างานไม่ครบ', severity: 'minor', assignee: 'ผู้รับจ้าง', due_on: addDays(day, 7) },
              ]
            : undefined,
      };
      const id = uuid(random);
      const first = await q.nextStep(tx, 0, project.contract_amount);
      await q.writeInspection(tx, {
        id,
        projectId: project.id,
        authorId: engineer.id,
        values,
        hash: requestHash(values),
        step: first?.step ?? null,
        at: visitedAt,
        isNew: true,
      });
      // The last visit of these two stops on its way: with the chief engineer, or back with its inspector.
      if (last && story === 'awaiting') continue;
      let step = first;
      let at = visitedAt;
      while (step) {
        at = new Date(at.getTime() + (1 + Math.floor(random() * 3)) * DAY_MS);
        const reviewerId = reviewerOf[step.role];
        if (reviewerId === undefined) throw new Error(`no demo account reviews step ${step.step} (${step.role})`);
        if (last && story === 'returned') {
          await q.recordReview(tx, {
            inspectionId: id,
            step: step.step,
            reviewerId,
            decision: 'return',
            note: 'ขอภาพถ่ายจุดเดิมเพื่อเปรียบเทียบ และระบุปริมาณงานที่ทำได้ในงวดนี้',
            next: null,
            at,
          });
          break;
        }
        const next = await q.nextStep(tx, step.step, project.contract_amount);
        await q.recordReview(tx, { inspectionId: id, step: step.step, reviewerId, decision: 'approve', note: '', next: next?.step ?? null, at });
        step = next;
      }
    }
  }
  return true;
}
