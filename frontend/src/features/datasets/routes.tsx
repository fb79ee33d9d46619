/** The dataset screens' routes, loaded lazily (charts, diff and merge code stay out of the main bundle). */
import { lazy, Suspense, type ReactNode } from "react";
import { Route } from "react-router-dom";
import { PageLoading } from "../manage/shared/PageLoading";

const DatasetsPage = lazy(() => import("./DatasetsPage").then((m) => ({ default: m.DatasetsPage })));
const DatasetPage = lazy(() => import("./DatasetPage").then((m) => ({ default: m.DatasetPage })));

function Lazy({ children }: { children: ReactNode }) {
  return <Suspense fallback={<PageLoading />}>{children}</Suspense>;
}

/** `<Route>` elements for App's signed-in layout: `/datasets` and `/datasets/:slug`. Call as `{datasetRoutes()}`. */
export function datasetRoutes() {
  return (
    <>
      <Route
        path="/datasets"
        element={
          <Lazy>
            <DatasetsPage />
          </Lazy>
        }
      />
      <Route
        path="/datasets/:slug"
        element={
          <Lazy>
            <DatasetPage />
          </Lazy>
        }
      />
    </>
  );
}
