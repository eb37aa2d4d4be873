import { describe, expect, it } from 'vitest';
import { parseWkt } from '../../server/plan/wkt.ts';

describe("the import's WKT reader", () => {
  it.each([
    ['POINT(102.83 16.43)', { type: 'Point', coordinates: [102.83, 16.43] }],
    ['point ( 102.83  16.43 )', { type: 'Point', coordinates: [102.83, 16.43] }],
    ['SRID=4326;POINT(102.83 16.43)', { type: 'Point', coordinates: [102.83, 16.43] }],
    [
      'LINESTRING(102.8 16.4, 102.81 16.41)',
      {
        type: 'LineString',
        coordinates: [
          [102.8, 16.4],
          [102.81, 16.41],
        ],
      },
    ],
    [
      'POLYGON((0 0,1 0,1 1,0 0),(0.1 0.1,0.2 0.1,0.2 0.2,0.1 0.1))',
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 0],
          ],
          [
            [0.1, 0.1],
            [0.2, 0.1],
            [0.2, 0.2],
            [0.1, 0.1],
          ],
        ],
      },
    ],
    [
      'MULTIPOINT(1 2, 3 4)',
      {
        type: 'MultiPoint',
        coordinates: [
          [1, 2],
          [3, 4],
        ],
      },
    ],
    [
      'MULTIPOINT((1 2), (3 4))',
      {
        type: 'MultiPoint',
        coordinates: [
          [1, 2],
          [3, 4],
        ],
      },
    ],
    [
      'MULTILINESTRING((1 2, 3 4),(5 6, 7 8))',
      {
        type: 'MultiLineString',
        coordinates: [
          [
            [1, 2],
            [3, 4],
          ],
          [
            [5, 6],
            [7, 8],
          ],
        ],
      },
    ],
    [
      'MULTIPOLYGON(((0 0,1 0,1 1,0 0)))',
      {
        type: 'MultiPolygon',
        coordinates: [
          [
            [
              [0, 0],
              [1, 0],
              [1, 1],
              [0, 0],
            ],
          ],
        ],
      },
    ],
    ['POINT(-1.5e2 +.5)', { type: 'Point', coordinates: [-150, 0.5] }],
  ])('reads %s', (text, geometry) => {
    expect(parseWkt(text)).toEqual({ geometry });
  });

  it.each([
    ['POINT(102.83 16.43', /ends early/],
    ['HELLO', /expected POINT.*found "HELLO"/],
    ['', /expected POINT/],
    ['POINT Z (102.83 16.43 1)', /3-D/],
    ['POINT(102.83 16.43 1)', /3-D/],
    ['POINT EMPTY', /empty/],
    ['SRID=3857;POINT(1 2)', /SRID 4326/],
    ['POINT(1 2) extra', /after the geometry/],
    ['POINT(1 2, 3 4)', /one position/],
    ['LINESTRING(1 2, 3)', /longitude and a latitude/],
    ['POLYGON(0 0, 1 0, 1 1, 0 0)', /parentheses/],
    ['GEOMETRYCOLLECTION(POINT(1 2))', /expected POINT/],
    ['POINT(1 2); DROP TABLE projects', /unexpected|after the geometry/],
    ['POINT(1 2)\u0000', /unexpected/],
  ])('refuses %s', (text, problem) => {
    const result = parseWkt(text);
    expect('problem' in result && result.problem).toMatch(/^not valid WKT: /);
    expect('problem' in result && result.problem).toMatch(problem);
  });
});
