import type { ReactNode } from "react";
import { Link, NavLink } from "react-router-dom";
import { Logo } from "../../components/Logo";
import { useSession } from "../auth/SessionContext";
import styles from "./workspace.module.css";

interface WorkspaceShellProps {
  projectId: number;
  projectName?: string;
  /** "Annotate", "Review" … */
  screen: string;
  canReview?: boolean;
  onHelp?: () => void;
  /** A page that scrolls (lists) rather than a fixed workspace. */
  scroll?: boolean;
  children: ReactNode;
}

/** Full-window chrome for the labeling screens: the stage gets all the room there is. */
export function WorkspaceShell({ projectId, projectName, screen, canReview, onHelp, scroll, children }: WorkspaceShellProps) {
  const { user } = useSession();
  const navClass = ({ isActive }: { isActive: boolean }) => `${styles.navLink} ${isActive ? styles.navActive : ""}`;
  return (
    <div className={styles.shell}>
      <a className="skip-link" href="#workspace">
        Skip to the item
      </a>
      <header className={styles.header}>
        <Link to="/projects" className={styles.brand} aria-label="Annolake: all projects">
          <Logo />
        </Link>
        <div className={styles.headerTitle}>
          <span className={styles.projectName}>{projectName ?? "\u00a0"}</span>
          <span className={styles.screenName}>{screen}</span>
        </div>
        <nav className={styles.nav} aria-label="Project">
          <NavLink to={`/projects/${projectId}/annotate`} className={navClass}>
            Label
          </NavLink>
          <NavLink to={`/projects/${projectId}/history`} end className={navClass}>
            My work
          </NavLink>
          {canReview ? (
            <NavLink to={`/projects/${projectId}/review`} className={navClass}>
              Review
            </NavLink>
          ) : null}
        </nav>
        <div className={styles.headerEnd}>
          {onHelp ? (
            <button type="button" className="button button--ghost button--small" onClick={onHelp} title="Keyboard shortcuts (?)">
              Shortcuts <kbd className={styles.kbdInline}>?</kbd>
            </button>
          ) : null}
          {user ? <span className={styles.user}>{user.username}</span> : null}
        </div>
      </header>
      <main id="workspace" className={`${styles.main} ${scroll ? styles.mainScroll : ""}`} tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
