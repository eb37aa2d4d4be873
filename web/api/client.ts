/**
 * The one place that knows how the browser talks to the Mueang server.
 *
 * Requests go through Hono's typed client (`hc<ApiType>`), and every response type below is
 * inferred from the server route that sends it: a renamed route, parameter or attribute on the
 * server fails `tsc` here, and nothing is declared twice.
 */
import type { InferRequestType, InferResponseType } from 'hono/client';
import { PERSONAL_PARCEL_ATTRIBUTES } from '../../server/auth/policy.ts';
import { BANDS } from '../../server/flood/rules.ts';
import { LAND_USES } from '../../server/parcels/landUse.ts';
import { STAGES } from '../../server/plan/stages.ts';
import { TRUCK_STATES } from '../../server/waste/queries/trucks.ts';
import { apiClient, ApiError, readJson, str, type Success } from './core.ts';
import type { FloodMessage, FloodSnapshot } from '../../server/flood/live.ts';
import { PICKUP_STATUSES } from '../../server/waste/queries/pickups.ts';
import type { LiveTruck, WasteSnapshot } from '../../server/waste/live.ts';

/**
 * Every request the typed client makes goes through `sessionFetch` (further down): it adds the
 * CSRF header to state-changing requests and notices when a signed-in session has ended.
 */
const client = apiClient('', (input, init) => sessionFetch(input, init));

export { ApiError };
/** The server's own lists (legends, filters and forms show them in this order). */
export { STAGES, TRUCK_STATES, LAND_USES, PERSONAL_PARCEL_ATTRIBUTES, PICKUP_STATUSES };

/** The body a route sends with 200 OK. */
type Ok<Endpoint> = InferResponseType<Endpoint, 200>;

export type BoundaryCollection = Ok<typeof client.boundary.$get>;
type ZoneCollection = Ok<typeof client.zones.$get>;
type CommunityCollection = Ok<typeof client.communities.$get>;
type ProjectCollection = Ok<typeof client.projects.$get>;
type TruckCollection = Ok<typeof client.trucks.$get>;
type SensorCollection = Ok<typeof client.sensors.$get>;
export type Plan = Ok<typeof client.plan.$get>;
/** The plan's evaluation grouped one way, with the plan's total (see server/plan/evaluation.ts). */
type Evaluation = Ok<typeof client.evaluation.$get>;
export type EvaluationRow = Evaluation['rows'][number];
export type EvaluationGrouping = NonNullable<InferRequestType<typeof client.evaluation.$get>['query']['by']>;
export type EvaluationFinding = Ok<typeof client.evaluation.checks.$get>['findings'][number];
/** `POST /api/projects/import`: what a successful import did, and the problems of a refused file. */
export type ImportFormat = InferRequestType<typeof client.projects.import.$post>['json']['format'];
export type ImportSummary = Ok<typeof client.projects.import.$post>;
export type ImportProblem = ApiError['problems'][number];

export type ZoneFeature = ZoneCollection['features'][number];
export type CommunityFeature = CommunityCollection['features'][number];
export type ProjectFeature = ProjectCollection['features'][number];
export type TruckFeature = TruckCollection['features'][number];
export type SensorFeature = SensorCollection['features'][number];

export type ZoneProps = ZoneFeature['properties'];
export type CommunityProps = CommunityFeature['properties'];
export type ProjectProps = ProjectFeature['properties'];
type TruckProps = TruckFeature['properties'];
export type SensorProps = SensorFeature['properties'];
/** A parcel as the REST list describes it. */
type ParcelProps = Ok<typeof client.parcels.$get>['features'][number]['properties'];
/** A parcel in the vector tiles: the attributes but personal data, with `id` as the feature id instead. */
export type ParcelTileProps = Omit<ParcelProps, 'id' | (typeof PERSONAL_PARCEL_ATTRIBUTES)[number]>;
/** One parcel with everything the viewer may see of it (`GET /api/parcels/:id`). */
export type ParcelDetail = Ok<(typeof client.parcels)[':id']['$get']>;

/** Who is signed in (or `user: null`), what they may do, and the CSRF token of their session. */
export type Me = Ok<typeof client.auth.me.$get>;
export type Permissions = Me['permissions'];
export type SignedInUser = NonNullable<Me['user']>;
export type Role = SignedInUser['role'];
/** A project field the server may let a role change. */
export type ProjectField = Permissions['projects']['edit'][number];
/** The body of `PATCH /api/projects/:id`: any subset of the fields the viewer may change. */
export type ProjectChange = InferRequestType<(typeof client.projects)[':id']['$patch']>['json'];
export type AuditRecord = Ok<typeof client.audit.$get>[number];
/** The audit list's filters, as the route's query schema names them (all strings in a URL). */
export type AuditQuery = Partial<Record<Exclude<keyof InferRequestType<typeof client.audit.$get>['query'], 'before_id' | 'limit'>, string>> & {
  before_id?: number;
  limit?: number;
};

/** The flood desk (server/flood/routes.ts). */
export type FloodAlert = Ok<typeof client.alerts.$get>[number];
export type AlertSeverity = FloodAlert['severity'];
export type AlertType = FloodAlert['type'];
export type AlertStatus = FloodAlert['status'];
export type AlertDetail = Ok<(typeof client.alerts)[':id']['$get']>;
/** Who is notified of flood alerts, and in which order (disaster staff and administrators only). */
export type FloodContacts = Ok<typeof client.flood.contacts.$get>;
export type FloodContact = FloodContacts['contacts'][number];
export type EscalationChain = FloodContacts['chains'][number];
export type NewFloodContact = InferRequestType<typeof client.flood.contacts.$post>['json'];
export type FloodContactChange = InferRequestType<(typeof client.flood.contacts)[':id']['$patch']>['json'];
export type ChainStepInput = InferRequestType<(typeof client.flood.chains)[':zone']['$put']>['json']['steps'][number];
export type Affected = Ok<(typeof client.alerts)[':id']['affected']['$get']>;
export type HydrographRange = NonNullable<InferRequestType<(typeof client.sensors)[':code']['readings']['$get']>['query']['range']>;
export type Hydrograph = Ok<(typeof client.sensors)[':code']['readings']['$get']>;
export type HydrographPoint = Hydrograph['points'][number];
/** What an alert action answers: the alert as this viewer now sees it, with its timeline. */
export type AlertActionResult = Ok<(typeof client.alerts)[':id']['acknowledge']['$post']>;
/**
 * `GET /api/live` is a Server-Sent Events stream, which the typed client cannot describe: its
 * messages are typed from the server module that writes them instead.
 */
export type LiveSnapshot = FloodSnapshot;
export type LiveSensor = LiveSnapshot['sensors'][number];
export type LiveMessage = FloodMessage;
export const LIVE_URL = '/api/live';
/** The public Atom feed of CAP 1.2 warnings; a link, not a fetch. */
export const CAP_FEED_URL = `/api${client.flood.cap.$path()}`;

/** Waste collection (server/waste): the live trucks' topic of /api/live, a truck's day, pickups and figures. */
export type { LiveTruck, WasteSnapshot };
export const WASTE_LIVE_URL = `${LIVE_URL}?topics=waste`;
export type TruckDay = Ok<(typeof client.trucks)[':code']['track']['$get']>;
export type TrackStop = TruckDay['stops'][number];
export type PickupCollection = Ok<typeof client.waste.pickups.$get>;
export type PickupStatus = PickupCollection['features'][number]['properties']['status'];
export type WasteSummary = Ok<typeof client.waste.summary.$get>;
export type SummaryRow = WasteSummary['rows'][number];

/** Land and building tax (server/tax): collection figures, arrears, the register's search, a parcel's tax. */
export type TaxCollection = Exclude<Ok<typeof client.tax.collection.$get>, string>;
export type TaxSearchQuery =
  | { zone: string; block?: string; lot?: string }
  | { owner: string }
  | { national_id: string }
  | { community: number }
  | { lon: number; lat: number };
export type TaxSearchAnswer = Ok<typeof client.tax.search.$get>;
export type ParcelTax = Ok<(typeof client.parcels)[':id']['tax']['$get']>;
export type TaxPayment = NonNullable<ParcelTax['bill']>['payments'][number];
type TaxStatus = NonNullable<ParcelProps['tax_status']>;
/** The legend's order: settled, in progress, not yet due, late; then the exempt. */
export const TAX_STATUSES = ['paid', 'part_paid', 'unpaid', 'overdue', 'exempt'] as const satisfies readonly TaxStatus[];

/** Construction sites (server/sites/routes.ts). `GET /api/sites` answers a list, or with `format=geojson` a FeatureCollection. */
type SitesAnswer = Ok<typeof client.sites.$get>;
type SiteList = Extract<SitesAnswer, { sites: unknown }>;
type SiteCollection = Extract<SitesAnswer, { type: 'FeatureCollection' }>;
/** The body of `PUT /api/sites/{id}/inspections/{client_id}` and of `POST /api/inspections/{id}/review`. */
type InspectionInput = InferRequestType<(typeof client.sites)[':id']['inspections'][':client_id']['$put']>['json'];
type ReviewInput = InferRequestType<(typeof client.inspections)[':id']['review']['$post']>['json'];

/**
 * When the server made an answer: its `Date` header. The site workspace's service worker answers
 * from its cache when the network is down or slow (web/sites/sw.ts), and such an answer keeps the
 * header it came with, so the page can say how old what it shows is.
 */
interface Served {
  served_at: string | null;
}

type Answer = Awaited<Parameters<typeof readJson>[0]>;

/** The JSON of a route that answers CSV too (`format=csv`): asked for JSON, a text answer is the server's mistake. */
function jsonOnly<T>(body: T): Exclude<T, string> {
  if (typeof body === 'string') throw new Error('the server answered text where JSON was asked for');
  return body as Exclude<T, string>;
}

async function readServed<R extends Answer>(request: Promise<R>): Promise<{ body: Success<R> } & Served> {
  const response = await request;
  const date = Date.parse(response.headers.get('date') ?? '');
  return { body: await readJson(Promise.resolve(response)), served_at: Number.isNaN(date) ? null : new Date(date).toISOString() };
}

export type Stage = NonNullable<ProjectProps['stage']>;
/**
 * A project's e-Plan stage. Projects of a plan without stages (the integrity plan reports a
 * status instead) have no place on the map; anywhere else they read as planned.
 */
export const projectStage = (project: ProjectProps): Stage => project.stage ?? 'plan';
export type TruckState = TruckProps['state'];
export type LandUse = ParcelProps['land_use'];
/** A sensor's level; `offline` when it has sent no reading at all or has fallen silent. */
export type SensorLevel = NonNullable<SensorProps['level']> | 'offline';

/** A silent sensor's last band is history, not the present: offline wins over any level. */
export const sensorLevel = (sensor: Pick<SensorProps, 'level' | 'offline'>): SensorLevel => (sensor.offline ? 'offline' : (sensor.level ?? 'offline'));

/** The legend's order: the server's bands, then a sensor that has fallen silent. */
export const SENSOR_LEVELS = [...BANDS, 'offline'] as const satisfies readonly SensorLevel[];

export interface ProjectQuery {
  fy?: number;
  strategy?: string;
  zone?: number;
  stage?: Stage;
  bbox?: [number, number, number, number];
}

/**
 * Reference data (boundary, zones, plan…) is read by several components at once: the layer that
 * draws it and the details panel that names things by id. One shared request per key serves
 * them all; it is never aborted, because one unmounting reader must not fail the others.
 */
const referenceCache = new Map<string, Promise<unknown>>();

/**
 * The answers that have come, by the promise that brought them: a promise cannot be asked
 * whether it has settled, and a page whose data was asked for early (web/main.tsx) should draw
 * it in its first render, not one commit and one map frame later (web/api/useResource.ts).
 */
const answers = new WeakMap<Promise<unknown>, unknown>();

function remembered<P extends Promise<unknown>>(promise: P): P {
  promise.then(
    (value) => answers.set(promise, value),
    () => undefined,
  );
  return promise;
}

/** The answer `promise` brought, if it has already come (see `answers`). */
export function answerOf<T>(promise: Promise<T>): { value: T } | undefined {
  return answers.has(promise) ? { value: answers.get(promise) as T } : undefined;
}

function reference<R extends Parameters<typeof readJson>[0]>(key: string, request: () => R): ReturnType<typeof readJson<Awaited<R>>> {
  let pending = referenceCache.get(key) as ReturnType<typeof readJson<Awaited<R>>> | undefined;
  if (!pending) {
    pending = remembered(readJson(request()));
    referenceCache.set(key, pending);
    // A failure must not be remembered, or a reload of the panel could never recover.
    pending.catch(() => referenceCache.delete(key));
  }
  return pending;
}

// ---------------------------------------------------------------------------------------------
// The session, as far as the browser knows it.
//
// The cookie itself is HttpOnly: the page never sees it. What the page keeps is the answer of
// the last `me`, `login` or `logout`: who the server says is signed in and the session's CSRF
// token. The server accepts a state-changing request made with the cookie only if it carries
// that token in a header, which another site cannot read.
// ---------------------------------------------------------------------------------------------

const CSRF_HEADER = 'X-CSRF-Token'; // server/auth/middleware.ts: CSRF_HEADER
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface SessionState {
  /** The last answer about who is signed in; null until the first one arrives. */
  me: Me | null;
  /**
   * Changes whenever the signed-in user changes (sign-in, sign-out, a session that expired).
   * Data hooks and layers key their requests on it, so everything reloads for the new viewer.
   * The first answer does not change it: what loaded before it was requested with the same cookie.
   */
  generation: number;
}

let session: SessionState = { me: null, generation: 0 };
/**
 * The token of the session the browser's cookie belongs to, when that differs from what the page
 * shows (another tab signed in meanwhile): used for one retried sign-in or sign-out, see
 * `adoptCookieSession`, and forgotten as soon as the server's answer is remembered.
 */
let adoptedToken: string | null = null;
const sessionListeners = new Set<() => void>();
const unauthorizedListeners = new Set<() => void>();

/** For `useSyncExternalStore`. */
export function subscribeSession(listener: () => void): () => void {
  sessionListeners.add(listener);
  return () => sessionListeners.delete(listener);
}

/**
 * Live layers' first answers, asked for before the page's code has even loaded (web/main.tsx):
 * each is handed to the first caller that asks for the same, later callers fetch afresh.
 */
const earlyAnswers = new Map<string, Promise<unknown>>();

function firstOr<T>(key: string, request: () => Promise<T>): Promise<T> {
  const early = earlyAnswers.get(key) as Promise<T> | undefined;
  earlyAnswers.delete(key);
  return early ?? request();
}

export function getSession(): SessionState {
  return session;
}

/** Records who the server says is signed in; a different person than before starts a new generation. */
function remember(me: Me): Me {
  const previous = session.me;
  const changed = previous !== null && previous.user?.id !== me.user?.id;
  if (changed) {
    referenceCache.clear();
    earlyAnswers.clear();
  }
  adoptedToken = null;
  session = { me, generation: session.generation + (changed ? 1 : 0) };
  for (const listener of sessionListeners) listener();
  return me;
}

/**
 * A request answered 401 while the page believed someone was signed in: the session has ended
 * on the server (expired, signed out elsewhere, password changed). The auth provider re-reads
 * `me` and tells the person.
 */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

function requestMethod(input: RequestInfo | URL, init?: RequestInit): string {
  return (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
}

function requestPath(input: RequestInfo | URL): string {
  const url = input instanceof Request ? input.url : String(input);
  return new URL(url, window.location.href).pathname;
}

/** The one place where the session meets `fetch` (the site outbox sends its writes through it too). */
export async function sessionFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  let request = init;
  if (UNSAFE_METHODS.has(requestMethod(input, init))) {
    const headers = new Headers(init?.headers);
    const token = adoptedToken ?? session.me?.csrf_token;
    if (token) headers.set(CSRF_HEADER, token);
    // The server takes state-changing requests as JSON only (an empty body included).
    if (!headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
    request = { ...init, headers };
  }
  const signedIn = session.me?.user != null;
  const response = await fetch(input, request);
  // A wrong password also answers 401; that is the sign-in form's business, not an expiry.
  if (response.status === 401 && signedIn && requestPath(input) !== '/api/auth/login') {
    for (const listener of unauthorizedListeners) listener();
  }
  return response;
}

export const api = {
  boundary: () => reference('/api/boundary', () => client.boundary.$get()),
  basemap: () => reference('/api/basemap', () => client.basemap.$get()),
  zones: () => reference('/api/zones', () => client.zones.$get()),
  communities: (zone?: number) => reference(`/api/communities?zone=${zone ?? ''}`, () => client.communities.$get({ query: { zone: str(zone) } })),
  plan: () => reference('/api/plan', () => client.plan.$get({ query: {} })),
  /** Forgets the plan outline, so the next `plan()` reads it again (an import may add fiscal years). */
  forgetPlan: () => {
    referenceCache.delete('/api/plan');
  },
  projects: (q: ProjectQuery = {}, signal?: AbortSignal) => {
    const request = () =>
      readJson(
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
      );
    return Object.values(q).every((v) => v === undefined) ? firstOr('projects', request) : request();
  },
  evaluation: (q: { plan?: string; fy?: number; by: EvaluationGrouping; zone?: number }, signal?: AbortSignal) =>
    readJson(client.evaluation.$get({ query: { plan: q.plan, fy: str(q.fy), by: q.by, zone: str(q.zone) } }, { init: { signal } })),
  /** Links, not fetches: the browser downloads the CSV and opens the printable Form 2 itself. */
  evaluationCsvUrl: (q: { plan?: string; fy?: number; by: EvaluationGrouping; zone?: number }) => {
    return `/api${client.evaluation['export.csv'].$path({ query: { plan: q.plan, fy: str(q.fy), by: q.by, zone: str(q.zone) } })}`;
  },
  form2Url: (q: { plan?: string; fy?: number }) => {
    return `/api${client.evaluation.form2.$path({ query: { plan: q.plan, fy: str(q.fy) } })}`;
  },
  evaluationChecks: (q: { plan?: string; fy?: number } = {}, signal?: AbortSignal) =>
    readJson(client.evaluation.checks.$get({ query: { plan: q.plan, fy: str(q.fy) } }, { init: { signal } })),
  trucks: (signal?: AbortSignal) => firstOr('trucks', () => readJson(client.trucks.$get(undefined, { init: { signal } }))),
  truckDay: (code: string, date: string | undefined, signal?: AbortSignal) =>
    readJson(client.trucks[':code'].track.$get({ param: { code }, query: { date } }, { init: { signal } })),
  pickups: (q: { date?: string; zone?: number }, signal?: AbortSignal) =>
    readJson(client.waste.pickups.$get({ query: { date: q.date, zone: str(q.zone) } }, { init: { signal } })),
  wasteSummary: (q: { date?: string; from?: string; by: 'zone' | 'round' }, signal?: AbortSignal) =>
    readJson(client.waste.summary.$get({ query: { date: q.date, from: q.from, by: q.by } }, { init: { signal } })),
  sensors: (signal?: AbortSignal) => firstOr('sensors', () => readJson(client.sensors.$get(undefined, { init: { signal } }))),
  /** Asks now for the city map's live layers, for their first reader (see earlyAnswers). */
  requestCityLayers: () => {
    const requests = { projects: () => api.projects(), sensors: () => api.sensors(), trucks: () => api.trucks() };
    for (const [key, request] of Object.entries(requests)) {
      const answer = remembered(request());
      // The reader sees a failure; this copy of it is only kept from being reported as unhandled.
      answer.catch(() => undefined);
      earlyAnswers.set(key, answer);
    }
  },

  /** Collected ÷ assessed by zone or community (everyone: never a parcel's). */
  taxCollection: async (q: { year?: number; by: 'zone' | 'community' }, signal?: AbortSignal) =>
    jsonOnly(await readJson(client.tax.collection.$get({ query: { year: str(q.year), by: q.by, format: 'json' } }, { init: { signal } }))),
  /** Links, not fetches: the browser downloads the CSV. */
  taxCollectionCsvUrl: (q: { year?: number; by: 'zone' | 'community' }) =>
    `/api${client.tax.collection.$path({ query: { year: str(q.year), by: q.by, format: 'csv' } })}`,
  taxArrears: async (q: { year?: number; zone?: number }, signal?: AbortSignal) =>
    jsonOnly(await readJson(client.tax.arrears.$get({ query: { year: str(q.year), zone: str(q.zone), format: 'json' } }, { init: { signal } }))),
  taxArrearsCsvUrl: (q: { year?: number; zone?: number }) =>
    `/api${client.tax.arrears.$path({ query: { year: str(q.year), zone: str(q.zone), format: 'csv' } })}`,
  /** Hexagons holding three or more parcels in arrears, with what they owe (tax roles, their zones). */
  taxArrearsHotspots: (q: { year?: number }, signal?: AbortSignal) =>
    readJson(client.tax.arrears.hotspots.$get({ query: { year: str(q.year) } }, { init: { signal } })),
  /** The next part of a tax-map code to choose: zones; a zone's blocks; a block's lots. */
  taxCodes: (q: { zone?: string; block?: string }, signal?: AbortSignal) =>
    readJson(client.tax.codes.$get({ query: { zone: str(q.zone), block: str(q.block) } }, { init: { signal } })),
  /** Parcels by code, owner, national ID, community or a point, with the viewer's attributes. */
  taxSearch: (q: TaxSearchQuery, signal?: AbortSignal) =>
    readJson(
      client.tax.search.$get(
        { query: Object.fromEntries(Object.entries(q).map(([key, value]) => [key, str(value as string | number)])) as Record<keyof typeof q, string> },
        { init: { signal } },
      ),
    ),
  /** A parcel's tax for a year: the calculation, the bill, its payments (tax roles; the read is audited). */
  parcelTax: (id: number, year: number | undefined, signal?: AbortSignal) =>
    readJson(client.parcels[':id'].tax.$get({ param: { id: String(id) }, query: { year: str(year) } }, { init: { signal } })),
  /** The assessment notices of a map zone or block, to print (tax roles; one audited read). */
  taxNotices: (q: { zone: string; block?: string; year?: number }, signal?: AbortSignal) =>
    readJson(client.tax.notices.$get({ query: { zone: q.zone, block: str(q.block), year: str(q.year) } }, { init: { signal } })),
  recordTaxPayment: (billId: number, body: InferRequestType<(typeof client.tax.bills)[':id']['payments']['$post']>['json']) =>
    readJson(client.tax.bills[':id'].payments.$post({ param: { id: String(billId) }, json: body })),

  /** Parcels in a box, with the attributes the viewer may see; one page. */
  parcels: (bbox: readonly [number, number, number, number], signal?: AbortSignal) =>
    readJson(client.parcels.$get({ query: { bbox: bbox.join(','), limit: '200' } }, { init: { signal } })),
  /** One parcel with the viewer's attributes, owners and tax included for those who may see them. */
  parcel: (id: number, signal?: AbortSignal) => readJson(client.parcels[':id'].$get({ param: { id: String(id) } }, { init: { signal } })),
  project: (id: number, signal?: AbortSignal) => readJson(client.projects[':id'].$get({ param: { id: String(id) } }, { init: { signal } })),
  updateProject: (id: number, change: ProjectChange) => readJson(client.projects[':id'].$patch({ param: { id: String(id) }, json: change })),
  /** All or nothing: a refused file throws an ApiError with every problem in `problems`. */
  importProjects: (body: { format: ImportFormat; content: string; filename?: string }) => readJson(client.projects.import.$post({ json: body })),
  audit: (q: AuditQuery = {}, signal?: AbortSignal) =>
    readJson(
      client.audit.$get(
        {
          query: {
            actor: str(q.actor),
            entity: str(q.entity),
            entity_id: str(q.entity_id),
            action: str(q.action),
            from: str(q.from),
            to: str(q.to),
            before_id: str(q.before_id),
            limit: str(q.limit),
          },
        },
        { init: { signal } },
      ),
    ),

  alerts: (state: 'wall' | 'active' | 'all' = 'wall', signal?: AbortSignal) => readJson(client.alerts.$get({ query: { state } }, { init: { signal } })),
  alert: (id: number, signal?: AbortSignal) => readJson(client.alerts[':id'].$get({ param: { id: String(id) } }, { init: { signal } })),
  /** Who and what lies where the alert's water would go: the catchment if drawn, else a circle. */
  affected: (id: number, signal?: AbortSignal) =>
    readJson(client.alerts[':id'].affected.$get({ param: { id: String(id) }, query: { basis: 'auto' } }, { init: { signal } })),
  readings: (code: string, range: HydrographRange, signal?: AbortSignal) =>
    readJson(client.sensors[':code'].readings.$get({ param: { code }, query: { range } }, { init: { signal } })),
  acknowledgeAlert: (id: number, note?: string) => readJson(client.alerts[':id'].acknowledge.$post({ param: { id: String(id) }, json: { note } })),
  resolveAlert: (id: number, note?: string) => readJson(client.alerts[':id'].resolve.$post({ param: { id: String(id) }, json: { note } })),
  closeAlert: (id: number, note?: string) => readJson(client.alerts[':id'].close.$post({ param: { id: String(id) }, json: { note } })),
  noteAlert: (id: number, note: string) => readJson(client.alerts[':id'].notes.$post({ param: { id: String(id) }, json: { note } })),
  /** `assignee` is a username; null takes the alert off whoever had it. */
  assignAlert: (id: number, assignee: string | null) => readJson(client.alerts[':id'].assign.$post({ param: { id: String(id) }, json: { assignee } })),

  floodContacts: (signal?: AbortSignal) => readJson(client.flood.contacts.$get(undefined, { init: { signal } })),
  createFloodContact: (contact: NewFloodContact) => readJson(client.flood.contacts.$post({ json: contact })),
  updateFloodContact: (id: number, change: FloodContactChange) => readJson(client.flood.contacts[':id'].$patch({ param: { id: String(id) }, json: change })),
  /** Replaces one chain (`city`: the default every zone without its own uses); answers every chain. */
  saveEscalationChain: (zone: 'city' | number, steps: ChainStepInput[]) =>
    readJson(client.flood.chains[':zone'].$put({ param: { zone: String(zone) }, json: { steps } })),

  /** Sites in the viewer's zones, what needs attention first, and when the server made the list (`servedAt`). */
  sites: async (signal?: AbortSignal): Promise<SiteList & Served> => {
    const { body, served_at } = await readServed(client.sites.$get({ query: { format: 'json' } }, { init: { signal } }));
    if (!('sites' in body)) throw new Error('GET /api/sites answered something other than a list of sites');
    return { ...body, served_at };
  },
  /** The same sites as a FeatureCollection, for maps. */
  sitesGeoJson: async (signal?: AbortSignal): Promise<SiteCollection> => {
    const body = await readJson(client.sites.$get({ query: { format: 'geojson' } }, { init: { signal } }));
    if (!('features' in body)) throw new Error('GET /api/sites?format=geojson answered something other than a FeatureCollection');
    return body;
  },
  /** One site with its planned curve and its inspections (defects, photos, reviews), newest first. */
  site: async (id: number, signal?: AbortSignal) => {
    const { body, served_at } = await readServed(client.sites[':id'].$get({ param: { id: String(id) } }, { init: { signal } }));
    return { ...body, served_at };
  },
  /** Written under the client's id: sent again (a lost answer), it changes nothing. 201 new, 200 the same or resubmitted. */
  putInspection: (siteId: number, id: string, body: InspectionInput) =>
    readJson(client.sites[':id'].inspections[':client_id'].$put({ param: { id: String(siteId), client_id: id }, json: body })),
  review: (id: string, body: ReviewInput) => readJson(client.inspections[':id'].review.$post({ param: { id }, json: body })),
  closeDefect: (id: string) => readJson(client.defects[':id'].$patch({ param: { id }, json: { status: 'closed' } })),
  /** Sites, late sites and average delay per zone, for the plan evaluation. */
  sitesSummary: (signal?: AbortSignal) => readJson(client.sites.summary.$get({ query: { by: 'zone' } }, { init: { signal } })),

  me: async () => remember(await readJson(client.auth.me.$get())),
  /**
   * Takes the CSRF token of whatever session the cookie now carries, without changing who the
   * page shows as signed in: a sign-in or sign-out refused for a stale token (403) can then be
   * retried, with no flash of the other tab's person in between.
   */
  adoptCookieSession: async () => {
    const me = await readJson(client.auth.me.$get());
    adoptedToken = me.csrf_token;
  },
  login: async (username: string, password: string) => remember(await readJson(client.auth.login.$post({ json: { username, password } }))),
  logout: async () => remember(await readJson(client.auth.logout.$post())),
};

/** deck.gl's tile layers fill in {z}/{x}/{y} themselves, so this stays a URL template, not an hc call. */
export const PARCEL_TILES_URL = '/api/tiles/parcels/{z}/{x}/{y}.mvt';
/** The zooms the server has tiles for (blocks, then parcels): other zooms would only waste requests. */
export { BLOCKS_MIN_ZOOM as PARCEL_TILES_MIN_ZOOM, DETAIL_ZOOM as PARCEL_TILES_MAX_ZOOM } from '../../server/parcels/tileZooms.ts';
