import { createServer, type Server } from 'node:http';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../server/config.ts';
import { FileStore, S3Store, signV4, type PhotoStore } from '../../server/sites/photos/store.ts';

// AWS's published examples of SigV4 for S3 ("Examples: Signature Calculations in AWS Signature
// Version 4", Amazon S3 API reference), with the example credentials given there.
const EXAMPLE = { region: 'us-east-1', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const MAY_24 = new Date('2013-05-24T00:00:00Z');
const credential = 'Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request';

describe('the SigV4 signer', () => {
  it("signs AWS's GET Object example (a Range header)", () => {
    const authorization = signV4(
      {
        method: 'GET',
        url: new URL('https://examplebucket.s3.amazonaws.com/test.txt'),
        headers: { Range: 'bytes=0-9', 'x-amz-content-sha256': EMPTY, 'x-amz-date': '20130524T000000Z' },
        payloadHash: EMPTY,
      },
      EXAMPLE,
      MAY_24,
    );
    expect(authorization).toBe(
      `AWS4-HMAC-SHA256 ${credential},SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41`,
    );
  });

  it("signs AWS's PUT Object example (a key with $, a body, a storage class)", () => {
    const payloadHash = '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072';
    const authorization = signV4(
      {
        method: 'PUT',
        url: new URL('https://examplebucket.s3.amazonaws.com/test$file.text'),
        headers: {
          Date: 'Fri, 24 May 2013 00:00:00 GMT',
          'x-amz-date': '20130524T000000Z',
          'x-amz-storage-class': 'REDUCED_REDUNDANCY',
          'x-amz-content-sha256': payloadHash,
        },
        payloadHash,
      },
      EXAMPLE,
      MAY_24,
    );
    expect(authorization).toBe(
      `AWS4-HMAC-SHA256 ${credential},SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd`,
    );
  });

  it("signs AWS's List Objects example (query parameters sorted)", () => {
    const authorization = signV4(
      {
        method: 'GET',
        url: new URL('https://examplebucket.s3.amazonaws.com/?prefix=J&max-keys=2'),
        headers: { 'x-amz-date': '20130524T000000Z', 'x-amz-content-sha256': EMPTY },
        payloadHash: EMPTY,
      },
      EXAMPLE,
      MAY_24,
    );
    expect(authorization).toBe(
      `AWS4-HMAC-SHA256 ${credential},SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7`,
    );
  });
});

const KEY = 'ab'.repeat(32);
const BYTES = new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 3]);

/** What every store must do, whatever holds the bytes. */
async function roundTrip(store: PhotoStore) {
  expect(await store.has(KEY)).toBe(false);
  expect(await store.get(KEY)).toBeNull();
  await store.put(KEY, BYTES, 'image/jpeg');
  await store.put(`${KEY}-thumb`, new Uint8Array([9]), 'image/jpeg');
  expect(await store.has(KEY)).toBe(true);
  expect([...((await store.get(KEY)) ?? [])]).toEqual([...BYTES]);
  await store.delete(KEY);
  expect(await store.has(KEY)).toBe(false);
  expect(await store.has(`${KEY}-thumb`)).toBe(true);
  await expect(store.put('../etc/passwd', BYTES, 'image/jpeg')).rejects.toThrow(/not a photo key/);
}

describe('the file store', () => {
  it('keeps files content-addressed under two hex digits, and leaves no temporary file', async () => {
    const root = mkdtempSync(join(tmpdir(), 'photo-store-'));
    try {
      await roundTrip(new FileStore(root));
      expect(readdirSync(root)).toEqual(['ab']);
      expect(readdirSync(join(root, 'ab'))).toEqual([`${KEY.slice(2)}-thumb`]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('the S3 store', () => {
  // A bucket on this machine that checks every request's signature as S3 would (with the signer
  // under test, whose own correctness the examples above establish) and keeps objects in memory.
  const objects = new Map<string, Buffer>();
  const settings = { endpoint: '', bucket: 'mueang', ...EXAMPLE };
  const refused: string[] = [];
  let server: Server;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks);
        const headers: Record<string, string> = {};
        const authorization = request.headers.authorization ?? '';
        const signed = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
        for (const name of signed) headers[name] = String(request.headers[name] ?? '');
        const url = new URL(request.url ?? '/', `http://${request.headers.host}`);
        const date = String(request.headers['x-amz-date']);
        const time = new Date(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`);
        const expected = signV4({ method: request.method ?? 'GET', url, headers, payloadHash: String(request.headers['x-amz-content-sha256']) }, EXAMPLE, time);
        if (expected !== authorization || !signed.includes('x-amz-content-sha256') || !signed.includes('host')) {
          refused.push(`${request.method} ${url.pathname}`);
          response.writeHead(403).end('<Error><Code>SignatureDoesNotMatch</Code></Error>');
          return;
        }
        const key = url.pathname;
        if (request.method === 'PUT') objects.set(key, body);
        if (request.method === 'DELETE') objects.delete(key);
        if (request.method === 'GET' || request.method === 'HEAD') {
          const object = objects.get(key);
          if (!object) response.writeHead(404).end();
          else response.writeHead(200, { 'content-length': object.length }).end(request.method === 'GET' ? object : undefined);
          return;
        }
        response.writeHead(request.method === 'DELETE' ? 204 : 200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    settings.endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('puts, gets, checks and deletes signed objects, path-style under the bucket', async () => {
    await roundTrip(new S3Store(settings));
    expect(refused).toEqual([]);
    expect([...objects.keys()]).toEqual([`/mueang/photos/ab/${KEY.slice(2)}-thumb`]);
  });

  it('fails loudly when the store refuses the credentials', async () => {
    const store = new S3Store({ ...settings, secretAccessKey: 'wrong' });
    await expect(store.put(KEY, BYTES, 'image/jpeg')).rejects.toThrow(/PUT .* answered 403/);
    await expect(store.has(KEY)).rejects.toThrow(/HEAD .* answered 403/);
  });
});

describe('the photo settings', () => {
  const S3 = {
    PHOTO_STORE: 's3',
    S3_ENDPOINT: 'http://127.0.0.1:9000',
    S3_BUCKET: 'photos',
    S3_ACCESS_KEY_ID: 'id',
    S3_SECRET_ACCESS_KEY: 'secret',
  };

  it('keeps photos under DATA_DIR/photos with the contract’s limits by default', () => {
    expect(readConfig({ DATA_DIR: '/srv/mueang' }).photos).toEqual({
      store: { kind: 'file', root: '/srv/mueang/photos' },
      maxBytes: 15 * 1024 * 1024,
      perInspection: 12,
      farMetres: 150,
    });
    expect(readConfig({ PHOTO_MAX_BYTES: '1000', PHOTOS_PER_INSPECTION: '3', PHOTO_FAR_M: '80' }).photos).toMatchObject({
      maxBytes: 1000,
      perInspection: 3,
      farMetres: 80,
    });
  });

  it('takes an S3 bucket only with every setting it needs', () => {
    expect(readConfig(S3).photos.store).toEqual({
      kind: 's3',
      endpoint: 'http://127.0.0.1:9000',
      bucket: 'photos',
      region: 'us-east-1',
      accessKeyId: 'id',
      secretAccessKey: 'secret',
    });
    expect(() => readConfig({ ...S3, S3_SECRET_ACCESS_KEY: '' })).toThrow(/PHOTO_STORE=s3 needs S3_SECRET_ACCESS_KEY/);
    expect(() => readConfig({ ...S3, S3_ENDPOINT: 'minio:9000' })).toThrow(/S3_ENDPOINT must be an http\(s\) URL/);
    expect(() => readConfig({ PHOTO_STORE: 'ftp' })).toThrow(/PHOTO_STORE must be "file" or "s3"/);
  });
});
