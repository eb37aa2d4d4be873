import { alertView, type Viewer } from '../auth/policy.ts';
import type { Alert } from './queries/alerts.ts';

/** What the public sees of an alert: where, what, how bad, since when. No people, no notes. */
type PublicAlert = Pick<
  Alert,
  | 'id'
  | 'sensor_id'
  | 'sensor_code'
  | 'sensor_name_th'
  | 'sensor_name_en'
  | 'zone_id'
  | 'type'
  | 'severity'
  | 'status'
  | 'opened_at'
  | 'updated_at'
  | 'level_m'
  | 'reading_at'
> & { view: 'public' };

export type VisibleAlert = (Alert & { view: 'full' }) | PublicAlert;

/** The alert as this viewer may see it (access policy), or null if they may not see it at all. */
export function alertFor(viewer: Viewer, alert: Alert): VisibleAlert | null {
  const view = alertView(viewer, alert);
  if (view === 'full') return { ...alert, view };
  if (view === null) return null;
  const { id, sensor_id, sensor_code, sensor_name_th, sensor_name_en, zone_id, type, severity, status, opened_at, updated_at, level_m, reading_at } = alert;
  return { id, sensor_id, sensor_code, sensor_name_th, sensor_name_en, zone_id, type, severity, status, opened_at, updated_at, level_m, reading_at, view };
}

export const alertsFor = (viewer: Viewer, alerts: Alert[]): VisibleAlert[] =>
  alerts.map((a) => alertFor(viewer, a)).filter((a): a is VisibleAlert => a !== null);
