import { useEffect, useMemo, useState } from 'react';
import { useViewerGeneration } from '../api/useResource.ts';
import { useNow } from '../flood/useNow.ts';
import { reportLoaded } from '../map/readiness.ts';
import { WASTE_LIVE_URL, type LiveTruck, type WasteSnapshot } from '../api/client.ts';

type LiveConnection = 'connecting' | 'live' | 'reconnecting';

export interface WasteLive {
  connection: LiveConnection;
  /** Every truck the viewer may see, by code, its state as of now (see `asOfNow`). */
  trucks: LiveTruck[];
  offlineAfterS: number | null;
}

interface State {
  connection: LiveConnection;
  trucks: Map<number, LiveTruck>;
  offlineAfterS: number | null;
}

const EMPTY: State = { connection: 'connecting', trucks: new Map(), offlineAfterS: null };
/** How long to wait before opening a stream the server refused (a restart, say). */
const RETRY_MS = 5000;
/** How often a silent truck is checked for having gone offline: a tenth of the usual 10 minutes. */
const CLOCK_MS = 10_000;

/**
 * A truck whose last fix is older than the server's `offline_after_s` is offline now, even though
 * no event says so: a silent GPS unit sends nothing, so the page's own clock must notice.
 */
function asOfNow(truck: LiveTruck, offlineAfterS: number | null, now: number): LiveTruck {
  if (offlineAfterS === null || truck.state === 'offline') return truck;
  const age = (now - Date.parse(truck.recorded_at)) / 1000;
  return age > offlineAfterS ? { ...truck, state: 'offline' } : truck;
}

/**
 * The waste workspace's trucks from the server's event stream (`/api/live?topics=waste`): a
 * snapshot on (re)connecting replaces everything, then each `truck` event replaces one truck.
 * No polling. A different signed-in person gets a new stream (what it carries depends on who asks).
 */
export function useWasteLive(): WasteLive {
  const generation = useViewerGeneration();
  const [state, setState] = useState<State>(EMPTY);
  const now = useNow(CLOCK_MS).getTime();

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new viewer (`generation`) gets a new stream.
  useEffect(() => {
    setState(EMPTY);
    let source: EventSource;
    let retry: number | undefined;
    const connect = () => {
      source = new EventSource(WASTE_LIVE_URL);
      source.addEventListener('snapshot', (event) => {
        const snapshot = JSON.parse((event as MessageEvent<string>).data) as WasteSnapshot;
        setState({
          connection: 'live',
          trucks: new Map((snapshot.trucks ?? []).map((t) => [t.id, t])),
          offlineAfterS: snapshot.waste?.offline_after_s ?? null,
        });
      });
      source.addEventListener('truck', (event) => {
        const truck = JSON.parse((event as MessageEvent<string>).data) as LiveTruck;
        setState((s) => {
          const previous = s.trucks.get(truck.id);
          // Events can overtake each other across processes: an older fix never replaces a newer one.
          if (previous && previous.recorded_at > truck.recorded_at) return s;
          const trucks = new Map(s.trucks);
          trucks.set(truck.id, truck);
          return { ...s, trucks };
        });
      });
      source.addEventListener('error', () => {
        setState((s) => (s.connection === 'live' ? { ...s, connection: 'reconnecting' } : s));
        if (source.readyState === EventSource.CLOSED) retry = window.setTimeout(connect, RETRY_MS);
      });
    };
    connect();
    return () => {
      window.clearTimeout(retry);
      source.close();
    };
  }, [generation]);

  useEffect(() => {
    if (state.connection === 'live') reportLoaded('trucks', state.trucks.size);
  }, [state.connection, state.trucks.size]);

  return useMemo(
    () => ({
      connection: state.connection,
      trucks: [...state.trucks.values()].map((t) => asOfNow(t, state.offlineAfterS, now)).sort((a, b) => a.code.localeCompare(b.code)),
      offlineAfterS: state.offlineAfterS,
    }),
    [state, now],
  );
}
