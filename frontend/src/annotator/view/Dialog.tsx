import { useEffect, useRef, type ReactNode } from "react";
import styles from "./annotator.module.css";

interface DialogProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** Extra buttons next to Close. */
  actions?: ReactNode;
  /** Element id of the element to focus first (defaults to the Close button). */
  initialFocus?: string;
}

/** A modal panel: focus moves in, Escape and the backdrop close it, focus goes back after. */
export function Dialog({ title, onClose, children, actions, initialFocus }: DialogProps) {
  const closeRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const first = initialFocus ? document.getElementById(initialFocus) : null;
    (first ?? closeRef.current)?.focus();
    return () => previous?.focus?.();
  }, [initialFocus]);

  return (
    <div className={styles.backdrop} onMouseDown={(event) => event.target === event.currentTarget && onClose()}>
      <div
        ref={panelRef}
        className={styles.dialog}
        role="dialog"
        aria-modal="true"
        aria-labelledby="dialog-title"
        onKeyDown={(event) => {
          if (event.key === "Escape") {
            event.stopPropagation();
            onClose();
          }
          if (event.key === "Tab") {
            // Keep Tab inside the dialog.
            const focusable = panelRef.current?.querySelectorAll<HTMLElement>("button, textarea, input, a[href], [tabindex='0']");
            if (!focusable?.length) return;
            const first = focusable[0]!;
            const last = focusable[focusable.length - 1]!;
            if (event.shiftKey && document.activeElement === first) {
              event.preventDefault();
              last.focus();
            } else if (!event.shiftKey && document.activeElement === last) {
              event.preventDefault();
              first.focus();
            }
          }
        }}
      >
        <h2 id="dialog-title" className={styles.dialogTitle}>
          {title}
        </h2>
        <div className={styles.dialogBody}>{children}</div>
        <div className={styles.dialogActions}>
          {actions}
          <button ref={closeRef} type="button" className="button button--secondary" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
