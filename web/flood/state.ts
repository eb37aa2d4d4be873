import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, type FloodAlert, type HydrographRange, type LiveSensor } from '../api/client.ts';
import { useResource } from '../api/useResource.ts';
import { isActive, type AffectedArea } from './alerts.ts';
import { useRedAlertCue } from './cues.ts';
import { useFloodLive } from './useFloodLive.ts';

/** What the desk is looking at: a sensor, and perhaps one of its alerts. */
export interface FloodFocus {
  code: string;
  alertId: number | null;
}

/**
 * The flood desk's state: the live picture, the red-alert cue, and what is in focus with the
 * data fetched for it (hydrograph, alert details, affected area).
 */
export function useFloodDesk() {
  const cue = useRedAlertCue();
  const live = useFloodLive({ onAlert: cue.onAlert });
  const [focus, setFocus] = useState<FloodFocus | null>(null);
  const [range, setRange] = useState<HydrographRange>('24h');
  /** Bumped after the desk acted on an alert, so its details are read again. */
  const [version, setVersion] = useState(0);

  const sensor: LiveSensor | null = focus ? (live.sensors.find((s) => s.code === focus.code) ?? null) : null;
  const alert: FloodAlert | null = focus?.alertId ? (live.alerts.find((a) => a.id === focus.alertId) ?? null) : null;

  /** A sensor picked on the map: its most pressing alert comes with it, if it has one. */
  const selectSensor = useCallback(
    (code: string) => {
      const first = live.alerts.find((a) => a.sensor_code === code && isActive(a)) ?? live.alerts.find((a) => a.sensor_code === code);
      setFocus({ code, alertId: first?.id ?? null });
    },
    [live.alerts],
  );
  const selectAlert = useCallback((a: FloodAlert) => setFocus({ code: a.sensor_code, alertId: a.id }), []);

  // A notification's link (/flood?alert=12) opens that alert as soon as the wall holds it:
  // after the first snapshot, or after signing in if the public may not see it.
  const linked = useRef(Number(new URLSearchParams(window.location.search).get('alert')) || null);
  useEffect(() => {
    const target = linked.current ? live.alerts.find((a) => a.id === linked.current) : undefined;
    if (!target) return;
    linked.current = null;
    setFocus({ code: target.sensor_code, alertId: target.id });
  }, [live.alerts]);
  const clear = useCallback(() => setFocus(null), []);
  const acted = useCallback(() => setVersion((n) => n + 1), []);

  // The chart follows the sensor's newest reading: a live reading means one more point.
  const readingsKey = focus ? `readings:${focus.code}:${range}:${sensor?.recorded_at ?? ''}` : 'readings-off';
  const readings = useResource(readingsKey, (signal) => (focus ? api.readings(focus.code, range, signal) : Promise.resolve(null)));

  const alertId = focus?.alertId ?? null;
  // Read again whenever the alert changes on the wall (a new step, someone acknowledged).
  const detailKey = alertId ? `alert:${alertId}:${alert?.updated_at ?? ''}:${alert?.status ?? ''}#${version}` : 'alert-off';
  const detail = useResource(detailKey, (signal) => (alertId ? api.alert(alertId, signal) : Promise.resolve(null)));
  const affected = useResource(alertId ? `affected:${alertId}` : 'affected-off', (signal) => (alertId ? api.affected(alertId, signal) : Promise.resolve(null)));

  const areas = useMemo<AffectedArea[]>(
    () => (alert && affected.data ? [{ alertId: alert.id, severity: alert.severity, area: affected.data.area }] : []),
    [alert, affected.data],
  );

  return {
    live,
    cue,
    focus,
    sensor,
    alert,
    selectSensor,
    selectAlert,
    clear,
    acted,
    range,
    setRange,
    readings,
    detail,
    affected,
    areas,
  };
}

export type FloodDeskState = ReturnType<typeof useFloodDesk>;
