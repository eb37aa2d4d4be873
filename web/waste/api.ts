/**
 * The waste collection endpoints of issue 13 (the track, the pickup points, the served figures
 * and the live stream's waste topic), as the contract (/work/prompts15/contract.md) shapes them.
 *
 * Their server routes were written alongside this page, on other branches: until they are on
 * this one, the typed client (web/api/client.ts, `hc`) cannot infer their answers, so they are
 * declared here and fetched through the session's fetch. Once merged, these become `client.…`
 * calls and these declarations go. The city map imports this module too: it holds nothing heavy.
 */
import type { FeatureCollection, Point } from 'geojson';
import { ApiError, sessionFetch, type TRUCK_STATES } from '../api/client.ts';

export type TruckState = (typeof TRUCK_STATES)[number];

/** A truck as `/api/trucks` describes it, with its position (the live stream's shape). */
export interface LiveTruck {
  id: number;
  code: string;
  plate: string;
  name_th: string;
  name_en: string;
  zone_id: number;
  recorded_at: string;
  speed_kmh: number;
  heading_deg: number;
  state: TruckState;
  round: { id: number; code: string } | null;
  lon: number;
  lat: number;
}

export interface WasteSnapshot {
  at?: string;
  trucks: LiveTruck[];
  waste: { offline_after_s: number };
}

export const WASTE_LIVE_URL = '/api/live?topics=waste';

interface TrackTrip {
  started_at: string;
  ended_at: string;
  duration_s: number;
  distance_m: number;
  max_speed_kmh: number;
  avg_speed_kmh: number;
  from: [number, number];
  to: [number, number];
}

export interface TrackStop {
  started_at: string;
  ended_at: string;
  duration_s: number;
  lon: number;
  lat: number;
}

interface TrackSummary {
  distance_m: number;
  moving_s: number;
  stopped_s: number;
  max_speed_kmh: number;
  avg_speed_kmh: number;
  stops: number;
}

/** One truck's Bangkok day: `GET /api/trucks/{code}/track?date=`. */
export interface TruckDay {
  truck: { id: number; code: string; plate: string; name_th: string; name_en: string; zone_id: number };
  date: string;
  from: string;
  to: string;
  /** Columns, not rows: a day at one fix every 30 s is 2,880 of each. */
  track: { t: number[]; lon: number[]; lat: number[]; speed_kmh: number[] };
  trips: TrackTrip[];
  stops: TrackStop[];
  summary: TrackSummary;
}

export const PICKUP_STATUSES = ['served', 'late', 'missed', 'pending'] as const;
export type PickupStatus = (typeof PICKUP_STATUSES)[number];

interface PickupProps {
  id: number;
  round_id: number;
  round_code: string;
  zone_id: number;
  seq: number;
  kind: string;
  name_th: string;
  name_en: string;
  window_start: string;
  window_end: string;
  status: PickupStatus;
  served_at: string | null;
  dwell_s: number | null;
}
export type PickupCollection = FeatureCollection<Point, PickupProps>;

export interface SummaryRow {
  zone_id: number;
  round_id?: number;
  round_code?: string;
  served: number;
  late: number;
  missed: number;
  pending: number;
  total: number;
  served_pct: number | null;
}
export interface WasteSummary {
  from: string;
  to: string;
  by: 'zone' | 'round';
  rows: SummaryRow[];
}

async function getJson<T>(path: string, query: Record<string, string | number | undefined>, signal?: AbortSignal): Promise<T> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, String(value));
  const search = params.toString();
  const response = await sessionFetch(`/api${path}${search ? `?${search}` : ''}`, { signal });
  if (!response.ok) throw await ApiError.of(response);
  return (await response.json()) as T;
}

export const wasteApi = {
  track: (code: string, date: string | undefined, signal?: AbortSignal) => getJson<TruckDay>(`/trucks/${encodeURIComponent(code)}/track`, { date }, signal),
  pickups: (q: { date?: string; zone?: number }, signal?: AbortSignal) => getJson<PickupCollection>('/waste/pickups', q, signal),
  summary: (q: { date?: string; from?: string; by: 'zone' | 'round' }, signal?: AbortSignal) => getJson<WasteSummary>('/waste/summary', q, signal),
};
