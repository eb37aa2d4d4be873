import { describe, expect, it } from 'vitest';
import { assess, type ParcelDescription, type RateBand, type TaxCategory, type YearRules } from '../../server/tax/calc.ts';

/**
 * The land and building tax pinned to worked examples. Every expected figure is worked out by
 * hand in the comment beside it, from the Royal Decree of B.E. 2562's rates (as migration 019
 * seeds them; restated here so that a change to the tables cannot pass unnoticed):
 *   agriculture          0–75 M 0.01 %, 75–100 M 0.03 %, 100–500 M 0.05 %, 500 M–1,000 M 0.07 %, above 0.1 %
 *   residence_owner      0–25 M 0.03 %, 25–50 M 0.05 %, above 0.1 %           (after the 50 M exemption)
 *   residence_building   0–40 M 0.02 %, 40–65 M 0.03 %, 65–90 M 0.05 %, above 0.1 % (after the 10 M exemption)
 *   residential          0–50 M 0.02 %, 50–75 M 0.03 %, 75–100 M 0.05 %, above 0.1 %
 *   other, vacant        0–50 M 0.3 %, 50–200 M 0.4 %, 200 M–1,000 M 0.5 %, 1,000–5,000 M 0.6 %, above 0.7 %
 *   vacant escalator     + 0.3 % per full 3 years vacant, at most 3 %
 */
const M = 1_000_000;
const bands = (rows: [number, number | null, number][]): RateBand[] =>
  rows.map(([from, to, rate_pct]) => ({ from: from * M, to: to === null ? null : to * M, rate_pct }));
const otherBands = bands([
  [0, 50, 0.3],
  [50, 200, 0.4],
  [200, 1000, 0.5],
  [1000, 5000, 0.6],
  [5000, null, 0.7],
]);
const DECREE: Record<TaxCategory, RateBand[]> = {
  agriculture: bands([
    [0, 75, 0.01],
    [75, 100, 0.03],
    [100, 500, 0.05],
    [500, 1000, 0.07],
    [1000, null, 0.1],
  ]),
  residence_owner: bands([
    [0, 25, 0.03],
    [25, 50, 0.05],
    [50, null, 0.1],
  ]),
  residence_building: bands([
    [0, 40, 0.02],
    [40, 65, 0.03],
    [65, 90, 0.05],
    [90, null, 0.1],
  ]),
  residential: bands([
    [0, 50, 0.02],
    [50, 75, 0.03],
    [75, 100, 0.05],
    [100, null, 0.1],
  ]),
  other: otherBands,
  vacant: otherBands,
};
const year = (y: number, reduction_pct: number): YearRules => ({
  year: y,
  notice_by: `${y - 543}-02-28`,
  due_date: `${y - 543}-04-30`,
  reduction_pct,
  residence_exempt: 50 * M,
  building_only_exempt: 10 * M,
  vacant_step_pct: 0.3,
  vacant_step_years: 3,
  vacant_max_pct: 3,
  instalment_min: 3000,
  instalments: 3,
  bands: DECREE,
});
const Y2568 = year(2568, 0);
/** The decree of 2563 cut that year's tax by 90 %. */
const Y2563 = year(2563, 90);

/** Land of one use worth `value`, nothing built, no exemption. */
const land = (use: ParcelDescription['uses'][number]['use'], value: number, more: Partial<ParcelDescription> = {}): ParcelDescription => ({
  land_value: value,
  uses: [{ use, share: 1 }],
  buildings: [],
  residence: null,
  exemption: null,
  vacant_years: 0,
  ...more,
});
/** The band lines as [band_from, base, rate_pct, amount]. */
const bandsOf = (description: ParcelDescription, rules = Y2568) =>
  assess(description, rules)
    .lines.filter((l) => l.kind === 'band')
    .map((l) => [l.band_from, l.base, l.rate_pct, l.amount]);

describe('the tax of one use', () => {
  it('commercial (other uses), 60 M: the issue example', () => {
    // 50,000,000 × 0.3 % = 150,000; 10,000,000 × 0.4 % = 40,000; 150,000 + 40,000 = 190,000.
    const result = assess(land('other', 60 * M), Y2568);
    expect(result).toEqual({
      value: 60 * M,
      tax: 190_000,
      lines: [
        { use: 'other', category: 'other', kind: 'band', band_from: 0, band_to: 50 * M, base: 50 * M, rate_pct: 0.3, amount: 150_000 },
        { use: 'other', category: 'other', kind: 'band', band_from: 50 * M, band_to: 200 * M, base: 10 * M, rate_pct: 0.4, amount: 40_000 },
      ],
    });
  });

  it('agriculture, 80 M', () => {
    // 75,000,000 × 0.01 % = 7,500; 5,000,000 × 0.03 % = 1,500; total 9,000.
    expect(bandsOf(land('agriculture', 80 * M))).toEqual([
      [0, 75 * M, 0.01, 7_500],
      [75 * M, 5 * M, 0.03, 1_500],
    ]);
    expect(assess(land('agriculture', 80 * M), Y2568).tax).toBe(9_000);
  });

  it('residential (not the owner’s residence), 60 M', () => {
    // 50,000,000 × 0.02 % = 10,000; 10,000,000 × 0.03 % = 3,000; total 13,000.
    expect(assess(land('residential', 60 * M), Y2568).tax).toBe(13_000);
  });

  it('vacant, 60 M, vacant for under 3 years: as other uses', () => {
    // 50,000,000 × 0.3 % = 150,000; 10,000,000 × 0.4 % = 40,000; total 190,000.
    expect(assess(land('vacant', 60 * M, { vacant_years: 2 }), Y2568).tax).toBe(190_000);
  });

  it('every band of other uses, 6,000 M', () => {
    // 50 M × 0.3 % = 150,000; 150 M × 0.4 % = 600,000; 800 M × 0.5 % = 4,000,000;
    // 4,000 M × 0.6 % = 24,000,000; 1,000 M × 0.7 % = 7,000,000; total 35,750,000.
    expect(bandsOf(land('other', 6000 * M))).toEqual([
      [0, 50 * M, 0.3, 150_000],
      [50 * M, 150 * M, 0.4, 600_000],
      [200 * M, 800 * M, 0.5, 4_000_000],
      [1000 * M, 4000 * M, 0.6, 24_000_000],
      [5000 * M, 1000 * M, 0.7, 7_000_000],
    ]);
    expect(assess(land('other', 6000 * M), Y2568).tax).toBe(35_750_000);
  });

  it('rounds each line to the satang', () => {
    // 1,234,567.89 × 0.01 % = 123.456789 → 123.46.
    expect(bandsOf(land('agriculture', 1_234_567.89))).toEqual([[0, 1_234_567.89, 0.01, 123.46]]);
  });

  it('nothing to tax: no lines, no tax', () => {
    expect(assess(land('other', 0), Y2568)).toEqual({ value: 0, tax: 0, lines: [] });
  });
});

describe('band edges', () => {
  it('other uses: exactly 50 M stays in the first band; 50 M + 1 baht starts the second', () => {
    // 50,000,000 × 0.3 % = 150,000, one line.
    expect(bandsOf(land('other', 50 * M))).toEqual([[0, 50 * M, 0.3, 150_000]]);
    // 150,000 + 1 × 0.4 % = 150,000.004 → the second line is 0.00 to the satang.
    expect(bandsOf(land('other', 50 * M + 1))).toEqual([
      [0, 50 * M, 0.3, 150_000],
      [50 * M, 1, 0.4, 0],
    ]);
    // 150,000 + 100 × 0.4 % = 150,000.40.
    expect(assess(land('other', 50 * M + 100), Y2568).tax).toBe(150_000.4);
  });

  it('residential: exactly 50 M, and 50 M + 1,000', () => {
    // 50,000,000 × 0.02 % = 10,000.
    expect(bandsOf(land('residential', 50 * M))).toEqual([[0, 50 * M, 0.02, 10_000]]);
    // 10,000 + 1,000 × 0.03 % = 10,000.30.
    expect(assess(land('residential', 50 * M + 1000), Y2568).tax).toBe(10_000.3);
  });

  it('agriculture: exactly 75 M, and 75 M + 1,000', () => {
    // 75,000,000 × 0.01 % = 7,500; then 1,000 × 0.03 % = 0.30.
    expect(bandsOf(land('agriculture', 75 * M))).toEqual([[0, 75 * M, 0.01, 7_500]]);
    expect(assess(land('agriculture', 75 * M + 1000), Y2568).tax).toBe(7_500.3);
  });
});

describe('exemptions, deducted first', () => {
  const residence = (value: number, kind: 'owner' | 'building_only' = 'owner'): ParcelDescription => land('residential', value, { residence: kind });

  it('the owner’s residence worth exactly 50 M owes nothing', () => {
    // 50,000,000 − 50,000,000 exempt = 0.
    expect(assess(residence(50 * M), Y2568)).toEqual({
      value: 50 * M,
      tax: 0,
      lines: [{ use: 'residential', category: 'residence_owner', kind: 'exempt', band_from: null, band_to: null, base: 50 * M, rate_pct: 0, amount: 0 }],
    });
  });

  it('the owner’s residence worth 60 M: 10 M on the residence bands', () => {
    // 60,000,000 − 50,000,000 = 10,000,000 × 0.03 % = 3,000.
    expect(bandsOf(residence(60 * M))).toEqual([[0, 10 * M, 0.03, 3_000]]);
    expect(assess(residence(60 * M), Y2568).tax).toBe(3_000);
  });

  it('the owner’s residence worth 80 M crosses the 25 M edge after the exemption', () => {
    // 80 M − 50 M = 30 M: 25,000,000 × 0.03 % = 7,500; 5,000,000 × 0.05 % = 2,500; total 10,000.
    expect(assess(residence(80 * M), Y2568).tax).toBe(10_000);
  });

  it('the owner’s residence counts its land and its residential buildings together', () => {
    // Land 45 M + house 8 M = 53 M; less 50 M = 3,000,000 × 0.03 % = 900.
    const parcel = residence(45 * M);
    parcel.buildings = [{ use: 'residential', value: 8 * M }];
    expect(assess(parcel, Y2568)).toMatchObject({ value: 53 * M, tax: 900 });
  });

  it('a residence on someone else’s land: the building exempt up to 10 M, the land taxed as residential', () => {
    // House 10,000,000 − 10,000,000 exempt = 0; land 2,000,000 × 0.02 % = 400; total 400.
    const parcel = residence(2 * M, 'building_only');
    parcel.buildings = [{ use: 'residential', value: 10 * M }];
    expect(assess(parcel, Y2568)).toMatchObject({ value: 12 * M, tax: 400 });
    expect(assess(parcel, Y2568).lines.map((l) => [l.category, l.kind, l.base, l.amount])).toEqual([
      ['residence_building', 'exempt', 10 * M, 0],
      ['residential', 'band', 2 * M, 400],
    ]);
    // House 15,000,000 − 10,000,000 = 5,000,000 × 0.02 % = 1,000; with the land's 400: 1,400.
    parcel.buildings = [{ use: 'residential', value: 15 * M }];
    expect(assess(parcel, Y2568).tax).toBe(1_400);
  });

  it.each(['public', 'religious'] as const)('%s land owes nothing, whatever it is worth', (exemption) => {
    const parcel = land('other', 60 * M, { exemption, buildings: [{ use: 'other', value: 5 * M }] });
    expect(assess(parcel, Y2568)).toEqual({
      value: 65 * M,
      tax: 0,
      lines: [{ use: null, category: null, kind: 'exempt', band_from: null, band_to: null, base: 65 * M, rate_pct: 0, amount: 0 }],
    });
  });
});

describe('mixed use', () => {
  it('splits the land by share and taxes each use on its own bands from 0', () => {
    // Land 100 M: residential 70 % = 70 M, other 30 % = 30 M; a shop on it worth 2 M (other).
    // Residential 70 M: 50,000,000 × 0.02 % = 10,000; 20,000,000 × 0.03 % = 6,000.
    // Other 30 M + 2 M = 32,000,000 × 0.3 % = 96,000 (its own first band, not above the 70 M).
    // Total 10,000 + 6,000 + 96,000 = 112,000.
    const parcel: ParcelDescription = {
      land_value: 100 * M,
      uses: [
        { use: 'residential', share: 0.7 },
        { use: 'other', share: 0.3 },
      ],
      buildings: [{ use: 'other', value: 2 * M }],
      residence: null,
      exemption: null,
      vacant_years: 0,
    };
    const result = assess(parcel, Y2568);
    expect(result.value).toBe(102 * M);
    expect(result.lines.map((l) => [l.use, l.band_from, l.base, l.amount])).toEqual([
      ['residential', 0, 50 * M, 10_000],
      ['residential', 50 * M, 20 * M, 6_000],
      ['other', 0, 32 * M, 96_000],
    ]);
    expect(result.tax).toBe(112_000);
  });

  it('a building of a use the land has no share of is still taxed at its use', () => {
    // Agricultural land 1,000,000 × 0.01 % = 100; a shop 500,000 × 0.3 % = 1,500; total 1,600.
    expect(assess(land('agriculture', 1 * M, { buildings: [{ use: 'other', value: 500_000 }] }), Y2568).tax).toBe(1_600);
  });
});

describe('the vacant-land escalator', () => {
  const vacant = (years: number) => assess(land('vacant', 10 * M, { vacant_years: years }), Y2568);

  it('adds 0.3 % for every full 3 years vacant', () => {
    // 0 years: 10,000,000 × 0.3 % = 30,000.
    expect(vacant(0).tax).toBe(30_000);
    // 3 years: one step, 0.3 + 0.3 = 0.6 %: 60,000.
    expect(vacant(3).lines[0]?.rate_pct).toBe(0.6);
    expect(vacant(3).tax).toBe(60_000);
    // 5 years: still one step: 60,000. 6 years: two, 0.9 %: 90,000.
    expect(vacant(5).tax).toBe(60_000);
    expect(vacant(6).lines[0]?.rate_pct).toBe(0.9);
    expect(vacant(6).tax).toBe(90_000);
  });

  it('stops at 3 %', () => {
    // 27 years: 9 steps, 0.3 + 2.7 = 3.0 %: 300,000. 40 years: 0.3 + 3.9 = 4.2 % → 3 %: 300,000.
    expect(vacant(27).tax).toBe(300_000);
    expect(vacant(40).lines[0]?.rate_pct).toBe(3);
    expect(vacant(40).tax).toBe(300_000);
  });

  it('raises every band', () => {
    // 60 M, 3 years: 50,000,000 × 0.6 % = 300,000; 10,000,000 × 0.7 % = 70,000; total 370,000.
    expect(bandsOf(land('vacant', 60 * M, { vacant_years: 3 }))).toEqual([
      [0, 50 * M, 0.6, 300_000],
      [50 * M, 10 * M, 0.7, 70_000],
    ]);
  });
});

describe('the year’s reduction', () => {
  it('2563: 90 % off, as a negative line', () => {
    // 190,000 (the commercial 60 M example) − 90 % × 190,000 = 190,000 − 171,000 = 19,000.
    const result = assess(land('other', 60 * M), Y2563);
    expect(result.lines.at(-1)).toEqual({
      use: null,
      category: null,
      kind: 'reduction',
      band_from: null,
      band_to: null,
      base: 190_000,
      rate_pct: 90,
      amount: -171_000,
    });
    expect(result.tax).toBe(19_000);
  });

  it('rounds the reduction to the satang', () => {
    // 1,234,567.89 × 0.01 % = 123.46 (agriculture); 90 % of it = 111.114 → 111.11; 123.46 − 111.11 = 12.35.
    expect(assess(land('agriculture', 1_234_567.89), Y2563).tax).toBe(12.35);
  });

  it('an exempt parcel has nothing to reduce', () => {
    expect(assess(land('residential', 40 * M, { residence: 'owner' }), Y2563).lines.map((l) => l.kind)).toEqual(['exempt']);
  });
});
