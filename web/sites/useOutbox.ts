import { useEffect, useMemo, useState } from 'react';
import { listEntries, onOutboxChange, type OutboxEntry, type OutboxState, startOutbox } from './outbox.ts';

export interface OutboxView {
  /** Null until IndexedDB has answered. */
  entries: OutboxEntry[] | null;
  counts: Record<OutboxState, number>;
}

/** The outbox's entries, read again whenever they change (in this tab or another); starts the sender. */
export function useOutbox(): OutboxView {
  const [entries, setEntries] = useState<OutboxEntry[] | null>(null);
  useEffect(() => {
    startOutbox();
    let live = true;
    const load = () => {
      listEntries().then(
        (next) => {
          if (live) setEntries(next);
        },
        (error: unknown) => console.error('outbox:', error),
      );
    };
    load();
    const stop = onOutboxChange(load);
    return () => {
      live = false;
      stop();
    };
  }, []);
  const counts = useMemo(() => {
    const out: Record<OutboxState, number> = { waiting: 0, sending: 0, sent: 0, failed: 0 };
    for (const entry of entries ?? []) out[entry.state]++;
    return out;
  }, [entries]);
  return { entries, counts };
}
