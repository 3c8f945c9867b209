import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '@tenantry/client';

export interface Resource<T> {
  data: T | undefined;
  error: Error | undefined;
  isLoading: boolean;
  reload: () => void;
}

/** Loads once per change of `key` (and on `reload`), keeping the last data while reloading. */
export function useResource<T>(load: () => Promise<T>, key: unknown[]): Resource<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; isLoading: boolean }>({ isLoading: true });
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let isCurrent = true;
    setState((previous) => ({ ...previous, isLoading: true }));
    loadRef.current().then(
      (data) => isCurrent && setState({ data, isLoading: false }),
      (error: Error) => isCurrent && setState((previous) => ({ data: previous.data, error, isLoading: false })),
    );
    return () => {
      isCurrent = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...key, generation]);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { data: state.data, error: state.error, isLoading: state.isLoading, reload };
}

/** Runs an action, holding its pending state and the API's error. */
export function useAction<A extends unknown[], R>(action: (...args: A) => Promise<R>) {
  const [isPending, setPending] = useState(false);
  const [error, setError] = useState<Error | undefined>();
  const run = async (...args: A): Promise<R | undefined> => {
    setPending(true);
    setError(undefined);
    try {
      return await action(...args);
    } catch (caught) {
      setError(caught as Error);
      return undefined;
    } finally {
      setPending(false);
    }
  };
  return { run, isPending, error, clearError: () => setError(undefined) };
}

export const messagesOf = (error: Error | undefined): string[] =>
  !error ? [] : error instanceof ApiError ? error.messages : [error.message || 'Something went wrong'];

const onceByKey = new Map<string, Promise<unknown>>();

/**
 * Runs `action` once per key for the page's lifetime: for a one-time token (a verification link,
 * an SSO code) that a second request would find used, e.g. when development runs effects twice.
 */
export function once<T>(key: string, action: () => Promise<T>): Promise<T> {
  let pending = onceByKey.get(key) as Promise<T> | undefined;
  if (!pending) {
    pending = action();
    onceByKey.set(key, pending);
  }
  return pending;
}
