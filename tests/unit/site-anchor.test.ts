import { describe, expect, it } from 'vitest';
import { siteAnchor } from '../../web/city/siteAnchor.ts';

describe("a construction site's place on the city map (web/city/siteAnchor.ts)", () => {
  it('is the point itself, half-way along a road by length, and the middle of a plot', () => {
    expect(siteAnchor({ type: 'Point', coordinates: [102.83, 16.43] })).toEqual([102.83, 16.43]);
    // 3 units east then 1 north: half of 4 is 2 units along the first leg, not the middle vertex.
    expect(
      siteAnchor({
        type: 'LineString',
        coordinates: [
          [0, 0],
          [3, 0],
          [3, 1],
        ],
      }),
    ).toEqual([2, 0]);
    expect(
      siteAnchor({
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [4, 0],
            [4, 2],
            [0, 2],
            [0, 0],
          ],
        ],
      }),
    ).toEqual([2, 1]);
  });

  it('takes the first part of a multi-part work, and has none without a geometry', () => {
    expect(
      siteAnchor({
        type: 'MultiLineString',
        coordinates: [
          [
            [0, 0],
            [0, 2],
          ],
          [
            [5, 5],
            [9, 9],
          ],
        ],
      }),
    ).toEqual([0, 1]);
    expect(siteAnchor({ type: 'LineString', coordinates: [[1, 1]] })).toEqual([1, 1]);
    expect(siteAnchor(null)).toBeNull();
    expect(siteAnchor({ type: 'GeometryCollection', geometries: [] })).toBeNull();
  });
});
