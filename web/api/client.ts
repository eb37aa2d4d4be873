/**
 * The one place that knows how the browser talks to the Mueang server.
 *
 * Requests go through Hono's typed client (`hc<ApiType>`), so a renamed route or query parameter
 * on the server fails `tsc` here. The result types below are the documented API shapes; they are
 * declared rather than inferred so the map code does not depend on how the server builds its JSON.
 */
import { hc } from 'hono/client';
import type {
  Feature,
  FeatureCollection,
  LineString,
  MultiLineString,
  MultiPolygon,
  Point,
  Polygon,
} from 'geojson';
import type { ApiType } from '../../server/app.ts';

export type Stage = 'plan' | 'approved' | 'contracted' | 'disbursed';
export type SensorLevel = 'normal' | 'watch' | 'warning' | 'critical' | 'offline';
export type TruckStatus = 'collecting' | 'driving' | 'idle' | 'depot';
export type LandUse = 'residential' | 'commercial' | 'mixed' | 'public' | 'agricultural' | 'vacant';
export type BasemapKind = 'lake' | 'road' | 'railway';

export const STAGES: readonly Stage[] = ['plan', 'approved', 'contracted', 'disbursed'];
export const SENSOR_LEVELS: readonly SensorLevel[] = ['normal', 'watch', 'warning', 'critical', 'offline'];
export const TRUCK_STATUSES: readonly TruckStatus[] = ['collecting', 'driving', 'idle', 'depot'];
export const LAND_USES: readonly LandUse[] = [
  'residential', 'commercial', 'mixed', 'public', 'agricultural', 'vacant',
];

export interface Named {
  name_th: string;
  name_en: string;
}

export interface Health {
  ok: boolean;
  db: 'embedded' | 'postgis';
}

export interface BoundaryProps extends Named {
  area_km2: number;
}

export interface BasemapProps extends Named {
  kind: BasemapKind;
}

export interface ZoneProps extends Named {
  id: number;
  area_km2: number;
  households: number;
  population: number;
  communities: number;
  label_lon: number;
  label_lat: number;
}

export interface CommunityProps extends Named {
  id: number;
  zone_id: number;
  households: number;
  population: number;
  label_lon: number;
  label_lat: number;
}

export interface Mission extends Named {
  id: string;
}

export interface Strategy extends Named {
  id: string;
  mission_id: string;
}

export interface Plan {
  missions: Mission[];
  strategies: Strategy[];
  fiscal_years: number[];
}

export interface ProjectProps extends Named {
  id: number;
  code: string;
  /** Buddhist Era, e.g. 2561. */
  fiscal_year: number;
  strategy_id: string;
  mission_id: string;
  division_th: string;
  division_en: string;
  stage: Stage;
  budget: number | null;
  approved_amount: number | null;
  contract_amount: number | null;
  disbursed_amount: number | null;
  /** ISO date. */
  as_of: string | null;
  zone_id: number | null;
  community_id: number | null;
}

export interface TruckProps extends Named {
  id: number;
  code: string;
  plate: string;
  zone_id: number | null;
  recorded_at: string;
  speed_kmh: number | null;
  heading_deg: number | null;
  status: TruckStatus;
}

export interface SensorProps extends Named {
  id: number;
  code: string;
  kind: 'siren' | 'sump';
  recorded_at: string | null;
  level_m: number | null;
  rain_mm: number | null;
  level: SensorLevel;
  watch_m: number;
  warning_m: number;
  critical_m: number;
}

/** Attributes of the `parcels` layer in the vector tiles. */
export interface ParcelProps {
  id: number;
  parcel_no: string;
  land_use: LandUse;
  area_m2: number;
  zone_id: number | null;
  community_id: number | null;
}

type Area = Polygon | MultiPolygon;

export type BoundaryFeature = Feature<Area, BoundaryProps>;
export type BasemapFeature = Feature<Area | LineString | MultiLineString, BasemapProps>;
export type ZoneFeature = Feature<Area, ZoneProps>;
export type CommunityFeature = Feature<Area, CommunityProps>;
export type ProjectFeature = Feature<Point | LineString | MultiLineString | Area, ProjectProps>;
export type TruckFeature = Feature<Point, TruckProps>;
export type SensorFeature = Feature<Point, SensorProps>;

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

const client = hc<ApiType>('/api');

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

/** The boundary is documented as one Feature; accept it wrapped in a collection too. */
function singleFeature(body: BoundaryFeature | FeatureCollection<Area, BoundaryProps>): BoundaryFeature {
  if (body.type === 'Feature') return body;
  const [first] = body.features;
  if (!first) throw new ApiError('/api/boundary: no boundary feature', 200);
  return first;
}

/** Query strings are strings: drop unset filters, stringify the rest. */
function str(value: number | string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : String(value);
}

export const api = {
  health: (signal?: AbortSignal) => readJson<Health>('/api/health', client.health.$get(undefined, { init: { signal } })),
  boundary: () =>
    reference<BoundaryFeature | FeatureCollection<Area, BoundaryProps>>('/api/boundary', () =>
      client.boundary.$get(),
    ).then(singleFeature),
  basemap: () =>
    reference<FeatureCollection<BasemapFeature['geometry'], BasemapProps>>('/api/basemap', () => client.basemap.$get()),
  zones: () => reference<FeatureCollection<Area, ZoneProps>>('/api/zones', () => client.zones.$get()),
  communities: (zone?: number) =>
    reference<FeatureCollection<Area, CommunityProps>>(`/api/communities?zone=${zone ?? ''}`, () =>
      client.communities.$get({ query: { zone: str(zone) } }),
    ),
  plan: () => reference<Plan>('/api/plan', () => client.plan.$get()),
  projects: (q: ProjectQuery = {}, signal?: AbortSignal) =>
    readJson<FeatureCollection<ProjectFeature['geometry'], ProjectProps>>(
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
  trucks: (signal?: AbortSignal) =>
    readJson<FeatureCollection<Point, TruckProps>>('/api/trucks', client.trucks.$get(undefined, { init: { signal } })),
  sensors: (signal?: AbortSignal) =>
    readJson<FeatureCollection<Point, SensorProps>>('/api/sensors', client.sensors.$get(undefined, { init: { signal } })),
};

/** deck.gl's tile layers fill in {z}/{x}/{y} themselves, so this stays a URL template, not an hc call. */
export const PARCEL_TILES_URL = '/api/tiles/parcels/{z}/{x}/{y}.mvt';
/** Below this zoom the server sends empty parcel tiles; asking for them would only waste requests. */
export const PARCEL_TILES_MIN_ZOOM = 13;
