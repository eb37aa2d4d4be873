import { serveStatic } from '@hono/node-server/serve-static';
import type { MiddlewareHandler } from 'hono';
import { getMimeType } from 'hono/utils/mime';
import { addVary, chooseEncoding, COMPRESSIBLE } from './compress.ts';

/** What the build writes beside each text file (vite.config.ts, `precompress`). */
const SUFFIX = { br: '.br', gzip: '.gz' } as const;

/**
 * The web build: each file, or its brotli or gzip copy made at build time when the client
 * accepts one (by the same negotiation as the API's answers; serveStatic's own `precompressed`
 * ignores `q`, and would send brotli to `br;q=0`). `path` serves that one file whatever the
 * request's path (the app, for client-side routes).
 *
 * Files under /assets/ are named by their content's hash, so a new build brings new names: they
 * are cached for a year. The rest (index.html, which names them) is revalidated every time.
 */
export function staticFiles(root: string, path?: string): MiddlewareHandler {
  const plain = serveStatic({ root, path });
  const encoded = Object.fromEntries(
    Object.entries(SUFFIX).map(([encoding, suffix]) => [
      encoding,
      serveStatic({ root, path: path && path + suffix, rewriteRequestPath: (name) => `${name.endsWith('/') ? `${name}index.html` : name}${suffix}` }),
    ]),
  );
  return async (c, next) => {
    const encoding = chooseEncoding(c.req.header('Accept-Encoding'));
    const variant = encoding ? await encoded[encoding]?.(c, async () => {}) : undefined;
    const response = variant ?? (await plain(c, next));
    if (response?.status !== 200) return response;
    if (variant && encoding) {
      response.headers.set('Content-Type', getMimeType(path ?? (c.req.path.endsWith('/') ? 'index.html' : c.req.path)) ?? 'application/octet-stream');
      response.headers.set('Content-Encoding', encoding);
    }
    if (COMPRESSIBLE.test(response.headers.get('Content-Type') ?? '')) addVary(response.headers);
    response.headers.set('Cache-Control', c.req.path.startsWith('/assets/') && !path ? 'public, max-age=31536000, immutable' : 'no-cache');
    return response;
  };
}
