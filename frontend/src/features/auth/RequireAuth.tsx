import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router-dom";
import { ErrorMessage } from "../../components/ErrorMessage";
import { FullPageStatus } from "../../components/FullPageStatus";
import { loginPathFor } from "./nextPath";
import { useSession } from "./SessionContext";

/** Renders its children only for a signed-in user; anyone else goes to /login?next=… */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { state, reload } = useSession();
  const location = useLocation();

  if (state.status === "loading") {
    return <FullPageStatus label="Loading your session…" />;
  }
  if (state.status === "error") {
    return (
      <FullPageStatus>
        <ErrorMessage title="Couldn't load your session" error={state.error} onRetry={reload} />
      </FullPageStatus>
    );
  }
  if (!state.user) {
    if (state.signedOut) return <Navigate to="/login" replace />;
    const here = `${location.pathname}${location.search}${location.hash}`;
    return <Navigate to={loginPathFor(here)} replace />;
  }
  return <>{children}</>;
}
