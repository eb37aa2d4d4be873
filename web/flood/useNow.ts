import { useEffect, useState } from 'react';

/**
 * The current time, renewed every `ms`: "since 5 minutes ago" must keep counting while
 * nothing else on the desk changes.
 */
export function useNow(ms = 30_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(new Date()), ms);
    return () => window.clearInterval(timer);
  }, [ms]);
  return now;
}
