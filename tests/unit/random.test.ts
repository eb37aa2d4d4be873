import { describe, expect, it } from 'vitest';
import { apportion, fromSatang, seededRandom, shuffled, toSatang } from '../../server/seed/random.ts';

describe('apportion', () => {
  it('splits a total exactly, in proportion to the weights', () => {
    const parts = apportion(57_885n, [1, 2, 3, 4]);
    expect(parts.reduce((a, b) => a + b, 0n)).toBe(57_885n);
    expect(parts).toEqual([5789n, 11577n, 17365n, 23154n]);
  });
  it('gives the remainder to the largest fractions, so no unit is lost', () => {
    expect(apportion(10n, [1, 1, 1])).toEqual([4n, 3n, 3n]);
    expect(apportion(2n, [1, 1, 1])).toEqual([1n, 1n, 0n]);
  });
  it('refuses what cannot be split', () => {
    expect(() => apportion(5n, [])).toThrow();
    expect(() => apportion(5n, [0, 0])).toThrow();
    expect(apportion(0n, [])).toEqual([]);
  });
});

describe('satang', () => {
  it('round-trips baht amounts without floating point', () => {
    for (const baht of ['0.00', '220000.00', '130522276.00', '2713441.50', '42034488.38']) {
      expect(fromSatang(toSatang(baht))).toBe(baht);
    }
    expect(toSatang('1.5')).toBe(150n);
    expect(() => toSatang('1,000')).toThrow();
    expect(() => toSatang('-3')).toThrow();
  });
});

describe('seededRandom', () => {
  it('repeats itself for the same seed and differs for another', () => {
    const a = seededRandom(7),
      b = seededRandom(7),
      c = seededRandom(8);
    const take = (r: () => number) => Array.from({ length: 5 }, r);
    const first = take(a);
    expect(take(b)).toEqual(first);
    expect(take(c)).not.toEqual(first);
    expect(first.every((n) => n >= 0 && n < 1)).toBe(true);
  });
  it('shuffles into a permutation', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const mixed = shuffled(seededRandom(1), items);
    expect(mixed).not.toEqual(items);
    expect([...mixed].sort((x, y) => x - y)).toEqual(items);
  });
});
