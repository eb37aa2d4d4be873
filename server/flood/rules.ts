/**
 * The flood rules, as pure functions: which colour a level is, whether water is rising fast,
 * and what an edge in a condition does to the alert that watches it. The engine feeds them
 * readings in time order and writes what they decide.
 */

export const BANDS = ['normal', 'watch', 'warning', 'critical'] as const;
export type Band = (typeof BANDS)[number];
/** An alert's colour: every band but normal, least severe first. */
const SEVERITIES = ['watch', 'warning', 'critical'] as const satisfies readonly Band[];
export type Severity = (typeof SEVERITIES)[number];
const ALERT_TYPES = ['level', 'rise', 'offline'] as const;
export type AlertType = (typeof ALERT_TYPES)[number];
const ALERT_STATUSES = ['open', 'acknowledged', 'resolved', 'closed'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];
export type ConditionChange = 'opened' | 'raised' | 'lowered' | 'resolved' | 'reopened';

const rank = (band: Band): number => BANDS.indexOf(band);

export interface Thresholds {
  watch_m: number;
  warning_m: number;
  critical_m: number;
  hysteresis_m: number;
}

/**
 * The band a level puts a sensor in, given the band it was in. Rising, a line counts as soon
 * as the water reaches it; falling, the water must drop `hysteresis_m` below a line before the
 * band drops, so a level hovering at a line does not flap between two colours.
 */
export function nextBand(current: Band, level: number, t: Thresholds): Band {
  const lines = [t.watch_m, t.warning_m, t.critical_m];
  const reached = lines.filter((line) => level >= line).length;
  if (reached >= rank(current)) return BANDS[reached] as Band;
  const held = lines.slice(0, rank(current)).filter((line) => level > line - t.hysteresis_m).length;
  return BANDS[held] as Band;
}

export interface RiseRule {
  rise_m: number;
  hysteresis_m: number;
}

/**
 * Rate-of-rise: the water has come up `rise_m` or more above its lowest point within the
 * window. It stays "rising" until the rise over the window drops `hysteresis_m` below that.
 */
export function nextRising(wasRising: boolean, riseOverWindow: number, rule: RiseRule): boolean {
  return wasRising ? riseOverWindow > rule.rise_m - rule.hysteresis_m : riseOverWindow >= rule.rise_m - 1e-9;
}

/** Each alert type's severity while its condition holds; null while it does not. */
export const conditionSeverity = {
  level: (band: Band): Severity | null => (band === 'normal' ? null : band),
  // Water coming up fast is orange whatever the level: there is still time to act.
  rise: (rising: boolean): Severity | null => (rising ? 'warning' : null),
  // A silent sensor is a blind spot, not a flood.
  offline: (offline: boolean): Severity | null => (offline ? 'watch' : null),
} as const;

export interface AlertSnapshot {
  severity: Severity;
  status: AlertStatus;
}

const isActive = (alert: AlertSnapshot | null): boolean => alert !== null && (alert.status === 'open' || alert.status === 'acknowledged');

/**
 * What an edge in a condition (from one severity to another, null: not holding) does to the
 * sensor's alert of that type: an alert rises and falls with the condition instead of
 * multiplying, is resolved when the condition ends, and one resolved but not yet closed is
 * reopened if the condition comes back. Alerts react to changes only, so an alert a person
 * resolved by hand stays resolved until the situation gets worse again.
 */
export function alertChange(alert: AlertSnapshot | null, from: Severity | null, to: Severity | null): ConditionChange | null {
  if (from === to) return null;
  if (to === null) return isActive(alert) ? 'resolved' : null;
  const worse = from === null || rank(to) > rank(from);
  if (alert && isActive(alert)) {
    if (rank(to) > rank(alert.severity)) return 'raised';
    if (rank(to) < rank(alert.severity)) return 'lowered';
    return null;
  }
  if (!worse) return null;
  return alert?.status === 'resolved' ? 'reopened' : 'opened';
}
