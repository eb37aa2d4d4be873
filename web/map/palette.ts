import type { LandUse, SensorLevel, Stage, TruckState } from '../api/client.ts';

export type RGBA = [number, number, number, number];

export function hexToRgba(hex: string, alpha = 255): RGBA {
  const value = Number.parseInt(hex.replace('#', ''), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255, alpha];
}

/**
 * Zones are context, not the message: low-saturation hues that stay readable under everything
 * else. Four zones, four hues far apart on the wheel so neighbours never look alike.
 */
export const ZONE_COLORS: Record<number, string> = {
  1: '#6f9fc0',
  2: '#8fb77c',
  3: '#d2a95f',
  4: '#b08cc0',
};
const ZONE_FALLBACK = '#9aa0a6';

export function zoneColor(zoneId: number | null | undefined): string {
  return (zoneId !== null && zoneId !== undefined && ZONE_COLORS[zoneId]) || ZONE_FALLBACK;
}

/**
 * Project stages are a progression (plan → money spent), so one sequential purple-to-navy ramp;
 * it also keeps projects clear of the traffic-light colours reserved for flood alerts.
 */
export const STAGE_COLORS: Record<Stage, string> = {
  plan: '#b9a7dc',
  approved: '#8a6cc8',
  contracted: '#5143a6',
  disbursed: '#1f2a6b',
};

/**
 * Flood alert colours follow the usual warning convention so nobody needs the legend twice.
 * "Normal" is a quiet blue-grey rather than green: on a flood desk only trouble should shout,
 * and green would read as one more zone tint.
 */
export const SENSOR_LEVEL_COLORS: Record<SensorLevel, string> = {
  normal: '#5f7a94',
  watch: '#facc15',
  warning: '#f08c00',
  critical: '#dc2626',
  offline: '#8d939a',
};

export const TRUCK_STATE_COLORS: Record<TruckState, string> = {
  moving: '#0f8a7e',
  stopped: '#e67700',
  depot: '#6c737a',
  offline: '#8d939a',
};

/** Pale, map-like land-use tints: parcels are dense, so their fill must whisper. */
export const LAND_USE_COLORS: Record<LandUse, string> = {
  residential: '#f2d38a',
  commercial: '#ef8a8a',
  mixed: '#e2a6d8',
  public: '#86b6e8',
  agricultural: '#a9d58a',
  vacant: '#d5d5d5',
};

export const BASE_COLORS = {
  background: '#eceae4',
  cityFill: '#faf8f3',
  boundary: '#7a5c3a',
  water: '#a9cfe6',
  waterOutline: '#7db3d6',
  road: '#ffffff',
  roadCasing: '#cbc3b4',
  // Local streets: darker than the city's fill (white would vanish on it), lighter than a road's casing.
  street: '#e2dacb',
  railway: '#8a8580',
};

export const SELECTION_COLOR: RGBA = [17, 17, 17, 255];

/**
 * Construction sites on the city map: a late one is red, ringed dark (a flood sensor's red has a
 * white rim), an on-schedule one a quiet grey ring that stays out of the way.
 */
export const SITE_COLORS = {
  late: '#e03131',
  lateRim: '#7a0c0c',
  onTime: '#868e96',
};

/**
 * A parcel's tax status on the tax map: paid green, part-paid amber, overdue red (what needs
 * chasing shouts), unpaid a quiet grey-blue (not yet due: nothing wrong), exempt a light grey.
 */
export const TAX_STATUS_COLORS = {
  paid: '#2f9e44',
  part_paid: '#f59f00',
  unpaid: '#748ba3',
  overdue: '#e03131',
  exempt: '#d9d9d9',
} as const;
