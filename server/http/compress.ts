import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { MiddlewareHandler } from 'hono';

/**
 * What is worth compressing: JSON and GeoJSON, vector tiles, CSV, the CAP/Atom XML, HTML.
 * Never `text/event-stream`: the live stream must reach the client event by event, and a
 * compressor holds bytes back until it has a block's worth.
 */
export const COMPRESSIBLE =
  /^\s*(application\/(json|[\w.-]+\+(json|xml)|vnd\.mapbox-vector-tile|x-protobuf|javascript)|text\/(?!event-stream)[\w.+-]+|image\/svg\+xml)\s*(;|$)/i;

/** Below this a compressed body saves less than the header costs, and the CPU is wasted. */
const MIN_BYTES = 1024;

/**
 * Brotli quality 4: measured on the 359 KB projects GeoJSON and a 396 KB z13 parcel tile, it
 * costs what gzip level 6 costs (2.7 and 4.5 ms against 2.7 and 8.6) and gives 6–13 % fewer bytes
 * than gzip; quality 11, which the build uses for static files, takes 800 ms a response.
 */
const BROTLI_QUALITY = 4;

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

export type Encoding = 'br' | 'gzip';
/** Encoded bytes, as zlib gives them. */
export type Encoded = Awaited<ReturnType<typeof gzipAsync>>;

/**
 * The encoding to answer with: brotli when the client takes it, else gzip, else none. Honours
 * `q=0` (refused) and `*`; among accepted ones our preference decides, as RFC 9110 allows.
 */
export function chooseEncoding(acceptEncoding: string | undefined): Encoding | null {
  const quality = new Map<string, number>();
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [token, ...params] = part.trim().toLowerCase().split(';');
    if (!token) continue;
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    quality.set(token, q === undefined ? 1 : Number(q));
  }
  const accepts = (encoding: Encoding) => (quality.get(encoding) ?? quality.get('*') ?? 0) > 0;
  return accepts('br') ? 'br' : accepts('gzip') ? 'gzip' : null;
}

/**
 * `body` in `encoding`, or null when it is too small to be worth it. For a handler that keeps
 * what it encoded (the tile cache) as much as for the middleware below.
 */
export async function encodeBody(body: Uint8Array, encoding: Encoding): Promise<Encoded | null> {
  if (body.byteLength < MIN_BYTES) return null;
  if (encoding === 'gzip') return gzipAsync(body);
  return brotli(body, { params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength } });
}

/** Sent whenever the answer could have been encoded differently, so caches keep one per encoding. */
export function addVary(headers: Headers): void {
  const vary = headers.get('Vary');
  if (!vary) headers.set('Vary', 'Accept-Encoding');
  else if (!/(^|,)\s*(accept-encoding|\*)\s*(,|$)/i.test(vary)) headers.set('Vary', `${vary}, Accept-Encoding`);
}

/**
 * Compresses the API's answers for clients that accept it. The body is encoded whole (API
 * answers are bounded: the largest, a z13 tile or the projects list, are a few hundred KB),
 * on libuv's thread pool so the event loop keeps serving.
 *
 * A strong ETag becomes weak: the encoded bytes differ from the identity ones, while the
 * resource is the same, and `If-None-Match` compares weakly (RFC 9110 §13.1.2), so a client
 * revalidating with `W/"x"` still gets its 304 from a handler that issued `"x"`.
 */
export const compressResponses: MiddlewareHandler = async (c, next) => {
  await next();
  // A 304 carries no type, but stands for a body that would have been encoded.
  if (c.res.status !== 304 && !COMPRESSIBLE.test(c.res.headers.get('Content-Type') ?? '')) return;
  addVary(c.res.headers);
  const encoding = chooseEncoding(c.req.header('Accept-Encoding'));
  if (!encoding) return;
  // Weak for whoever could get an encoded body, the 304s included, so revalidation matches.
  const etag = c.res.headers.get('ETag');
  if (etag?.startsWith('"')) c.res.headers.set('ETag', `W/${etag}`);
  // A handler that encoded its own body (the tile cache keeps encoded tiles) is left alone.
  if (c.req.method === 'HEAD' || !c.res.body || c.res.headers.has('Content-Encoding')) return;
  const body = new Uint8Array(await c.res.arrayBuffer());
  const encoded = await encodeBody(body, encoding);
  // The body was read: hand on a fresh response either way, with the old one's status and headers.
  c.res = new Response(encoded ?? body, c.res);
  if (!encoded) return;
  c.res.headers.set('Content-Encoding', encoding);
  c.res.headers.set('Content-Length', String(encoded.byteLength));
};
