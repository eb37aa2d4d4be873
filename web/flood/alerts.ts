import {
  sensorLevel,
  type Affected,
  type AlertSeverity,
  type AlertStatus,
  type FloodAlert,
  type Permissions,
  type SensorLevel,
  type SensorProps,
} from '../api/client.ts';
import { SENSOR_LEVEL_COLORS } from '../map/palette.ts';

export const SEVERITY_RANK: Record<AlertSeverity, number> = { watch: 1, warning: 2, critical: 3 };

export const isActive = (alert: { status: AlertStatus }) => alert.status === 'open' || alert.status === 'acknowledged';

/** The wall's order, as the server sorts it: active first, the most severe first, then the oldest. */
export function sortWall(alerts: FloodAlert[]): FloodAlert[] {
  return [...alerts].sort(
    (a, b) =>
      Number(isActive(b)) - Number(isActive(a)) ||
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      a.opened_at.localeCompare(b.opened_at) ||
      a.id - b.id,
  );
}

/** An alert's colour is its severity's on the sensor scale: yellow, orange, red. */
export const severityColor = (severity: AlertSeverity): string => SENSOR_LEVEL_COLORS[severity];

/** Whether to offer acting on an alert: the server checks again, this only avoids offering what it refuses. */
export function canHandle(permissions: Permissions, alert: FloodAlert): boolean {
  if (!permissions.alerts.handle || alert.view !== 'full') return false;
  return permissions.zones === null || permissions.zones.includes(alert.zone_id);
}

/** What the public may see of an alert: active orange and red water, never a silent sensor. */
export const isPublicWarning = (alert: FloodAlert): boolean =>
  isActive(alert) && alert.type !== 'offline' && (alert.severity === 'warning' || alert.severity === 'critical');

/** The alert changes that mean "it is red now, and it was not a moment ago". */
export const RED_ARRIVALS = new Set(['opened', 'raised', 'reopened']);

/**
 * Worse levels draw bigger, so a critical sump is the first thing the eye finds. In pixels: in
 * metres every circle would hit the same minimum size at city zoom and the order would vanish.
 */
export const SENSOR_RADIUS_PX: Record<SensorLevel, number> = { offline: 5, normal: 6, watch: 8, warning: 9.5, critical: 11 };
export const LEVEL_ORDER: Record<SensorLevel, number> = { offline: 0, normal: 1, watch: 2, warning: 3, critical: 4 };

/** Draw the worst last so an alert is never buried under a neighbouring "normal". */
export function worstLast<S extends { properties: Pick<SensorProps, 'level' | 'offline'> }>(features: S[]): S[] {
  return [...features].sort((a, b) => LEVEL_ORDER[sensorLevel(a.properties)] - LEVEL_ORDER[sensorLevel(b.properties)]);
}

/** Where the water of an alert would go, as the desk and the public page draw it. */
export interface AffectedArea {
  alertId: number;
  severity: AlertSeverity;
  area: Affected['area'];
}
