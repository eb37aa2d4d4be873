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
  const [first] = useState(() => {
    const controller = new AbortController();
    const promise = load(controller.signal);
    // A render React throws away (and starts again) leaves its request unread: offline, its
    // failure would be an unhandled rejection. The effect that does read it still sees the failure.
    promise.catch(() => undefined);
    return { key: fullKey, controller, promise, answer: answerOf(promise) };
  });
  // Tagged with the key it was loaded for: one person's data is never shown to the next.
  const [state, setState] = useState<Resource<T> & { key: string | null }>(() =>
    first.answer ? { data: first.answer.value, error: null, key: fullKey } : { data: null, error: null, key: null },
  );
  const firstUsed = useRef(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `load` is usually an inline arrow; `fullKey` is the declared identity of the request.
  useEffect(() => {
    let controller = new AbortController();
    let cancelled = false;

    const run = () => {
      // The request made while rendering serves the first run for its key, once.
      const reuse = !firstUsed.current && first.key === fullKey;
      firstUsed.current = true;
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
      controller.abort();
      if (timer !== undefined) window.clearInterval(timer);
    };
  }, [fullKey, refreshMs]);

  // A filter change keeps showing the previous data until the new arrives (no flicker); a new
  // viewer does not get to see what the previous one was allowed to.
  const previousViewer = perViewer && state.key !== null && !state.key.endsWith(`@${generation}`);
  return previousViewer ? { data: null, error: null } : { data: state.data, error: state.error };
}
