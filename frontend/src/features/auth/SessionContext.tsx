import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { getSession, logout, type User } from "../../api/auth";
import { isAbortError, onUnauthorized } from "../../api/client";

export type SessionState =
  | { status: "loading" }
  | { status: "error"; error: unknown }
  /** `signedOut` is true right after an explicit sign-out (no `?next=` back to the page). */
  | { status: "ready"; user: User | null; signedOut?: boolean };

export interface SessionContextValue {
  state: SessionState;
  /** Convenience: the signed-in user, or null (also while loading). */
  user: User | null;
  setUser: (user: User | null) => void;
  /** Ask the server again who we are (used by the "Retry" button). */
  reload: () => void;
  /** End the server session, then forget the user. Rejects (keeping the user) if the server call fails. */
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionContextValue | null>(null);

interface SessionProviderProps {
  children: ReactNode;
  /** Skip the initial `getSession()` call (tests, or server-provided state). */
  initialUser?: User | null;
}

export function SessionProvider({ children, initialUser }: SessionProviderProps) {
  const [state, setState] = useState<SessionState>(
    initialUser === undefined ? { status: "loading" } : { status: "ready", user: initialUser },
  );
  const [attempt, setAttempt] = useState(initialUser === undefined ? 1 : 0);

  useEffect(() => {
    if (attempt === 0) return;
    const controller = new AbortController();
    setState({ status: "loading" });
    getSession(controller.signal).then(
      (user) => setState({ status: "ready", user }),
      (error: unknown) => {
        if (!isAbortError(error)) setState({ status: "error", error });
      },
    );
    return () => controller.abort();
  }, [attempt]);

  // Any API call answered with 401 means the session is gone: forget the user,
  // and <RequireAuth> sends them to the login page.
  useEffect(
    () =>
      onUnauthorized(() => {
        setState((prev) => (prev.status === "ready" && prev.user === null ? prev : { status: "ready", user: null }));
      }),
    [],
  );

  const setUser = useCallback((user: User | null) => setState({ status: "ready", user }), []);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  const signOut = useCallback(async () => {
    await logout();
    setState({ status: "ready", user: null, signedOut: true });
  }, []);

  const value = useMemo<SessionContextValue>(
    () => ({ state, user: state.status === "ready" ? state.user : null, setUser, reload, signOut }),
    [state, setUser, reload, signOut],
  );

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession must be used inside <SessionProvider>");
  return value;
}
