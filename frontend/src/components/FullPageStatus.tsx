import type { ReactNode } from "react";

interface FullPageStatusProps {
  /** Shown with a spinner when there are no children. */
  label?: string;
  children?: ReactNode;
}

/** Centered placeholder for app-level states (session loading / failed). */
export function FullPageStatus({ label, children }: FullPageStatusProps) {
  return (
    <div className="full-page-status">
      {children ?? (
        <div className="full-page-status__loading" role="status" aria-live="polite">
          <span className="spinner" aria-hidden="true" />
          <span>{label ?? "Loading…"}</span>
        </div>
      )}
    </div>
  );
}
