import { useEffect, useState, useSyncExternalStore } from "react";
import { ReviewSession, type ReviewSnapshot } from "./reviewSession";

const IDLE: ReviewSnapshot = { phase: "loading", current: null, error: null, actionError: null, leaseLost: null, reviewed: 0 };
const noop = () => () => undefined;

/** A review session for the page's lifetime (see useQueueSession for the why of the effect). */
export function useReviewSession(projectId: number, leaseSeconds: number) {
  const [session, setSession] = useState<ReviewSession | null>(null);
  useEffect(() => {
    const s = new ReviewSession(projectId, leaseSeconds);
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
  }, [projectId, leaseSeconds]);
  const snapshot = useSyncExternalStore(session?.subscribe ?? noop, session?.getSnapshot ?? (() => IDLE));
  return { session, snapshot };
}
