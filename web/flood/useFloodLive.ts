import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { LIVE_URL, type FloodAlert, type LiveMessage, type LiveSensor, type LiveSnapshot } from '../api/client.ts';
import { useViewerGeneration } from '../api/useResource.ts';
import { reportLoaded } from '../map/readiness.ts';
import { sortWall } from './alerts.ts';

type LiveConnection = 'connecting' | 'live' | 'reconnecting';

/** One alert event as it arrived, for whatever reacts to changes (the red-alert cue). */
export type AlertArrival = Extract<LiveMessage, { event: 'alert' }>['data'];

export interface FloodLive {
  connection: LiveConnection;
  /** Every sensor's latest state, in the snapshot's order. */
  sensors: LiveSensor[];
  /** The alert wall this viewer may see, in the wall's order. */
  alerts: FloodAlert[];
  /** The server's clock at the last snapshot; null before the first. */
  snapshotAt: string | null;
  /** Shows an alert as an action's answer returned it, without waiting for its live event. */
  put: (alert: FloodAlert) => void;
}

interface State {
  connection: LiveConnection;
  sensors: Map<number, LiveSensor>;
  alerts: Map<number, FloodAlert>;
  snapshotAt: string | null;
}

type MessageData<E extends LiveMessage['event']> = Extract<LiveMessage, { event: E }>['data'];

/** How long to wait before opening a stream the server refused (a restart, say). */
const RETRY_MS = 5000;

const EMPTY: State = { connection: 'connecting', sensors: new Map(), alerts: new Map(), snapshotAt: null };

/** Closed alerts leave the wall; everything else stays (resolved ones below, dimmed). */
const onWall = (alert: FloodAlert) => alert.status !== 'closed';

function applyMessage(state: State, message: LiveMessage): State {
  switch (message.event) {
    case 'sensor': {
      const update = message.data;
      const previous = state.sensors.get(update.sensor_id);
      if (!previous) return state;
      const sensors = new Map(state.sensors);
      sensors.set(update.sensor_id, {
        ...previous,
        recorded_at: update.recorded_at,
        level_m: update.level_m,
        rain_mm: update.rain_mm,
        battery_v: update.battery_v,
        level: update.band,
        offline: update.offline,
      });
      return { ...state, sensors };
    }
    case 'alert': {
      const alerts = new Map(state.alerts);
      if (onWall(message.data.alert)) alerts.set(message.data.alert.id, message.data.alert);
      else alerts.delete(message.data.alert.id);
      return { ...state, alerts };
    }
    case 'alert_gone': {
      const alerts = new Map(state.alerts);
      alerts.delete(message.data.id);
      return { ...state, alerts };
    }
  }
}

/**
 * The flood desk's picture of the present, from the server's event stream: a snapshot on
 * (re)connecting replaces everything, then each change is applied as it comes. No polling.
 * A different signed-in person gets a new stream, since what the server sends depends on who
 * asks; `onAlert` hears every alert change after the first snapshot (not the snapshot itself).
 * Nothing is connected while `active` is false (another view is showing).
 */
export function useFloodLive(options: { onAlert?: (arrival: AlertArrival) => void; publicView?: boolean } = {}): FloodLive {
  const { onAlert, publicView = false } = options;
  const generation = useViewerGeneration();
  const [state, setState] = useState<State>(EMPTY);
  const onAlertRef = useRef(onAlert);
  onAlertRef.current = onAlert;

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new viewer (`generation`) gets a new stream: what the server sends depends on who asks.
  useEffect(() => {
    setState(EMPTY);
    let source: EventSource;
    let retry: number | undefined;

    const connect = () => {
      // The public page asks for the public's view, whoever is signed in in this browser.
      source = new EventSource(publicView ? `${LIVE_URL}?view=public` : LIVE_URL);
      const on = <E extends LiveMessage['event']>(name: E, handle: (data: MessageData<E>) => void) =>
        source.addEventListener(name, (event) => handle(JSON.parse((event as MessageEvent<string>).data) as MessageData<E>));

      source.addEventListener('snapshot', (event) => {
        const snapshot = JSON.parse((event as MessageEvent<string>).data) as LiveSnapshot;
        setState({
          connection: 'live',
          sensors: new Map(snapshot.sensors.map((s) => [s.id, s])),
          alerts: new Map(snapshot.alerts.filter(onWall).map((a) => [a.id, a])),
          snapshotAt: snapshot.at,
        });
      });
      on('sensor', (data) => setState((s) => applyMessage(s, { event: 'sensor', data })));
      on('alert', (data) => {
        setState((s) => applyMessage(s, { event: 'alert', data }));
        onAlertRef.current?.(data);
      });
      on('alert_gone', (data) => setState((s) => applyMessage(s, { event: 'alert_gone', data })));
      source.addEventListener('error', () => {
        setState((s) => (s.connection === 'live' ? { ...s, connection: 'reconnecting' } : s));
        // A dropped stream is retried by the browser (the server asks for 3 s); one answered
        // with an error status is not, so that one is opened again here.
        if (source.readyState === EventSource.CLOSED) retry = window.setTimeout(connect, RETRY_MS);
      });
    };

    connect();
    return () => {
      window.clearTimeout(retry);
      source.close();
    };
  }, [generation, publicView]);

  const put = useCallback((alert: FloodAlert) => {
    // The live event may have come first, with something newer still: keep the newer.
    setState((s) => {
      const current = s.alerts.get(alert.id);
      if (current && current.updated_at > alert.updated_at) return s;
      return applyMessage(s, { event: 'alert', data: { change: 'noted', alert } });
    });
  }, []);

  return useMemo(
    () => ({
      connection: state.connection,
      sensors: [...state.sensors.values()],
      alerts: sortWall([...state.alerts.values()]),
      snapshotAt: state.snapshotAt,
      put,
    }),
    [state, put],
  );
}

/** The live sensors count for the page's "ready" once the first snapshot is in (web/map/readiness.ts). */
export function useLiveSensorsReady(live: FloodLive): void {
  const { connection, sensors } = live;
  useEffect(() => {
    if (connection === 'live') reportLoaded('sensors', sensors.length);
  }, [connection, sensors.length]);
}
