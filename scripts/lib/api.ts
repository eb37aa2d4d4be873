/**
 * The Mueang API as the scripts use it: signed in as a person at the desk (cookie and CSRF
 * token, as the web app), as the city's sensors (a device key each), and the live stream.
 *
 * Device keys are made once per server and sensor (as admin) and kept in .data/storm-keys.json;
 * a cached key the server refuses is replaced.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const KEY_CACHE = join(REPO, '.data/storm-keys.json');

// ---------------------------------------------------------------------------------------------
// The API, as a person at the desk and as the city's sensors use it.

export interface ApiResponse<T = unknown> { status: number; body: T }

/** Why a request failed, in words a person running a script can act on. */
function unreachable(base: string, error: unknown): Error {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
  return new Error(`cannot reach the server at ${base} (${cause}); is it running?`);
}

export const errorText = (body: unknown) =>
  typeof body === 'object' && body !== null && 'error' in body ? String((body as { error: unknown }).error) : JSON.stringify(body);

/** A signed-in session: keeps the cookie and sends the CSRF token with every write, as the web app does. */
export class Api {
  private constructor(readonly base: string, private cookie: string, private csrf: string) {}

  static async signIn(base: string, username: string, password: string): Promise<Api> {
    const response = await fetch(`${base}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }),
    }).catch((error: unknown) => { throw unreachable(base, error); });
    const body = await response.json().catch(() => null) as { csrf_token?: string } | null;
    if (response.status !== 200) throw new Error(`sign-in as ${username} failed: ${response.status} ${errorText(body)}`);
    const cookie = response.headers.get('set-cookie')?.split(';')[0];
    if (!cookie || !body?.csrf_token) throw new Error(`sign-in as ${username}: no session cookie or CSRF token in the answer`);
    return new Api(base, cookie, body.csrf_token);
  }

  get sessionCookie(): string { return this.cookie; }

  async request<T>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { cookie: this.cookie };
    if (method !== 'GET') headers['x-csrf-token'] = this.csrf;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.base}/api/${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
      .catch((error: unknown) => { throw unreachable(this.base, error); });
    return { status: response.status, body: await response.json().catch(() => null) as T };
  }
}

export interface Sensor {
  id: number; code: string; kind: 'siren' | 'sump';
  level_m: number | null; watch_m: number; warning_m: number; critical_m: number;
}

export async function listSensors(api: Api): Promise<Sensor[]> {
  const response = await api.request<{ features: { properties: Sensor }[] }>('GET', 'sensors');
  if (response.status !== 200) throw new Error(`GET /api/sensors: ${response.status} ${errorText(response.body)}`);
  return response.body.features.map((f) => f.properties).sort((a, b) => a.code.localeCompare(b.code));
}

export interface Reading { sensor: string; time: string; level_m: number; rain_mm?: number; battery_v?: number }
export interface IngestResult { received: number; inserted: number; duplicates: number }

/** What a sensor does: POST its own readings with its own key. */
export async function postReadings(base: string, key: string, readings: Reading[]): Promise<ApiResponse<IngestResult>> {
  const response = await fetch(`${base}/api/readings`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-device-key': key }, body: JSON.stringify({ readings }),
  }).catch((error: unknown) => { throw unreachable(base, error); });
  return { status: response.status, body: await response.json().catch(() => null) as IngestResult };
}

type KeyCache = Record<string, Record<string, string>>;

function readKeyCache(): KeyCache {
  try { return JSON.parse(readFileSync(KEY_CACHE, 'utf8')) as KeyCache; } catch { return {}; }
}

/**
 * One device key per sensor, reused across runs against the same server (keys are shown only
 * once, and making new ones every run would pile up devices on the admin's list).
 */
export class DeviceKeys {
  private readonly cache: KeyCache;
  /** `persist` false: keys for a server that will not outlive this run are not worth keeping. */
  constructor(private readonly api: Api, private readonly persist = true) {
    this.cache = persist ? readKeyCache() : {};
  }

  private get mine(): Record<string, string> { return (this.cache[this.api.base] ??= {}); }

  async keyFor(code: string): Promise<string> {
    return this.mine[code] ?? this.renew(code);
  }

  /** A new key, for a sensor without one or whose cached key the server refused. */
  async renew(code: string): Promise<string> {
    const response = await this.api.request<{ key: string }>('POST', 'devices', { kind: 'sensor', code, label: `storm simulator ${code}` });
    if (response.status !== 201) throw new Error(`making a device key for ${code}: ${response.status} ${errorText(response.body)}`);
    this.mine[code] = response.body.key;
    if (!this.persist) return response.body.key;
    mkdirSync(dirname(KEY_CACHE), { recursive: true });
    writeFileSync(KEY_CACHE, `${JSON.stringify(this.cache, null, 2)}\n`, { mode: 0o600 });
    return response.body.key;
  }

  /** Posts with the sensor's key; a cached key the server no longer knows (401) is replaced once. */
  async post(code: string, readings: Reading[]): Promise<ApiResponse<IngestResult>> {
    const response = await postReadings(this.api.base, await this.keyFor(code), readings);
    return response.status === 401 ? postReadings(this.api.base, await this.renew(code), readings) : response;
  }
}

// ---------------------------------------------------------------------------------------------
// The live stream: Server-Sent Events read with fetch (Node 20 has no EventSource).

export interface LiveEvent { event: string; data: unknown }
/** `ended` settles when the stream stops: with the reason, or null when we closed it ourselves. */
export interface LiveStream { close: () => void; ended: Promise<string | null> }

/** Splits an SSE byte stream into events; `onEvent` gets each `event:`/`data:` block. */
async function readEvents(body: ReadableStream<Uint8Array>, onEvent: (e: LiveEvent) => void): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length) onEvent({ event, data: JSON.parse(data.join('\n')) });
    }
  }
}

/**
 * Opens /api/live. Resolves to null when the server has no live stream (404), so callers can
 * say so and carry on; resolves once the response headers arrive, before the first event.
 */
export async function openLive(base: string, cookie: string | null, onEvent: (e: LiveEvent) => void): Promise<LiveStream | null> {
  const abort = new AbortController();
  const response = await fetch(`${base}/api/live`, {
    headers: { accept: 'text/event-stream', ...(cookie ? { cookie } : {}) }, signal: abort.signal,
  }).catch((error: unknown) => { throw unreachable(base, error); });
  if (response.status === 404) { abort.abort(); return null; }
  if (response.status !== 200 || !response.body) throw new Error(`GET /api/live: ${response.status}`);
  const ended = readEvents(response.body, onEvent).then(
    () => (abort.signal.aborted ? null : 'the server closed the stream'),
    (error: unknown) => (abort.signal.aborted ? null : error instanceof Error ? error.message : String(error)));
  return { close: () => abort.abort(), ended };
}

export interface AlertEvent {
  change: string;
  alert: { id: number; sensor_code: string; type: string; severity: string; status: string };
}
