/**
 * The one place that knows how the browser talks to the Mueang server.
 *
 * Requests go through Hono's typed client (`hc<ApiType>`), and every response type below is
 * inferred from the server route that sends it: a renamed route, parameter or attribute on the
 * server fails `tsc` here, and nothing is declared twice.
 */
import { hc, type InferResponseType } from 'hono/client';
import type { ApiType } from '../../server/app.ts';

const client = hc<ApiType>('/api');

/** The body a route sends with 200 OK. */
type Ok<Endpoint> = InferResponseType<Endpoint, 200>;

export type BoundaryCollection = Ok<typeof client.boundary.$get>;
export type BasemapCollection = Ok<typeof client.basemap.$get>;
export type ZoneCollection = Ok<typeof client.zones.$get>;
export type CommunityCollection = Ok<typeof client.communities.$get>;
export type ProjectCollection = Ok<typeof client.projects.$get>;
export type TruckCollection = Ok<typeof client.trucks.$get>;
export type SensorCollection = Ok<typeof client.sensors.$get>;
export type Plan = Ok<typeof client.plan.$get>;
export type Mission = Plan['missions'][number];
export type Strategy = Plan['strategies'][number];

export type BoundaryFeature = BoundaryCollection['features'][number];
export type ZoneFeature = ZoneCollection['features'][number];
export type CommunityFeature = CommunityCollection['features'][number];
export type ProjectFeature = ProjectCollection['features'][number];
export type TruckFeature = TruckCollection['features'][number];
export type SensorFeature = SensorCollection['features'][number];

export type ZoneProps = ZoneFeature['properties'];
export type CommunityProps = CommunityFeature['properties'];
export type ProjectProps = ProjectFeature['properties'];
export type TruckProps = TruckFeature['properties'];
export type SensorProps = SensorFeature['properties'];
/** A parcel as the REST list describes it. */
export type ParcelProps = Ok<typeof client.parcels.$get>['features'][number]['properties'];
/** A parcel in the vector tiles: the same attributes, with `id` as the feature id instead. */
export type ParcelTileProps = Omit<ParcelProps, 'id'>;

export type Stage = ProjectProps['stage'];
export type TruckStatus = TruckProps['status'];
export type LandUse = ParcelProps['land_use'];
/** A sensor's level; `offline` when it has sent no reading at all. */
export type SensorLevel = NonNullable<SensorProps['level']> | 'offline';

export const sensorLevel = (sensor: SensorProps): SensorLevel => sensor.level ?? 'offline';

// Orders for legends. `satisfies` keeps them to the server's values.
export const STAGES = ['plan', 'approved', 'contracted', 'disbursed'] as const satisfies readonly Stage[];
export const SENSOR_LEVELS = ['normal', 'watch', 'warning', 'critical', 'offline'] as const satisfies readonly SensorLevel[];
export const TRUCK_STATUSES = ['collecting', 'driving', 'idle', 'depot'] as const satisfies readonly TruckStatus[];
export const LAND_USES = ['residential', 'commercial', 'mixed', 'public', 'agricultural', 'vacant'] as const satisfies readonly LandUse[];

export interface ProjectQuery {
  fy?: number;
  strategy?: string;
  zone?: number;
  stage?: Stage;
  bbox?: [number, number, number, number];
}

/** The server's `{ error, field? }` body, kept so a panel can say which filter was wrong. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function readJson<T>(path: string, request: Promise<Response>): Promise<T> {
  const response = await request;
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    let field: string | undefined;
    try {
      const body = (await response.json()) as { error?: string; field?: string };
      if (body.error) message = body.error;
      field = body.field;
    } catch {
      // Not JSON (a proxy error page, say): the status line is all we have.
    }
    throw new ApiError(`${path}: ${message}`, response.status, field);
  }
  return (await response.json()) as T;
}

/**
 * Reference data (boundary, zones, plan…) is read by several components at once: the layer that
 * draws it and the details panel that names things by id. One shared request per key serves
 * them all; it is never aborted, because one unmounting reader must not fail the others.
 */
const referenceCache = new Map<string, Promise<unknown>>();

function reference<T>(key: string, request: () => Promise<Response>): Promise<T> {
  let pending = referenceCache.get(key) as Promise<T> | undefined;
  if (!pending) {
    pending = readJson<T>(key, request());
    referenceCache.set(key, pending);
    // A failure must not be remembered, or a reload of the panel could never recover.
    pending.catch(() => referenceCache.delete(key));
  }
  return pending;
}

/** Query strings are strings: drop unset filters, stringify the rest. */
function str(value: number | string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : String(value);
}

export const api = {
  boundary: () => reference<BoundaryCollection>('/api/boundary', () => client.boundary.$get()),
  basemap: () => reference<BasemapCollection>('/api/basemap', () => client.basemap.$get()),
  zones: () => reference<ZoneCollection>('/api/zones', () => client.zones.$get()),
  communities: (zone?: number) =>
    reference<CommunityCollection>(`/api/communities?zone=${zone ?? ''}`, () =>
      client.communities.$get({ query: { zone: str(zone) } }),
    ),
  plan: () => reference<Plan>('/api/plan', () => client.plan.$get()),
  projects: (q: ProjectQuery = {}, signal?: AbortSignal) =>
    readJson<ProjectCollection>(
      '/api/projects',
      client.projects.$get(
        {
          query: {
            fy: str(q.fy),
            strategy: str(q.strategy),
            zone: str(q.zone),
            stage: q.stage,
            bbox: q.bbox?.join(','),
          },
        },
        { init: { signal } },
      ),
    ),
  trucks: (signal?: AbortSignal) => readJson<TruckCollection>('/api/trucks', client.trucks.$get(undefined, { init: { signal } })),
  sensors: (signal?: AbortSignal) => readJson<SensorCollection>('/api/sensors', client.sensors.$get(undefined, { init: { signal } })),
};

/** deck.gl's tile layers fill in {z}/{x}/{y} themselves, so this stays a URL template, not an hc call. */
export const PARCEL_TILES_URL = '/api/tiles/parcels/{z}/{x}/{y}.mvt';
/** Below this zoom the server sends empty parcel tiles; asking for them would only waste requests. */
export const PARCEL_TILES_MIN_ZOOM = 13;
