/**
 * What the scripts do with the API, on the one Node client (client.ts, which the tests use too):
 * read the sensors as a person at the desk, post readings as the city's sensors (a device key
 * each), and listen to the live stream (sse.ts). Types come from the server's routes.
 *
 * Device keys are made once per server and device (as admin) and kept in .data/storm-keys.json;
 * a cached key the server refuses is replaced.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InferRequestType } from 'hono/client';
import type { ApiClient, BodyOf } from '../../web/api/core.ts';
import { Client, expectBody } from './client.ts';
import { openEventStreamIfAny, type EventStream, type LiveEvent } from './sse.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const KEY_CACHE = join(REPO, '.data/storm-keys.json');

/** A sensor as `GET /api/sensors` describes it. */
export type Sensor = BodyOf<Awaited<ReturnType<ApiClient['sensors']['$get']>>>['features'][number]['properties'];
/** One reading of `POST /api/readings`. */
export type Reading = InferRequestType<ApiClient['readings']['$post']>['json']['readings'][number];
/** One GPS fix of `POST /api/truck-positions`. */
export type Position = InferRequestType<ApiClient['truck-positions']['$post']>['json']['positions'][number];

export async function listSensors(api: Client): Promise<Sensor[]> {
  const sensors = await expectBody(api.api.sensors.$get());
  return sensors.features.map((f) => f.properties).sort((a, b) => a.code.localeCompare(b.code));
}

/** What a sensor does: POST its own readings with its own key. What was stored, or why not. */
export async function postReadings(base: string, key: string, readings: Reading[]) {
  const response = await Client.device(base, key).api.readings.$post({ json: { readings } });
  if (response.status === 200) return { ok: true as const, stored: await response.json() };
  const refusal = (await response.json().catch(() => null)) as { error?: string } | null;
  return { ok: false as const, status: response.status, error: refusal?.error ?? `HTTP ${response.status}` };
}

/** What a truck's GPS unit does: POST its own fixes with its own key. What was stored, or why not. */
export async function postPositions(base: string, key: string, positions: Position[]) {
  const response = await Client.device(base, key).api['truck-positions'].$post({ json: { positions } });
  if (response.status === 200) return { ok: true as const, stored: await response.json() };
  const refusal = (await response.json().catch(() => null)) as { error?: string } | null;
  return { ok: false as const, status: response.status, error: refusal?.error ?? `HTTP ${response.status}` };
}

type KeyCache = Record<string, Record<string, string>>;

function readKeyCache(): KeyCache {
  try {
    return JSON.parse(readFileSync(KEY_CACHE, 'utf8')) as KeyCache;
  } catch {
    return {};
  }
}

/**
 * One device key per sensor (or truck), reused across runs against the same server (keys are
 * shown only once, and making new ones every run would pile up devices on the admin's list).
 */
export class DeviceKeys {
  private readonly cache: KeyCache;
  /** `persist` false: keys for a server that will not outlive this run are not worth keeping. */
  constructor(
    private readonly api: Client,
    private readonly persist = true,
    private readonly kind: 'sensor' | 'truck' = 'sensor',
  ) {
    this.cache = persist ? readKeyCache() : {};
  }

  private get mine(): Record<string, string> {
    this.cache[this.api.base] ??= {};
    return this.cache[this.api.base] as Record<string, string>;
  }

  async keyFor(code: string): Promise<string> {
    return this.mine[code] ?? this.renew(code);
  }

  /** A new key, for a device without one or whose cached key the server refused. */
  async renew(code: string): Promise<string> {
    const label = `${this.kind === 'sensor' ? 'storm' : 'truck'} simulator ${code}`;
    const { key } = await expectBody(this.api.api.devices.$post({ json: { kind: this.kind, code, label } }), 201);
    this.mine[code] = key;
    if (!this.persist) return key;
    mkdirSync(dirname(KEY_CACHE), { recursive: true });
    writeFileSync(KEY_CACHE, `${JSON.stringify(this.cache, null, 2)}\n`, { mode: 0o600 });
    return key;
  }

  /** Posts with the sensor's key; a cached key the server no longer knows (401) is replaced once. */
  async post(code: string, readings: Reading[]): ReturnType<typeof postReadings> {
    return this.retried(code, (key) => postReadings(this.api.base, key, readings));
  }

  /** The same for a truck's fixes. */
  async postPositions(code: string, positions: Position[]): ReturnType<typeof postPositions> {
    return this.retried(code, (key) => postPositions(this.api.base, key, positions));
  }

  private async retried<R extends { ok: boolean; status?: number }>(code: string, send: (key: string) => Promise<R>): Promise<R> {
    const response = await send(await this.keyFor(code));
    return !response.ok && response.status === 401 ? send(await this.renew(code)) : response;
  }
}

/**
 * The live stream as this session sees it (`query`: its topics, e.g. `?topics=waste`), each event
 * handed to `onEvent` as it comes; null when the server has none (404).
 */
export const openLive = (api: Client, onEvent?: (event: LiveEvent) => void, query = ''): Promise<EventStream | null> =>
  openEventStreamIfAny(`${api.base}/api/live${query}`, api.sessionCookie ? { cookie: api.sessionCookie } : {}, onEvent);
