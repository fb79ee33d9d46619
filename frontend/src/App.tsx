import { Navigate, Route, Routes } from "react-router-dom";
import { Layout } from "./components/Layout";
import { NotFoundPage } from "./components/NotFoundPage";
import { RequireAuth } from "./features/auth/RequireAuth";
import { SessionProvider } from "./features/auth/SessionContext";
import { labelingRoutes } from "./features/annotate/routes";
import { datasetRoutes } from "./features/datasets/routes";
import { LoginPage } from "./features/login/LoginPage";
import { manageRoutes } from "./features/manage/routes";
import { ProjectsPage } from "./features/projects/ProjectsPage";
import type { User } from "./api/auth";

interface AppProps {
  /** Skip the startup session check (tests). */
  initialUser?: User | null;
}

/** Route table. The router itself is provided by the caller (main.tsx or a test). */
export function App({ initialUser }: AppProps = {}) {
  return (
    <SessionProvider initialUser={initialUser}>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route
          element={
            <RequireAuth>
              <Layout />
            </RequireAuth>
          }
        >
          <Route path="/projects" element={<ProjectsPage />} />
          {/* Manager screens (lazy): /projects/new, /projects/:projectId/{,items,import,members,settings} */}
          {manageRoutes()}
          {/* Dataset screens (lazy): /datasets, /datasets/:slug */}
          {datasetRoutes()}
        </Route>
        {/* Labeling screens (lazy, full window): /projects/:projectId/{annotate,review,history} */}
        {labelingRoutes()}
        <Route path="/" element={<Navigate to="/projects" replace />} />
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
    </SessionProvider>
  );
}
