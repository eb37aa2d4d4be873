import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { answerOf, getSession, subscribeSession } from './client.ts';

export interface Resource<T> {
  data: T | null;
  error: Error | null;
}

const viewerGeneration = () => getSession().generation;

/**
 * A number that changes whenever the signed-in person changes. What the server sends depends on
 * who asks (zone-scoped project lists, parcel owners), so anything fetched must be fetched again.
 */
export function useViewerGeneration(): number {
  return useSyncExternalStore(subscribeSession, viewerGeneration);
}

interface FirstRequest<T> {
  key: string;
  controller: AbortController;
  promise: Promise<T>;
  answer: { value: T } | undefined;
  /** Mounted readers that took it for their first run. */
  holders: number;
}

/**
 * Render-time requests still in flight, by key. A render React throws away before it commits
 * (a lazy page mounting in a time-sliced render that an update interrupts: the session's answer
 * arriving, say) runs its state initialisers again from scratch; this hands the second render the
 * first one's request instead of asking the server twice. Readers mounting together with the
 * same key (the zones, on several panels) share one request the same way.
 */
const inFlight = new Map<string, FirstRequest<unknown>>();

function firstRequest<T>(key: string, load: (signal: AbortSignal) => Promise<T>): FirstRequest<T> {
  // The key is the request's identity (useResource's contract): the same key, the same answer.
  const pending = inFlight.get(key) as FirstRequest<T> | undefined;
  if (pending) return pending;
  const controller = new AbortController();
  const promise = load(controller.signal);
  const request: FirstRequest<T> = { key, controller, promise, answer: answerOf(promise), holders: 0 };
  inFlight.set(key, request);
  // A discarded render leaves its request unread: offline, its failure would be an unhandled
  // rejection. The effect that does read it still sees the failure. Once settled, the next
  // reader to mount asks afresh.
  promise
    .finally(() => {
      if (inFlight.get(key) === request) inFlight.delete(key);
    })
    .catch(() => undefined);
  return request;
}

export interface ResourceOptions {
  /** Refresh on a timer (live feeds: trucks, sensors). */
  refreshMs?: number;
  /**
   * Load again when the signed-in person changes (the default). Only data that is the same for
   * everyone and costly to reload (the boundary, the basemap) opts out.
   */
  perViewer?: boolean;
}

/**
 * Loads one API resource and, for live feeds (trucks, sensors), refreshes it on a timer.
 * `key` must change whenever the request changes (filters); a stale response is dropped
 * instead of overwriting a newer one. The viewer generation is part of the key unless
 * `perViewer: false`.
 */
export function useResource<T>(key: string, load: (signal: AbortSignal) => Promise<T>, options: ResourceOptions = {}): Resource<T> {
  const { refreshMs, perViewer = true } = options;
  const generation = useViewerGeneration();
  const fullKey = perViewer ? `${key}@${generation}` : key;
  // The first request is made while rendering, not in the effect: when its answer is already
  // in the client (asked for early by web/main.tsx, or reference data another reader loaded),
  // the first render draws it. On the city map that saved the map a frame per layer.
  const [first] = useState(() => firstRequest(fullKey, load));
  // Tagged with the key it was loaded for: one person's data is never shown to the next.
  const [state, setState] = useState<Resource<T> & { key: string | null }>(() =>
    first.answer ? { data: first.answer.value, error: null, key: fullKey } : { data: null, error: null, key: null },
  );
  const firstUsed = useRef(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `load` is usually an inline arrow; `fullKey` is the declared identity of the request.
  useEffect(() => {
    let controller = new AbortController();
    let cancelled = false;
    let holdsFirst = false;

    const run = () => {
      // The request made while rendering serves the first run for its key, once.
      const reuse = !firstUsed.current && first.key === fullKey;
      firstUsed.current = true;
      if (reuse) {
        first.holders += 1;
        holdsFirst = true;
      }
      controller = reuse ? first.controller : new AbortController();
      if (reuse && first.answer) return;
      (reuse ? first.promise : load(controller.signal)).then(
        (data) => {
          if (!cancelled) setState({ data, error: null, key: fullKey });
        },
        (error: unknown) => {
          if (cancelled || controller.signal.aborted) return;
          // Keep the last good data on a failed refresh: an old truck position beats an empty map.
          setState((previous) => ({
            data: previous.data,
            error: error instanceof Error ? error : new Error(String(error)),
            key: previous.key,
          }));
        },
      );
    };

    run();
    const timer = refreshMs ? window.setInterval(run, refreshMs) : undefined;
    return () => {
      cancelled = true;
      if (holdsFirst) first.holders -= 1;
      // The first request may be another reader's too: it is called off by the last to leave.
      if (controller !== first.controller || first.holders === 0) controller.abort();
      if (timer !== undefined) window.clearInterval(timer);
    };
  }, [fullKey, refreshMs]);

  // A filter change keeps showing the previous data until the new arrives (no flicker); a new
  // viewer does not get to see what the previous one was allowed to.
  const previousViewer = perViewer && state.key !== null && !state.key.endsWith(`@${generation}`);
  return previousViewer ? { data: null, error: null } : { data: state.data, error: state.error };
}
