/**
 * The manager screens' routes. Every screen is loaded lazily, so the projects list and the
 * annotator's screens do not carry the manager code (schema editor, charts, imports).
 */
import { lazy, Suspense, type ReactNode } from "react";
import { Route } from "react-router-dom";
import { PageLoading } from "./shared/PageLoading";

const ManageLayout = lazy(() => import("./ManageLayout").then((m) => ({ default: m.ManageLayout })));
const ProjectCreatePage = lazy(() =>
  import("./settings/ProjectCreatePage").then((m) => ({ default: m.ProjectCreatePage })),
);
const ProjectSettingsPage = lazy(() =>
  import("./settings/ProjectSettingsPage").then((m) => ({ default: m.ProjectSettingsPage })),
);
const DashboardPage = lazy(() => import("./dashboard/DashboardPage").then((m) => ({ default: m.DashboardPage })));
const MembersPage = lazy(() => import("./members/MembersPage").then((m) => ({ default: m.MembersPage })));
const ImportPage = lazy(() => import("./import/ImportPage").then((m) => ({ default: m.ImportPage })));
const ItemsPage = lazy(() => import("./items/ItemsPage").then((m) => ({ default: m.ItemsPage })));
const ItemDetailPage = lazy(() => import("./items/ItemDetailPage").then((m) => ({ default: m.ItemDetailPage })));

function Lazy({ children }: { children: ReactNode }) {
  return <Suspense fallback={<PageLoading />}>{children}</Suspense>;
}

/**
 * `<Route>` elements for App's signed-in layout. Call it as a function inside `<Routes>`
 * (`{manageRoutes()}`): React Router reads `<Route>` elements, not components.
 */
export function manageRoutes() {
  return (
    <>
      <Route
        path="/projects/new"
        element={
          <Lazy>
            <ProjectCreatePage />
          </Lazy>
        }
      />
      <Route
        path="/projects/:projectId"
        element={
          <Lazy>
            <ManageLayout />
          </Lazy>
        }
      >
        <Route index element={<DashboardPage />} />
        <Route path="items" element={<ItemsPage />} />
        <Route path="items/:itemId" element={<ItemDetailPage />} />
        <Route path="import" element={<ImportPage />} />
        <Route path="members" element={<MembersPage />} />
        <Route path="settings" element={<ProjectSettingsPage />} />
      </Route>
    </>
  );
}
