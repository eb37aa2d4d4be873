import { describe, expect, it } from 'vitest';
import plan from '../../data/khonkaen/plan.json' with { type: 'json' };
import { fy2561Register } from '../../server/plan/seed.ts';
import { STAGES } from '../../server/plan/stages.ts';
import { fromSatang, toSatang } from '../../server/seed/random.ts';

describe('the generated FY2561 register', () => {
  const register = fy2561Register();

  it('is the same every time', () => {
    expect(fy2561Register()).toEqual(register);
  });

  it('adds up exactly to table T2, strategy by strategy and stage by stage', () => {
    for (const [strategy, row] of Object.entries(plan.t2_fy2561_execution.rows)) {
      const mine = register.filter((p) => p.strategy === strategy);
      const reached = (stage: (typeof STAGES)[number]) => mine.filter((p) => STAGES.indexOf(p.stage) >= STAGES.indexOf(stage));
      const sum = (amounts: (string | null)[]) => fromSatang(amounts.reduce((t, a) => t + (a ? toSatang(a) : 0n), 0n));
      expect(
        {
          plan: [mine.length, sum(mine.map((p) => p.budget))],
          approved: [reached('approved').length, sum(mine.map((p) => p.approved))],
          contracted: [reached('contracted').length, sum(mine.map((p) => p.contract))],
          disbursed: [reached('disbursed').length, sum(mine.map((p) => p.disbursed))],
        },
        strategy,
      ).toEqual({
        plan: [row[0], row[1]],
        approved: [row[2], row[3]],
        contracted: [row[4], row[5]],
        disbursed: [row[6], row[7]],
      });
    }
    expect(register).toHaveLength(519);
  });

  it('keeps the plan budget of table T1 for 2561', () => {
    for (const [strategy, years] of Object.entries(plan.t1_four_year_plan)) {
      const budget = register.filter((p) => p.strategy === strategy).reduce((t, p) => t + toSatang(p.budget), 0n);
      expect(budget, strategy).toBe(BigInt(years[0]![1]!) * 100n);
    }
  });

  it('has an amount for each stage a project reached, and none beyond it', () => {
    for (const p of register) {
      const at = STAGES.indexOf(p.stage);
      expect(p.approved !== null, p.code).toBe(at >= 1);
      expect(p.contract !== null, p.code).toBe(at >= 2);
      expect(p.disbursed !== null, p.code).toBe(at >= 3);
    }
  });

  it('is consistent project by project, except where table T2 itself is not', () => {
    const over = (a: string | null, b: string | null) => a !== null && b !== null && toSatang(a) > toSatang(b);
    expect(register.filter((p) => over(p.contract, p.approved)).map((p) => p.code)).toEqual([]);
    // T2 has S7 disbursing 13,000.00 more than it contracted: one S7 project carries that.
    const disbursedOver = register.filter((p) => over(p.disbursed, p.contract));
    expect(disbursedOver).toHaveLength(1);
    expect(disbursedOver[0]!.strategy).toBe('S7');
    expect(toSatang(disbursedOver[0]!.disbursed!) - toSatang(disbursedOver[0]!.contract!)).toBe(1_300_000n);
  });

  it('keeps the real names of the smart-city projects', () => {
    const names = new Set(register.map((p) => p.name_th));
    for (const named of plan.named_projects) expect(names.has(named.name_th), named.name_en).toBe(true);
    expect(new Set(register.map((p) => p.code)).size).toBe(register.length);
  });
});
