import { satang } from './calc.ts';

/**
 * The tax year's calendar and what lateness costs (the Land and Building Tax Act B.E. 2562,
 * sections 68–70). Dates are Bangkok dates as YYYY-MM-DD; years are Buddhist-era. The due dates
 * themselves come from SQL (instalment_dues): one source of truth for the status function, the
 * arrears and the bills.
 */

/** Thai civil years are Buddhist-era: B.E. = C.E. + 543. */
const BE_OFFSET = 543;

/** The tax year a Bangkok date falls in (the calendar year, B.E.): the "current" tax year. */
export const taxYearOn = (date: string): number => Number(date.slice(0, 4)) + BE_OFFSET;

/** What paying late added on the day it was paid. */
export interface LateCharges {
  /** 0 (on time), 10, 20 or 40. */
  penalty_pct: number;
  penalty: number;
  /** Months or parts of months after the due date. */
  months: number;
  surcharge: number;
}

const dateOf = (date: string) => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return { y, m, d };
};
const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/**
 * The months or parts of a month from `due` to `paidOn`: a month after 30 April is 30 May
 * (a later day than the next month has is its last day: 31 January + 1 month is 28 February).
 * Paid on the due date or before: 0.
 */
function monthsLate(due: string, paidOn: string): number {
  if (paidOn <= due) return 0;
  const from = dateOf(due);
  const to = dateOf(paidOn);
  const months = (to.y - from.y) * 12 + (to.m - from.m);
  // The due date's day in the month paid in (clamped to that month's end): past it, a part of
  // one more month has begun.
  const day = Math.min(from.d, daysIn(to.y, to.m));
  return to.d > day ? months + 1 : months;
}

/**
 * The penalty and surcharge on `amount` of tax paid on `paidOn` against a due date of `due`.
 * Penalty (section 68): 10 % when paid late before a warning notice is sent (no warning, or paid
 * before its date), 20 % when paid by the deadline the warning sets, 40 % after it. Surcharge
 * (section 70): 1 % of the unpaid tax for every month or part of a month after the due date,
 * at most the tax itself.
 */
export function lateCharges({
  amount,
  due,
  paidOn,
  warningDate,
  warningDeadline,
}: {
  amount: number;
  due: string;
  paidOn: string;
  warningDate: string | null;
  warningDeadline: string | null;
}): LateCharges {
  const months = monthsLate(due, paidOn);
  if (months === 0) return { penalty_pct: 0, penalty: 0, months: 0, surcharge: 0 };
  const warned = warningDate !== null && paidOn >= warningDate;
  const penalty_pct = !warned ? 10 : warningDeadline === null || paidOn <= warningDeadline ? 20 : 40;
  return { penalty_pct, penalty: satang((amount * penalty_pct) / 100), months, surcharge: Math.min(satang((amount * months) / 100), amount) };
}

/** A bill's due date and the tax due by it (instalment_dues). */
export interface Due {
  instalment: number;
  due: string;
  amount: number;
}

/**
 * The charges on `amount` paid on `paidOn` when `paid` has been paid already: the payment settles
 * the earliest instalments first, and each part is late (or not) against its own instalment's
 * due date. `instalment`: the first instalment the payment settles.
 */
export function chargesFor(
  dues: readonly Due[],
  paid: number,
  amount: number,
  paidOn: string,
  warning: { warningDate: string | null; warningDeadline: string | null },
): { instalment: number; penalty: number; surcharge: number } {
  let before = paid;
  let left = amount;
  let first: number | null = null;
  let penalty = 0;
  let surcharge = 0;
  for (const due of dues) {
    const open = satang(Math.max(0, due.amount - before));
    before = Math.max(0, before - due.amount);
    if (open <= 0 || left <= 0) continue;
    const part = Math.min(open, left);
    left = satang(left - part);
    first ??= due.instalment;
    const charges = lateCharges({ amount: part, due: due.due, paidOn, ...warning });
    penalty += charges.penalty;
    surcharge += charges.surcharge;
  }
  return { instalment: first ?? dues.at(-1)?.instalment ?? 1, penalty: satang(penalty), surcharge: satang(surcharge) };
}
