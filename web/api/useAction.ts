import { useState } from 'react';

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * A button's write to the server: `busy` while it runs (the button is disabled, so a second tap
 * sends nothing), and the server's refusal as `error`, shown beside it until the next try.
 */
export function useAction(): {
  busy: boolean;
  error: string | null;
  setError: (error: string | null) => void;
  run: (write: () => Promise<unknown>) => Promise<void>;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (write: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await write();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}
