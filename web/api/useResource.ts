import { useEffect, useState } from 'react';

export interface Resource<T> {
  data: T | null;
  error: Error | null;
}

/**
 * Loads one API resource and, for live feeds (trucks, sensors), refreshes it on a timer.
 * `key` must change whenever the request changes (filters); a stale response is dropped
 * instead of overwriting a newer one.
 */
export function useResource<T>(
  key: string,
  load: (signal: AbortSignal) => Promise<T>,
  refreshMs?: number,
): Resource<T> {
  const [state, setState] = useState<Resource<T>>({ data: null, error: null });

  useEffect(() => {
    let controller = new AbortController();
    let cancelled = false;

    const run = () => {
      controller = new AbortController();
      load(controller.signal).then(
        (data) => {
          if (!cancelled) setState({ data, error: null });
        },
        (error: unknown) => {
          if (cancelled || controller.signal.aborted) return;
          // Keep the last good data on a failed refresh: an old truck position beats an empty map.
          setState((previous) => ({
            data: previous.data,
            error: error instanceof Error ? error : new Error(String(error)),
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
    // `load` is usually an inline arrow; `key` is the declared identity of the request.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, refreshMs]);

  return state;
}
