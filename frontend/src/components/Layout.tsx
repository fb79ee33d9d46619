import { useState } from "react";
import { Link, NavLink, Outlet } from "react-router-dom";
import { useSession } from "../features/auth/SessionContext";
import { describeError } from "./describeError";
import { Logo } from "./Logo";

/** App chrome for signed-in pages: a slim header and the routed page below it. */
export function Layout() {
  const { user, signOut } = useSession();
  const [signingOut, setSigningOut] = useState(false);
  const [signOutError, setSignOutError] = useState<string | null>(null);

  async function handleSignOut() {
    setSigningOut(true);
    setSignOutError(null);
    try {
      await signOut(); // <RequireAuth> then sends us to /login
    } catch (error) {
      setSignOutError(`Sign out failed. ${describeError(error)}`);
      setSigningOut(false);
    }
  }

  return (
    <div className="app-shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <div className="app-header__inner">
          <Link to="/projects" className="brand" aria-label="Annolake home">
            <Logo />
            <span className="brand__name">Annolake</span>
          </Link>
          <nav className="app-nav" aria-label="Main">
            <NavLink to="/projects" className="app-nav__link">
              Projects
            </NavLink>
            <NavLink to="/datasets" className="app-nav__link">
              Datasets
            </NavLink>
          </nav>
          <div className="app-header__user">
            {signOutError ? (
              <span className="app-header__error" role="alert">
                {signOutError}
              </span>
            ) : null}
            {user ? (
              <span className="user-chip" title={user.is_staff ? `${user.username} (staff)` : user.username}>
                <span className="user-chip__avatar" aria-hidden="true">
                  {user.username.slice(0, 1).toUpperCase()}
                </span>
                <span className="user-chip__name">{user.username}</span>
                {user.is_staff ? <span className="badge badge--neutral">Staff</span> : null}
              </span>
            ) : null}
            <button
              type="button"
              className="button button--ghost button--small"
              onClick={handleSignOut}
              disabled={signingOut}
            >
              Sign out
            </button>
          </div>
        </div>
      </header>
      <main id="main" className="app-main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
