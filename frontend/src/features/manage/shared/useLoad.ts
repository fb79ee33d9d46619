import { useCallback, useEffect, useState } from "react";
import { isAbortError } from "../../../api/client";

export interface LoadState<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
  reload: () => void;
  /** Replace the data locally (after a write answered with the new state). */
  setData: (data: T) => void;
}

/**
 * Run `load` when `deps` change (aborting the previous run) and keep its answer. The last
 * data stays while reloading, so the page does not jump.
 */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): LoadState<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    setError(null);
    load(controller.signal).then(
      (value) => {
        setData(value);
        setLoading(false);
      },
      (err: unknown) => {
        if (isAbortError(err)) return;
        setError(err);
        setLoading(false);
      },
    );
    return () => controller.abort();
    // `deps` names what `load` reads (it is a new closure on every render).
  }, [...deps, attempt]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { data, error, loading, reload, setData };
}
