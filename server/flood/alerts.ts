import type { Queryable } from '../db/index.ts';
import { publish } from '../live/hub.ts';
import { deliverAt } from './notify/quietHours.ts';
import type { NotificationReason } from './notify/message.ts';
import {
  acknowledgeAlert,
  alertState,
  assignAlert,
  cancelPendingNotifications,
  chainFor,
  closeAlert,
  insertAlert,
  insertEvents,
  insertNotifications,
  overdueAlerts,
  patchAlert,
  resolveAlert,
  type AlertPatch,
  type ChainStep,
  type CurrentAlert,
  type EventRow,
  type NotificationRow,
} from './queries/alerts.ts';
import { BANDS, type AlertStatus, type AlertType, type ConditionChange, type Severity } from './rules.ts';

/**
 * What changes to alerts write, gathered and written in a few set-based statements: one batch
 * of readings can move an alert hundreds of times, and one round trip per move made a
 * 5,000-reading batch take most of a minute. Entries keep the order they were made in.
 */
export class AlertWrites {
  private readonly events: EventRow[] = [];
  private readonly notifications: NotificationRow[] = [];
  private readonly patches = new Map<number, AlertPatch>();
  /** Alerts whose notifications still held back from before these writes are cancelled. */
  private readonly cancelHeld = new Set<number>();

  event(row: Partial<EventRow> & Pick<EventRow, 'alert_id' | 'at' | 'change' | 'was'>): void {
    this.events.push({ severity: null, level_m: null, user_id: null, contact_id: null, note: null, ...row });
  }

  /** Queues a notification per contact; quiet hours hold back all but red (see deliverAt). */
  notify(alertId: number, steps: ChainStep[], reason: NotificationReason, severity: Severity, now: Date): void {
    for (const step of steps) {
      const quiet = step.quiet_from && step.quiet_to ? { from: step.quiet_from, to: step.quiet_to } : null;
      this.notifications.push({
        alert_id: alertId,
        contact_id: step.contact_id,
        reason,
        severity,
        created_at: now,
        due_at: deliverAt(now, severity, quiet),
        cancelled: false,
      });
    }
  }

  /** Drops the alert's notifications that are held back (pending), those queued here included. */
  cancelHeldNotifications(alertId: number): void {
    this.cancelHeld.add(alertId);
    for (const n of this.notifications) if (n.alert_id === alertId) n.cancelled = true;
  }

  patch(alertId: number, patch: AlertPatch): void {
    const merged = { ...this.patches.get(alertId), ...patch };
    const peak = this.patches.get(alertId)?.peak;
    if (peak && (!patch.peak || BANDS.indexOf(peak) > BANDS.indexOf(patch.peak))) merged.peak = peak;
    this.patches.set(alertId, merged);
  }

  async flush(tx: Queryable): Promise<void> {
    for (const [id, patch] of this.patches) await patchAlert(tx, id, patch);
    if (this.cancelHeld.size) await cancelPendingNotifications(tx, [...this.cancelHeld]);
    if (this.notifications.length) await insertNotifications(tx, this.notifications);
    const e = this.events;
    if (e.length) await insertEvents(tx, e);
    // PostgreSQL delivers identical payloads of one transaction once: sending each once is the same.
    const messages = [...new Set(e.map((r) => JSON.stringify({ topic: 'alert', alert_id: r.alert_id, change: r.change, was: r.was })))];
    for (const message of messages) await publish(tx, JSON.parse(message) as object);
    this.events.length = 0;
    this.notifications.length = 0;
    this.patches.clear();
    this.cancelHeld.clear();
  }
}

const deadline = (now: Date, step: ChainStep | undefined) => (step ? new Date(now.getTime() + step.ack_within_s * 1000).toISOString() : null);

export interface ConditionEdge {
  sensorId: number;
  type: AlertType;
  change: ConditionChange;
  severity: Severity | null;
  /** When the water (or the silence) did it: the reading's time. */
  at: Date;
  level_m: number | null;
  /** When the server learnt of it: escalation deadlines run from here. */
  now: Date;
}

/**
 * What a condition's edge does to its alert (see rules.alertChange), with its timeline entry
 * (at the reading's time: when the water did it), the notifications it queues and the live
 * event it announces, gathered in `writes` (only opening an alert is written at once: it needs
 * its id). `chain` is the sensor's escalation chain. Returns the alert's state afterwards, for
 * the next edge in the same batch.
 */
export async function applyConditionChange(
  tx: Queryable,
  writes: AlertWrites,
  chain: ChainStep[],
  alert: CurrentAlert | null,
  edge: ConditionEdge,
): Promise<CurrentAlert | null> {
  const { change, now } = edge;
  const severity = edge.severity as Severity;
  const at = edge.at.toISOString();
  if (change === 'opened') {
    const id = await insertAlert(tx, {
      sensorId: edge.sensorId,
      type: edge.type,
      severity,
      at,
      now: now.toISOString(),
      level_m: edge.level_m,
      next_escalation_at: deadline(now, chain[0]),
    });
    writes.event({ alert_id: id, at: edge.at, change, was: null, severity, level_m: edge.level_m, contact_id: chain[0]?.contact_id ?? null });
    writes.notify(id, chain.slice(0, 1), 'opened', severity, now);
    return { id, severity, status: 'open', escalation_step: 0 };
  }
  if (!alert) return null;
  const was = { severity: alert.severity, status: alert.status };
  if (change === 'lowered') {
    writes.patch(alert.id, { severity, updated_at: now.toISOString(), level_m: edge.level_m, reading_at: at });
    writes.event({ alert_id: alert.id, at: edge.at, change, was, severity, level_m: edge.level_m });
    return { ...alert, severity };
  }
  if (change === 'resolved') {
    // A silent sensor's alert resolves without a level: the last one stays on the alert.
    writes.patch(alert.id, {
      status: 'resolved',
      resolved_at: at,
      updated_at: now.toISOString(),
      next_escalation_at: null,
      ...(edge.level_m === null ? {} : { level_m: edge.level_m, reading_at: at }),
    });
    writes.cancelHeldNotifications(alert.id);
    writes.event({ alert_id: alert.id, at: edge.at, change, was, severity: alert.severity, level_m: edge.level_m });
    return { ...alert, status: 'resolved' };
  }
  // Raised or reopened: worse than what anyone acknowledged, so it needs acknowledging again,
  // and everyone already told in the chain hears of it; the escalation clock starts over.
  // A reopened alert starts the chain again; a raised one carries on from where it got to.
  const step = alert.status === 'resolved' ? 0 : alert.escalation_step;
  writes.patch(alert.id, {
    severity,
    status: 'open',
    escalation_step: step,
    next_escalation_at: deadline(now, chain[step]),
    peak: severity,
    unacknowledge: true,
    resolved_at: null,
    updated_at: now.toISOString(),
    level_m: edge.level_m,
    reading_at: at,
  });
  writes.event({ alert_id: alert.id, at: edge.at, change, was, severity, level_m: edge.level_m });
  writes.notify(alert.id, chain.slice(0, step + 1), change, severity, now);
  return { ...alert, severity, status: 'open', escalation_step: step };
}

/** Loads the sensor's chain once, when a change first needs it. */
export const chainLoader = (tx: Queryable, sensorId: number) => {
  let chain: Promise<ChainStep[]> | null = null;
  return () => (chain ??= chainFor(tx, sensorId));
};

/**
 * Every open alert whose acknowledgement deadline has passed moves one step down its chain:
 * the next contact is told and gets their own deadline. At the end of the chain it stays open,
 * with no further deadline. SKIP LOCKED lets several processes sweep without doubling a step.
 */
export async function escalateOverdue(tx: Queryable, now: Date): Promise<number[]> {
  const due = await overdueAlerts(tx, now);
  const escalated: number[] = [];
  const writes = new AlertWrites();
  for (const alert of due) {
    const chain = await chainFor(tx, alert.sensor_id);
    const next = chain[alert.escalation_step + 1];
    writes.patch(alert.id, {
      escalation_step: next ? alert.escalation_step + 1 : alert.escalation_step,
      next_escalation_at: deadline(now, next),
      updated_at: now.toISOString(),
    });
    if (!next) continue;
    writes.event({ alert_id: alert.id, at: now, change: 'escalated', was: { severity: alert.severity, status: 'open' }, contact_id: next.contact_id });
    writes.notify(alert.id, [next], 'escalated', alert.severity, now);
    escalated.push(alert.id);
  }
  await writes.flush(tx);
  return escalated;
}

export type AlertAction =
  | { action: 'acknowledge'; note?: string }
  | { action: 'resolve'; note?: string }
  | { action: 'close'; note?: string }
  | { action: 'assign'; assignee_id: number | null }
  | { action: 'note'; note: string };

/** The statuses an action may start from; anything else is a conflict (409). */
export const ACTION_FROM: Record<AlertAction['action'], readonly AlertStatus[]> = {
  acknowledge: ['open'],
  resolve: ['open', 'acknowledged'],
  close: ['resolved'],
  assign: ['open', 'acknowledged', 'resolved'],
  note: ['open', 'acknowledged', 'resolved', 'closed'],
};

/** A person acts on an alert. The caller has locked it, checked the status and may audit. */
export async function actOnAlert(tx: Queryable, alertId: number, act: AlertAction, userId: number, now: Date): Promise<void> {
  const at = now.toISOString();
  const was = await alertState(tx, alertId);
  const writes = new AlertWrites();
  const entry = { alert_id: alertId, at: now, was, user_id: userId };
  switch (act.action) {
    case 'acknowledge':
      // Acknowledged: someone is on it, so the chain stops and held notifications are dropped.
      await acknowledgeAlert(tx, alertId, at, userId);
      writes.cancelHeldNotifications(alertId);
      writes.event({ ...entry, change: 'acknowledged', note: act.note ?? null });
      break;
    case 'resolve':
      await resolveAlert(tx, alertId, at);
      writes.cancelHeldNotifications(alertId);
      writes.event({ ...entry, change: 'resolved', note: act.note ?? null });
      break;
    case 'close':
      await closeAlert(tx, alertId, at, userId);
      writes.event({ ...entry, change: 'closed', note: act.note ?? null });
      break;
    case 'assign':
      await assignAlert(tx, alertId, act.assignee_id, at);
      writes.event({ ...entry, change: 'assigned' });
      break;
    case 'note':
      writes.event({ ...entry, change: 'noted', note: act.note });
  }
  await writes.flush(tx);
}
