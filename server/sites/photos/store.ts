import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Where photo files live: the bytes of an original and of its resized copies, by key. Keys are
 * content addresses (`<sha256>` for an original, `<sha256>-thumb`, `<sha256>-display` for the
 * copies), so the same bytes are stored once however often they are uploaded, and a file once
 * written never changes.
 */
export interface PhotoStore {
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** The bytes, or null when there is no such file. */
  get(key: string): Promise<Uint8Array | null>;
  has(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
}

/** A key is a SHA-256 in hex, maybe with a size suffix: nothing a path or a URL could be steered by. */
const KEY = /^[0-9a-f]{64}(-[a-z]+)?$/;
function checkKey(key: string): string {
  if (!KEY.test(key)) throw new Error(`not a photo key: ${key.slice(0, 80)}`);
  return key;
}

/** Where a photo's files are: the original under its SHA-256, the resized copies beside it. */
export const photoKey = (sha256: string, size: 'original' | 'thumb' | 'display') => (size === 'original' ? sha256 : `${sha256}-${size}`);

/** Stores a photo's original and copies; a file already there is kept (content-addressed: it holds these very bytes). */
export async function putPhotoFiles(
  store: PhotoStore,
  sha256: string,
  contentType: string,
  files: { original: Uint8Array; thumb: Uint8Array; display: Uint8Array },
): Promise<void> {
  await Promise.all(
    (['original', 'thumb', 'display'] as const).map(async (size) => {
      const key = photoKey(sha256, size);
      if (!(await store.has(key))) await store.put(key, files[size], size === 'original' ? contentType : 'image/jpeg');
    }),
  );
}

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * Files under `root` (`<DATA_DIR>/photos`), fanned out by the first two hex digits of the key as
 * git does, so that no directory holds more than a few thousand files.
 */
export class FileStore implements PhotoStore {
  constructor(readonly root: string) {}

  private path(key: string): string {
    checkKey(key);
    return join(this.root, key.slice(0, 2), key.slice(2));
  }

  /**
   * Written to a temporary file beside the target and renamed over it: a rename is atomic, so a
   * crash (or a concurrent reader) never sees half a file under the key.
   */
  async put(key: string, bytes: Uint8Array): Promise<void> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temporary, bytes);
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<Uint8Array | null> {
    try {
      return await readFile(this.path(key));
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async has(key: string): Promise<boolean> {
    try {
      return (await stat(this.path(key))).isFile();
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }
}

export interface S3Settings {
  /** The service's base URL, e.g. `https://s3.ap-southeast-1.amazonaws.com` or a MinIO server's. */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface SigningRequest {
  method: string;
  url: URL;
  /** Header names in any case; `host` is taken from the URL when absent. */
  headers: Record<string, string>;
  /** Hex SHA-256 of the body (`x-amz-content-sha256`). */
  payloadHash: string;
}

const sha256Hex = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding as SigV4 wants it: everything but unreserved characters, each byte as %XX. */
const encode = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** `x-amz-date`'s form of a time: 20130524T000000Z. */
const amzDate = (time: Date) => `${time.toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`;

/**
 * AWS Signature Version 4 for one request (header-based, as S3 and every S3-compatible store
 * accept it): the Authorization header for `request` at `time`. S3 paths are encoded once, as
 * S3 wants (not twice, as other AWS services do).
 */
export function signV4(
  request: SigningRequest,
  credentials: Pick<S3Settings, 'region' | 'accessKeyId' | 'secretAccessKey'>,
  time: Date,
  service = 's3',
): string {
  const stamp = amzDate(time);
  const day = stamp.slice(0, 8);
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(request.headers)) headers.set(name.toLowerCase(), value.trim().replace(/\s+/g, ' '));
  if (!headers.has('host')) headers.set('host', request.url.host);
  const names = [...headers.keys()].sort();
  const path = request.url.pathname
    .split('/')
    .map((segment) => encode(decodeURIComponent(segment)))
    .join('/');
  const query = [...request.url.searchParams]
    .map(([name, value]) => [encode(name), encode(value)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const canonical = [
    request.method.toUpperCase(),
    path || '/',
    query,
    ...names.map((name) => `${name}:${headers.get(name)}`),
    '',
    names.join(';'),
    request.payloadHash,
  ].join('\n');
  const scope = `${day}/${credentials.region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', stamp, scope, sha256Hex(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), credentials.region), service), 'aws4_request');
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
  return `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope},SignedHeaders=${names.join(';')},Signature=${signature}`;
}

/**
 * An S3-compatible bucket over plain HTTP (fetch), path-style (`<endpoint>/<bucket>/<key>`, which
 * MinIO, Ceph and the other compatible stores all take), signed with SigV4. Keys are fanned out
 * like the file store's, so a bucket can be filled from a data directory by copying.
 */
export class S3Store implements PhotoStore {
  constructor(
    private readonly settings: S3Settings,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private url(key: string): URL {
    checkKey(key);
    const base = this.settings.endpoint.replace(/\/+$/, '');
    return new URL(`${base}/${encode(this.settings.bucket)}/photos/${key.slice(0, 2)}/${key.slice(2)}`);
  }

  private async send(method: string, key: string, body?: Uint8Array, contentType?: string): Promise<Response> {
    const url = this.url(key);
    const payloadHash = sha256Hex(body ?? '');
    const time = this.now();
    const headers: Record<string, string> = { 'x-amz-content-sha256': payloadHash, 'x-amz-date': amzDate(time) };
    if (contentType) headers['content-type'] = contentType;
    const authorization = signV4({ method, url, headers, payloadHash }, this.settings, time);
    return fetch(url, { method, headers: { ...headers, authorization }, body: body as Uint8Array<ArrayBuffer> | undefined });
  }

  private async refuse(response: Response, what: string): Promise<never> {
    // The store's error body names the bucket and key, never the credentials: it may be logged.
    const text = (await response.text()).slice(0, 300);
    throw new Error(`photo store: ${what} answered ${response.status}: ${text}`);
  }

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    const response = await this.send('PUT', key, bytes, contentType);
    if (!response.ok) await this.refuse(response, `PUT ${key}`);
    await response.arrayBuffer();
  }

  async get(key: string): Promise<Uint8Array | null> {
    const response = await this.send('GET', key);
    if (response.status === 404) {
      await response.arrayBuffer();
      return null;
    }
    if (!response.ok) await this.refuse(response, `GET ${key}`);
    return new Uint8Array(await response.arrayBuffer());
  }

  async has(key: string): Promise<boolean> {
    const response = await this.send('HEAD', key);
    await response.arrayBuffer();
    if (response.status === 404) return false;
    if (!response.ok) throw new Error(`photo store: HEAD ${key} answered ${response.status}`);
    return true;
  }

  async delete(key: string): Promise<void> {
    const response = await this.send('DELETE', key);
    // S3 answers 204 whether or not the key existed.
    if (!response.ok && response.status !== 404) await this.refuse(response, `DELETE ${key}`);
    await response.arrayBuffer();
  }
}
