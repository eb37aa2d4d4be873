/**
 * When the results of the development plan's evaluation must be reported, announced and posted.
 *
 * The M&E rules: the evaluation is reported to the council and the mayor either twice a year
 * (the 6-month round by April, the 12-month round by October) or once a year (by December);
 * the report is announced to the public within 15 days after it was presented, and stays posted
 * for at least 30 days. Pure functions on calendar dates (no time zone): the caller passes the
 * Bangkok date of today.
 */

export type ReportSchedule = 'twice-yearly' | 'yearly';

const ANNOUNCE_WITHIN_DAYS = 15;
const POST_FOR_DAYS = 30;

/** A calendar date, CE year, month 1–12. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

export interface ReportRound {
  /** '6-month' / '12-month' for the twice-yearly schedule, 'annual' for the yearly one. */
  round: '6-month' | '12-month' | 'annual';
  /** Last day to present the report to the council and the mayor. */
  reportBy: CalendarDate;
  /** Last day to announce it, if it is presented on its due date. */
  announceBy: CalendarDate;
  /** First day it may be taken down, if announced on the last day allowed. */
  postUntil: CalendarDate;
}

/** The month each round is due by (the report is due by the end of that month). */
const ROUNDS: Record<ReportSchedule, { round: ReportRound['round']; month: number }[]> = {
  'twice-yearly': [
    { round: '6-month', month: 4 },
    { round: '12-month', month: 10 },
  ],
  yearly: [{ round: 'annual', month: 12 }],
};

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

/** ISO form (CE): "2027-04-30". */
export function isoDate(date: CalendarDate): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.year}-${pad(date.month)}-${pad(date.day)}`;
}

/** A round due at the end of `month` of `year`, with its announce and posting deadlines. */
function roundDue(round: ReportRound['round'], year: number, month: number): ReportRound {
  const reportBy = { year, month, day: daysInMonth(year, month) };
  const announceBy = addDays(reportBy, ANNOUNCE_WITHIN_DAYS);
  const postUntil = addDays(announceBy, POST_FOR_DAYS);
  return { round, reportBy, announceBy, postUntil };
}

/**
 * The next `count` report rounds whose report date is today or later, in order.
 * A round due today is still "next": the report may be presented today.
 */
export function nextRounds(today: CalendarDate, schedule: ReportSchedule, count = 2): ReportRound[] {
  const rounds: ReportRound[] = [];
  for (let year = today.year; rounds.length < count; year++) {
    for (const { round, month } of ROUNDS[schedule]) {
      const due = roundDue(round, year, month);
      if (compareDates(due.reportBy, today) >= 0 && rounds.length < count) rounds.push(due);
    }
  }
  return rounds;
}

/**
 * A round whose report date has passed but whose announcement or posting may still be running
 * (assuming the report was presented on its due date): what must be on the notice board today.
 */
export function currentPosting(today: CalendarDate, schedule: ReportSchedule): ReportRound | null {
  for (const year of [today.year - 1, today.year]) {
    for (const { round, month } of ROUNDS[schedule]) {
      const due = roundDue(round, year, month);
      if (compareDates(due.reportBy, today) < 0 && compareDates(today, due.postUntil) <= 0) return due;
    }
  }
  return null;
}

/** Today's calendar date on the Bangkok clock. */
export function bangkokToday(now: Date = new Date()): CalendarDate {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Bangkok', year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(now);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day') };
}
