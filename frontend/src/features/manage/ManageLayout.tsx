import { Suspense, useMemo } from "react";
import { Link, NavLink, Outlet, useParams } from "react-router-dom";
import { isApiError } from "../../api/client";
import { getProject, type ProjectDetail } from "../../api/manage";
import { ErrorMessage } from "../../components/ErrorMessage";
import { NotFoundPage } from "../../components/NotFoundPage";
import { useSession } from "../auth/SessionContext";
import type { ManagedProjectContext } from "./shared/context";
import { PageLoading } from "./shared/PageLoading";
import { useLoad } from "./shared/useLoad";
import "./manage.css";

const KIND_LABELS = { image: "Image", text: "Text" } as const;

/** Parse a route's numeric id; null when it is not a positive integer. */
export function parseId(raw: string | undefined): number | null {
  if (!raw || !/^\d+$/.test(raw)) return null;
  const id = Number(raw);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/** The frame of a project's manager screens: its name, tabs, and the routed screen. */
export function ManageLayout() {
  const params = useParams();
  const projectId = parseId(params.projectId);
  if (projectId === null) return <NotFoundPage />;
  return <ManageFrame projectId={projectId} />;
}

function ManageFrame({ projectId }: { projectId: number }) {
  const { user } = useSession();
  const { data: project, error, loading, reload, setData } = useLoad<ProjectDetail>(
    (signal) => getProject(projectId, signal),
    [projectId],
  );

  const context = useMemo<ManagedProjectContext | null>(
    () => {
      if (!project) return null;
      const canManage = project.role === "manager" || Boolean(user?.is_staff);
      return { project, setProject: setData, canManage, canReview: canManage || project.role === "reviewer" };
    },
    [project, setData, user?.is_staff],
  );

  if (error && isApiError(error) && error.status === 404) {
    return (
      <div className="page">
        <ErrorMessage title="Project not found" message="This project doesn't exist, or you are not a member of it." />
        <Link to="/projects" className="button button--secondary button--small mg-self-start">
          Back to projects
        </Link>
      </div>
    );
  }
  if (!project || !context) {
    return error ? (
      <div className="page">
        <ErrorMessage title="Couldn't load the project" error={error} onRetry={reload} />
      </div>
    ) : (
      <PageLoading label="Loading the project…" />
    );
  }

  const seesStats = context.canReview;
  const tabs = [
    { to: `/projects/${project.id}`, label: "Dashboard", end: true, show: seesStats },
    { to: `/projects/${project.id}/items`, label: "Items", end: false, show: seesStats },
    { to: `/projects/${project.id}/import`, label: "Import", end: true, show: context.canManage },
    { to: `/projects/${project.id}/members`, label: "Members", end: true, show: true },
    { to: `/projects/${project.id}/settings`, label: "Settings", end: true, show: context.canManage },
  ].filter((tab) => tab.show);

  return (
    <div className="page mg-project">
      <div className="mg-project__head">
        <nav aria-label="Breadcrumb" className="mg-breadcrumb">
          <Link to="/projects">Projects</Link>
          <span aria-hidden="true">/</span>
        </nav>
        <div className="mg-project__title-row">
          <h1 className="page-header__title mg-project__title">{project.name}</h1>
          <span className={`badge badge--kind-${project.kind}`}>{KIND_LABELS[project.kind]}</span>
          {loading ? <span className="spinner" aria-label="Refreshing" /> : null}
        </div>
        <nav className="mg-tabs" aria-label="Project sections">
          {tabs.map((tab) => (
            <NavLink key={tab.to} to={tab.to} end={tab.end} className="mg-tabs__link">
              {tab.label}
            </NavLink>
          ))}
        </nav>
      </div>
      <Suspense fallback={<PageLoading />}>
        <Outlet context={context} />
      </Suspense>
    </div>
  );
}
