/**
 * A strict reader of the WKT a spreadsheet cell may hold, into GeoJSON coordinates, in JavaScript:
 * a malformed cell becomes a row's problem and never reaches PostGIS, whose parse errors would
 * otherwise abort the import's transaction. Two-dimensional only: the project table is 2-D.
 */
type Nested = number[] | Nested[];

/** How deeply each accepted type nests its positions (a position is depth 0). */
const DEPTH: Record<string, [string, number]> = {
  POINT: ['Point', 0],
  LINESTRING: ['LineString', 1],
  POLYGON: ['Polygon', 2],
  MULTIPOINT: ['MultiPoint', 1],
  MULTILINESTRING: ['MultiLineString', 2],
  MULTIPOLYGON: ['MultiPolygon', 3],
};
const TOKEN = /\s*([A-Za-z]+|[(),;=]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)/y;

class WktError extends Error {}

export function parseWkt(text: string): { geometry: { type: string; coordinates: Nested } } | { problem: string } {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (!match) {
      if (text.slice(at).trim() === '') break;
      return { problem: `not valid WKT: unexpected "${text.slice(at).trim().slice(0, 12)}" at character ${at + 1}` };
    }
    tokens.push(match[1] as string);
  }
  let i = 0;
  const peek = () => tokens[i];
  const expect = (token: string) => {
    if (tokens[i] !== token) throw new WktError(tokens[i] === undefined ? `ends early; expected "${token}"` : `expected "${token}", found "${tokens[i]}"`);
    i++;
  };
  const isNumber = (token: string | undefined) => token !== undefined && /^[-+.\d]/.test(token);

  /** '(' item {',' item} ')', where an item is a nested list or a position of numbers. */
  const list = (): Nested => {
    expect('(');
    const items: Nested[] = [];
    do {
      if (peek() === '(') items.push(list());
      else {
        const position: number[] = [];
        while (isNumber(peek())) position.push(Number(tokens[i++]));
        if (position.length > 2) throw new WktError('3-D coordinates are not accepted: give longitude and latitude only');
        if (position.length < 2) throw new WktError(`a position needs a longitude and a latitude${peek() ? `, found "${peek()}"` : ''}`);
        items.push(position as unknown as Nested);
      }
    } while (peek() === ',' && ++i);
    expect(')');
    return items as Nested;
  };
  const depthOf = (value: Nested): number => (typeof value[0] === 'number' ? 0 : 1 + depthOf(value[0] as Nested));

  try {
    if (peek()?.toUpperCase() === 'SRID') {
      i++;
      expect('=');
      if (tokens[i++] !== '4326') throw new WktError('only SRID 4326 (longitude and latitude) is accepted');
      expect(';');
    }
    const word = (tokens[i++] ?? '').toUpperCase();
    const known = DEPTH[word];
    if (!known) throw new WktError(`expected POINT, LINESTRING, POLYGON or their MULTI forms${word ? `, found "${word}"` : ''}`);
    const [type, depth] = known;
    if (['Z', 'M', 'ZM'].includes(peek()?.toUpperCase() ?? '')) throw new WktError('3-D coordinates are not accepted: give longitude and latitude only');
    if (peek()?.toUpperCase() === 'EMPTY') throw new WktError('an empty geometry is no place: leave the cell empty instead');
    const body = list();
    if (i < tokens.length) throw new WktError(`unexpected "${tokens[i]}" after the geometry`);
    // POINT(x y) reads as a list of one position; MULTIPOINT may wrap each position: ((x y), (x y)).
    let coordinates: Nested = type === 'Point' ? (body[0] as Nested) : body;
    if (type === 'MultiPoint' && depthOf(coordinates) === 2) coordinates = (coordinates as Nested[]).map((p) => p[0] as Nested) as Nested;
    if (type === 'Point' && body.length !== 1) throw new WktError('a point has one position');
    if (depthOf(coordinates) !== depth) throw new WktError(`the parentheses do not fit a ${word}`);
    return { geometry: { type, coordinates } };
  } catch (error) {
    if (error instanceof WktError) return { problem: `not valid WKT: ${error.message}` };
    throw error;
  }
}
