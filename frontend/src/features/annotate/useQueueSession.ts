import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import type { LabelingProject } from "../../api/queue";
import { QueueSession, type CurrentItem, type QueueSnapshot } from "./queueSession";

const IDLE: QueueSnapshot = { phase: "loading", current: null, error: null, actionError: null, leaseLost: null, submitted: 0 };
const noop = () => () => undefined;

/**
 * A queue session for the page's lifetime. Created in an effect (not during render) so that
 * React's development double-mount disposes the first one cleanly; the lease is released when
 * the page is hidden or left, and the queue resumes if the page comes back from the cache.
 */
export function useQueueSession(project: LabelingProject, onItem: (current: CurrentItem) => void) {
  const [session, setSession] = useState<QueueSession | null>(null);
  const onItemRef = useRef(onItem);
  onItemRef.current = onItem;

  useEffect(() => {
    const s = new QueueSession(project.id, project.lease_seconds, (current) => onItemRef.current(current));
    setSession(s);
    void s.next();
    const hide = () => s.release(true);
    const show = (event: PageTransitionEvent) => {
      if (event.persisted) s.resume();
    };
    window.addEventListener("pagehide", hide);
    window.addEventListener("pageshow", show);
    return () => {
      window.removeEventListener("pagehide", hide);
      window.removeEventListener("pageshow", show);
      s.dispose();
    };
  }, [project.id, project.lease_seconds]);

  const snapshot = useSyncExternalStore(session?.subscribe ?? noop, session?.getSnapshot ?? (() => IDLE));
  return { session, snapshot };
}
