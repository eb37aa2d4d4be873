import { describe, expect, it } from 'vitest';
import { classLabel, classOf, classRanges, quantileClasses } from '../../web/plan/classify.ts';

describe('choropleth classes', () => {
  it('gives four zones one class each, with no range from a value to itself', () => {
    const classes = quantileClasses([44.9, 41.17, 47.5, 43.02])!;
    expect(classes.colors).toHaveLength(4);
    const ranges = classRanges(classes);
    expect(ranges).toEqual([
      [41.17, 41.17],
      [43.02, 43.02],
      [44.9, 44.9],
      [47.5, 47.5],
    ]);
    expect(ranges.map((r, i) => classLabel(r, i, (v) => v.toFixed(2)))).toEqual(['41.17%', '43.02%', '44.90%', '47.50%']);
    expect([41.17, 43.02, 44.9, 47.5].map((v) => classOf(classes, v))).toEqual([0, 1, 2, 3]);
  });

  it('merges equal values, and keeps quantile ranges for many areas', () => {
    expect(quantileClasses([10, 10, 20])!.colors).toHaveLength(2);
    const many = quantileClasses(Array.from({ length: 95 }, (_, i) => i))!;
    expect(many.colors).toHaveLength(5);
    for (const [i, [from, to]] of classRanges(many).entries()) {
      expect(to).toBeGreaterThan(from);
      expect(classLabel([from, to], i, String)).toMatch(/–/);
    }
  });
});
