import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { describe, expect, inject, it } from 'vitest';
import { compressResponses } from '../../server/http/compress.ts';
import { tileAt } from '../support/tiles.ts';

const engines = inject('engines');

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The bytes as they came over the wire, still encoded. */
  body: Buffer;
}

/**
 * A GET over real HTTP that leaves the body as sent: fetch would decode it and hide what the
 * server did. `stopAfterFirstChunk` is for the live stream, which never ends.
 */
function get(base: string, path: string, acceptEncoding: string, stopAfterFirstChunk = false): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { headers: { 'accept-encoding': acceptEncoding } }, (res) => {
      const chunks: Buffer[] = [];
      const done = () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        if (stopAfterFirstChunk) {
          done();
          req.destroy();
        }
      });
      res.on('end', done);
      res.on('error', reject);
    });
    req.on('error', (error) => {
      if (!stopAfterFirstChunk) reject(error);
    });
    req.end();
  });
}

function decode(raw: Raw): Buffer {
  const encoding = raw.headers['content-encoding'];
  return encoding === 'br' ? brotliDecompressSync(raw.body) : encoding === 'gzip' ? gunzipSync(raw.body) : raw.body;
}

/** The largest script of the build, the one compression matters most for. */
function largestScript(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../dist/web/.vite/manifest.json', import.meta.url), 'utf8')) as Record<string, { file: string }>;
  const files = Object.values(manifest)
    .map((entry) => entry.file)
    .filter((file) => file.endsWith('.js'));
  const size = (file: string) => readFileSync(new URL(`../../dist/web/${file}`, import.meta.url)).byteLength;
  return `/${files.sort((a, b) => size(b) - size(a))[0]}`;
}

const CITY_CENTRE = [102.834, 16.432] as const;
const { z, x, y } = tileAt(CITY_CENTRE[0], CITY_CENTRE[1], 15);

/** What each Accept-Encoding must get: brotli is preferred, a refusal (q=0) is honoured. */
const NEGOTIATIONS = [
  { accept: 'gzip, deflate, br, zstd', encoding: 'br' },
  { accept: 'gzip', encoding: 'gzip' },
  { accept: 'br;q=0, gzip;q=0.5', encoding: 'gzip' },
  { accept: '', encoding: undefined },
] as const;

describe.each(engines)('compression on $engine', ({ url }) => {
  const resources = [
    { what: 'a static script', path: largestScript(), type: /javascript/ },
    { what: 'GeoJSON (the projects)', path: '/api/projects', type: /json/ },
    { what: 'a vector tile', path: `/api/tiles/parcels/${z}/${x}/${y}.mvt`, type: /vnd\.mapbox-vector-tile/ },
  ];

  describe.each(resources)('$what', ({ path, type }) => {
    it.each(NEGOTIATIONS)('answers Accept-Encoding "$accept" with $encoding, the same bytes once decoded', async ({ accept, encoding }) => {
      const identity = await get(url, path, '');
      expect(identity.status).toBe(200);
      expect(identity.headers['content-type']).toMatch(type);
      expect(identity.body.byteLength).toBeGreaterThan(1024);
      const answer = await get(url, path, accept);
      expect(answer.status).toBe(200);
      expect(answer.headers['content-encoding']).toBe(encoding);
      expect(answer.headers.vary).toMatch(/accept-encoding/i);
      expect(decode(answer).equals(identity.body)).toBe(true);
      if (encoding) expect(answer.body.byteLength).toBeLessThan(identity.body.byteLength / 2);
    });
  });

  it('caches hashed assets for a year and revalidates the page', async () => {
    expect((await get(url, largestScript(), 'br')).headers['cache-control']).toBe('public, max-age=31536000, immutable');
    for (const page of ['/', '/plan']) {
      const answer = await get(url, page, 'br');
      expect(answer.headers['cache-control']).toBe('no-cache');
      expect(decode(answer).toString()).toContain('<div id="root">');
    }
    // An asset of another build is missing, not the app under a name cached for a year.
    expect((await get(url, '/assets/no-such-chunk.js', 'br')).status).toBe(404);
  });

  it('preloads MapLibre on the pages with a map, and not on the site workspace, whose list has none', async () => {
    const maplibre = Object.values(
      JSON.parse(readFileSync(new URL('../../dist/web/.vite/manifest.json', import.meta.url), 'utf8')) as { name?: string; file: string }[],
    ).find((chunk) => chunk.name === 'maplibre')!.file;
    const preload = `rel="modulepreload" crossorigin href="/${maplibre}"`;
    for (const page of ['/', '/plan', '/flood', '/flood/public', '/no-such-page']) {
      const answer = await get(url, page, 'gzip');
      expect(answer.status, page).toBe(200);
      expect(decode(answer).toString(), page).toContain(preload);
    }
    for (const page of ['/sites', '/sites/', '/sites/117', '/index.html']) {
      const answer = await get(url, page, 'br');
      expect(answer.status, page).toBe(200);
      const html = decode(answer).toString();
      expect(html, page).toContain('<div id="root">');
      expect(html, page).not.toContain('maplibre');
    }
  });

  it('never compresses the live stream: its first event arrives as plain text', async () => {
    const answer = await get(url, '/api/live?view=public', 'gzip, deflate, br', true);
    expect(answer.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(answer.headers['content-encoding']).toBeUndefined();
    expect(answer.body.toString('utf8')).toMatch(/^(:|event:|data:|retry:)/m);
  });
});

describe('the compression middleware', () => {
  const body = JSON.stringify({ rows: Array.from({ length: 200 }, (_, i) => ({ i, name: `row ${i}` })) });
  const app = new Hono()
    .use(compressResponses)
    .get('/tagged', (c) =>
      c.req.header('if-none-match')?.replace(/^W\//, '') === '"v1"' ? c.body(null, 304, { ETag: '"v1"' }) : c.json(JSON.parse(body), 200, { ETag: '"v1"' }),
    )
    .get('/tiny', (c) => c.json({ ok: true }));

  it('makes a strong ETag weak when the body may be encoded, on the 200 and on the 304 alike', async () => {
    const encoded = await app.request('/tagged', { headers: { 'accept-encoding': 'br' } });
    expect(encoded.headers.get('content-encoding')).toBe('br');
    expect(encoded.headers.get('etag')).toBe('W/"v1"');
    const revalidated = await app.request('/tagged', { headers: { 'accept-encoding': 'br', 'if-none-match': 'W/"v1"' } });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get('etag')).toBe('W/"v1"');
    const identity = await app.request('/tagged');
    expect(identity.headers.get('etag')).toBe('"v1"');
    expect(await identity.text()).toBe(body);
  });

  it('leaves bodies under 1 KB as they are', async () => {
    const tiny = await app.request('/tiny', { headers: { 'accept-encoding': 'br' } });
    expect(tiny.headers.get('content-encoding')).toBeNull();
    expect(await tiny.json()).toEqual({ ok: true });
  });
});
