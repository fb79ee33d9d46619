/**
 * The labeling screens' routes: annotate, review, and the annotator's history. Each screen is a
 * lazy chunk, so the projects list does not load the annotator and the annotator does not load
 * the manager screens. They render in their own full-window shell (WorkspaceShell).
 */
import { lazy, Suspense, type ReactNode } from "react";
import { Outlet, Route } from "react-router-dom";
import { FullPageStatus } from "../../components/FullPageStatus";
import { RequireAuth } from "../auth/RequireAuth";

const AnnotatePage = lazy(() => import("./AnnotatePage").then((m) => ({ default: m.AnnotatePage })));
const ReviewPage = lazy(() => import("../review/ReviewPage").then((m) => ({ default: m.ReviewPage })));
const HistoryPage = lazy(() => import("../history/HistoryPage").then((m) => ({ default: m.HistoryPage })));
const EditAnnotationPage = lazy(() =>
  import("../history/EditAnnotationPage").then((m) => ({ default: m.EditAnnotationPage })),
);

function Lazy({ children }: { children: ReactNode }) {
  return <Suspense fallback={<FullPageStatus label="Loading…" />}>{children}</Suspense>;
}

/** `<Route>` elements for App's `<Routes>` (call as a function: `{labelingRoutes()}`). */
export function labelingRoutes() {
  return (
    <Route
      element={
        <RequireAuth>
          <Lazy>
            <Outlet />
          </Lazy>
        </RequireAuth>
      }
    >
      <Route path="/projects/:projectId/annotate" element={<AnnotatePage />} />
      <Route path="/projects/:projectId/review" element={<ReviewPage />} />
      <Route path="/projects/:projectId/history" element={<HistoryPage />} />
      <Route path="/projects/:projectId/history/:annotationId" element={<EditAnnotationPage />} />
    </Route>
  );
}
