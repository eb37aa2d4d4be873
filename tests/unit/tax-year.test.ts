import { describe, expect, it } from 'vitest';
import { chargesFor, lateCharges, taxYearOn } from '../../server/tax/taxYear.ts';

/**
 * Late payment of the land and building tax on given dates: the penalty by the warning notice
 * (10, 20 or 40 %) and the surcharge of 1 % a month or part of a month, at most the tax. Each
 * figure is worked out in the comment beside it. The 2568 tax year: due 30 April 2025 (C.E.).
 */
const DUE = '2025-04-30';
const TAX = 12_345.67;
const charges = (paidOn: string, warningDate: string | null = null, warningDeadline: string | null = null) =>
  lateCharges({ amount: TAX, due: DUE, paidOn, warningDate, warningDeadline });

describe('late charges', () => {
  it('nothing when paid on the due date, or before it', () => {
    expect(charges('2025-04-30')).toEqual({ penalty_pct: 0, penalty: 0, months: 0, surcharge: 0 });
    expect(charges('2025-02-10')).toEqual({ penalty_pct: 0, penalty: 0, months: 0, surcharge: 0 });
  });

  it('one day late, no warning: 10 % and one month', () => {
    // 12,345.67 × 10 % = 1,234.567 → 1,234.57; × 1 % × 1 = 123.4567 → 123.46.
    expect(charges('2025-05-01')).toEqual({ penalty_pct: 10, penalty: 1_234.57, months: 1, surcharge: 123.46 });
  });

  it('a month to the day is one month; a day more begins the second', () => {
    // 30 April + 1 month = 30 May: 1 month. 31 May: a part of the second.
    expect(charges('2025-05-30').months).toBe(1);
    expect(charges('2025-05-31').months).toBe(2);
  });

  it('45 days late: two months (one and a part)', () => {
    // 30 April + 45 days = 14 June: past 30 May, before 30 June: 2 months, 12,345.67 × 2 % = 246.9134 → 246.91.
    expect(charges('2025-06-14')).toMatchObject({ penalty_pct: 10, months: 2, surcharge: 246.91 });
  });

  it('paid before the warning notice’s date: still 10 %', () => {
    expect(charges('2025-06-14', '2025-07-01', '2025-07-31').penalty_pct).toBe(10);
  });

  it('paid by the deadline the warning set: 20 %', () => {
    // Warned 1 July, to pay by 31 July; paid 15 July: 12,345.67 × 20 % = 2,469.134 → 2,469.13;
    // 30 April → 15 July: 30 May, 30 June, then part of a third month: 3 % = 370.3701 → 370.37.
    expect(charges('2025-07-15', '2025-07-01', '2025-07-31')).toEqual({ penalty_pct: 20, penalty: 2_469.13, months: 3, surcharge: 370.37 });
    // On the deadline itself: still 20 %. On the warning's date: 20 %.
    expect(charges('2025-07-31', '2025-07-01', '2025-07-31').penalty_pct).toBe(20);
    expect(charges('2025-07-01', '2025-07-01', '2025-07-31').penalty_pct).toBe(20);
  });

  it('paid after the warning’s deadline: 40 %', () => {
    // 12,345.67 × 40 % = 4,938.268 → 4,938.27; 30 April → 1 August: 4 months (30 July passed): 493.8268 → 493.83.
    expect(charges('2025-08-01', '2025-07-01', '2025-07-31')).toEqual({ penalty_pct: 40, penalty: 4_938.27, months: 4, surcharge: 493.83 });
  });

  it('the surcharge stops at the tax itself', () => {
    // 30 April 2025 → 15 January 2034: 8 years 8 months and a part = 105 months; 105 % > 100 %: 12,345.67.
    expect(charges('2034-01-15')).toMatchObject({ months: 105, surcharge: TAX });
    // 99 months (30 July 2033): 12,345.67 × 99 % = 12,222.2133 → 12,222.21, under the cap.
    expect(charges('2033-07-30')).toMatchObject({ months: 99, surcharge: 12_222.21 });
  });

  it('counts a month from the last day of a short month as that month’s last day', () => {
    // Due 31 January 2025: 28 February is a month to the day; 1 March begins the second.
    expect(lateCharges({ amount: 100, due: '2025-01-31', paidOn: '2025-02-28', warningDate: null, warningDeadline: null }).months).toBe(1);
    expect(lateCharges({ amount: 100, due: '2025-01-31', paidOn: '2025-03-01', warningDate: null, warningDeadline: null }).months).toBe(2);
  });
});

describe('charges by instalment', () => {
  // 9,000 in three instalments: 3,000 due 30 April, 31 May and 30 June.
  const dues = [
    { instalment: 1, due: '2025-04-30', amount: 3000 },
    { instalment: 2, due: '2025-05-31', amount: 3000 },
    { instalment: 3, due: '2025-06-30', amount: 3000 },
  ];
  const none = { warningDate: null, warningDeadline: null };

  it('an instalment paid by its own due date costs nothing more', () => {
    expect(chargesFor(dues, 3000, 3000, '2025-05-20', none)).toEqual({ instalment: 2, penalty: 0, surcharge: 0 });
  });

  it('a payment settles the earliest instalments first, each late against its own due date', () => {
    // Nothing paid; 6,000 on 10 June: instalment 1 (due 30 April) is 2 months late: 3,000 × 10 % = 300
    // and 3,000 × 2 % = 60; instalment 2 (due 31 May) 1 month: 300 and 30. Total 600 and 90.
    expect(chargesFor(dues, 0, 6000, '2025-06-10', none)).toEqual({ instalment: 1, penalty: 600, surcharge: 90 });
  });

  it('a part of an instalment paid already is not charged again', () => {
    // 1,000 paid; 2,500 on 1 June: 2,000 left of instalment 1 (2 months late: 200 and 40) and 500 of
    // instalment 2 (due 31 May, 1 month: 50 and 5). Total 250 and 45.
    expect(chargesFor(dues, 1000, 2500, '2025-06-01', none)).toEqual({ instalment: 1, penalty: 250, surcharge: 45 });
  });
});

describe('tax years', () => {
  it('are the Bangkok calendar year in the Buddhist era', () => {
    expect(taxYearOn('2025-12-31')).toBe(2568);
    expect(taxYearOn('2026-01-01')).toBe(2569);
  });
});
