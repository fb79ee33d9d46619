import { useCallback, useEffect, useState } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { isAbortError, isApiError, pageFromUrl, type Paginated } from "../../api/client";
import { listProjects, type Project, type ProjectKind, type ProjectRole } from "../../api/projects";
import { ErrorMessage } from "../../components/ErrorMessage";
import { ProjectLabelingLinks } from "../annotate/ProjectLinks";
import { useSession } from "../auth/SessionContext";

const KIND_LABELS: Record<ProjectKind, string> = { image: "Image", text: "Text" };
const ROLE_LABELS: Record<ProjectRole, string> = {
  annotator: "Annotator",
  reviewer: "Reviewer",
  manager: "Manager",
};
const SKELETON_ROWS = 6;

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const numberFormat = new Intl.NumberFormat();

function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "—" : dateFormat.format(date);
}

function parsePage(raw: string | null): number {
  const page = Number(raw);
  return Number.isInteger(page) && page >= 1 ? page : 1;
}

interface LoadState {
  data: Paginated<Project> | null;
  /** The page `data` belongs to. */
  dataPage: number;
  loading: boolean;
  error: unknown;
}

export function ProjectsPage() {
  const [searchParams, setSearchParams] = useSearchParams();
  const page = parsePage(searchParams.get("page"));
  const [reloadKey, setReloadKey] = useState(0);
  const [state, setState] = useState<LoadState>({ data: null, dataPage: page, loading: true, error: null });

  useEffect(() => {
    const controller = new AbortController();
    // Keep showing the previous page while the next one loads (no layout jump).
    setState((prev) => ({ ...prev, loading: true, error: null }));
    listProjects(page > 1 ? page : undefined, controller.signal).then(
      (data) => setState({ data, dataPage: page, loading: false, error: null }),
      (error: unknown) => {
        if (isAbortError(error)) return;
        setState((prev) => ({ ...prev, loading: false, error }));
      },
    );
    return () => controller.abort();
  }, [page, reloadKey]);

  const goToPage = useCallback(
    (target: number) => {
      setSearchParams(
        (prev) => {
          const params = new URLSearchParams(prev);
          if (target <= 1) params.delete("page");
          else params.set("page", String(target));
          return params;
        },
        { replace: false },
      );
    },
    [setSearchParams],
  );

  const { data, loading, error } = state;
  const retry = () => setReloadKey((k) => k + 1);

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1 className="page-header__title">Projects</h1>
          <p className="page-header__subtitle muted" aria-live="polite">
            {data ? summary(data, state.dataPage) : "\u00a0"}
          </p>
        </div>
        {/* Any signed-in user may create a project (they become its manager). */}
        <Link to="/projects/new" className="button button--primary">
          New project
        </Link>
      </div>

      {error ? (
        isApiError(error) && error.status === 404 && page > 1 ? (
          <div className="stack-sm">
            <ErrorMessage message={`Page ${page} doesn't exist.`} />
            <Link to="/projects" className="button button--secondary button--small">
              Go to the first page
            </Link>
          </div>
        ) : (
          <ErrorMessage title="Couldn't load projects" error={error} onRetry={retry} />
        )
      ) : null}

      {data === null && !error ? <ProjectsTableSkeleton /> : null}

      {data !== null && data.results.length === 0 && !error ? <EmptyState /> : null}

      {data !== null && data.results.length > 0 ? (
        <div className={`table-card${loading ? " is-loading" : ""}`} aria-busy={loading}>
          <ProjectsTable projects={data.results} />
        </div>
      ) : null}

      {data !== null && (data.next !== null || data.previous !== null) ? (
        <Pagination
          page={state.dataPage}
          previousPage={pageFromUrl(data.previous) ?? (state.dataPage > 1 ? state.dataPage - 1 : null)}
          nextPage={pageFromUrl(data.next) ?? (data.next !== null ? state.dataPage + 1 : null)}
          totalPages={totalPages(data, state.dataPage)}
          onChange={goToPage}
        />
      ) : null}
    </div>
  );
}

function totalPages(data: Paginated<Project>, page: number): number {
  if (data.next === null) return page;
  const pageSize = data.results.length;
  return pageSize > 0 ? Math.max(page, Math.ceil(data.count / pageSize)) : page;
}

function summary(data: Paginated<Project>, page: number): string {
  const n = data.count;
  if (n === 0) return "No projects";
  const noun = n === 1 ? "project" : "projects";
  if (data.next === null && data.previous === null) return `${numberFormat.format(n)} ${noun}`;
  const size = data.results.length;
  const start = data.next === null ? n - size + 1 : (page - 1) * size + 1;
  const end = start + size - 1;
  return `Showing ${numberFormat.format(start)}–${numberFormat.format(end)} of ${numberFormat.format(n)} ${noun}`;
}

function ProjectsTable({ projects }: { projects: Project[] }) {
  const isStaff = Boolean(useSession().user?.is_staff);
  return (
    <table className="table">
      <caption className="visually-hidden">Your projects</caption>
      <colgroup>
        <col />
        <col className="table__col-kind" />
        <col className="table__col-role" />
        <col className="table__col-items" />
        <col className="table__col-date" />
      </colgroup>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Type</th>
          <th scope="col">Your role</th>
          <th scope="col" className="table__num">
            Items
          </th>
          <th scope="col">Created</th>
        </tr>
      </thead>
      <tbody>
        {projects.map((project) => (
          <tr key={project.id}>
            <td>
              <div className="project-cell">
                <div className="project-cell__text">
                  <div className="project-name">{project.name}</div>
                  {project.description ? (
                    <div className="project-description" title={project.description}>
                      {project.description}
                    </div>
                  ) : (
                    <div className="project-description project-description--empty">No description</div>
                  )}
                </div>
                {project.role === "manager" || (project.role === null && isStaff) ? (
                  <Link
                    to={`/projects/${project.id}`}
                    className="button button--secondary button--small"
                    aria-label={`Manage ${project.name}`}
                  >
                    Manage
                  </Link>
                ) : null}
                <ProjectLabelingLinks project={project} isStaff={isStaff} />
              </div>
            </td>
            <td>
              <span className={`badge badge--kind-${project.kind}`}>{KIND_LABELS[project.kind] ?? project.kind}</span>
            </td>
            <td>
              {project.role ? (
                <span className={`role role--${project.role}`}>{ROLE_LABELS[project.role] ?? project.role}</span>
              ) : (
                <span className="muted" title="You are not a member of this project">
                  —
                </span>
              )}
            </td>
            <td className="table__num">{numberFormat.format(project.item_count)}</td>
            <td className="muted">
              <time dateTime={project.created_at}>{formatDate(project.created_at)}</time>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ProjectsTableSkeleton() {
  return (
    <div className="table-card" aria-busy="true">
      <span className="visually-hidden" role="status">
        Loading projects…
      </span>
      <table className="table" aria-hidden="true">
        <colgroup>
          <col />
          <col className="table__col-kind" />
          <col className="table__col-role" />
          <col className="table__col-items" />
          <col className="table__col-date" />
        </colgroup>
        <thead>
          <tr>
            <th>Name</th>
            <th>Type</th>
            <th>Your role</th>
            <th className="table__num">Items</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {Array.from({ length: SKELETON_ROWS }, (_, i) => (
            <tr key={i}>
              <td>
                <div className="skeleton skeleton--title" />
                <div className="skeleton skeleton--text" />
              </td>
              <td>
                <div className="skeleton skeleton--badge" />
              </td>
              <td>
                <div className="skeleton skeleton--short" />
              </td>
              <td className="table__num">
                <div className="skeleton skeleton--num" />
              </td>
              <td>
                <div className="skeleton skeleton--short" />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function EmptyState() {
  return (
    <div className="empty-state">
      <svg className="empty-state__icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path
          d="M3 7.5A2.5 2.5 0 0 1 5.5 5h4l2 2h7A2.5 2.5 0 0 1 21 9.5v7a2.5 2.5 0 0 1-2.5 2.5h-13A2.5 2.5 0 0 1 3 16.5z"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.5"
          strokeLinejoin="round"
        />
      </svg>
      <h2 className="empty-state__title">No projects yet</h2>
      <p className="muted">You haven't been added to any projects. Ask a project manager to invite you.</p>
    </div>
  );
}

interface PaginationProps {
  page: number;
  previousPage: number | null;
  nextPage: number | null;
  totalPages: number;
  onChange: (page: number) => void;
}

function Pagination({ page, previousPage, nextPage, totalPages, onChange }: PaginationProps) {
  return (
    <nav className="pagination" aria-label="Pagination">
      <button
        type="button"
        className="button button--secondary button--small"
        disabled={previousPage === null}
        onClick={() => previousPage !== null && onChange(previousPage)}
      >
        Previous
      </button>
      <span className="pagination__status">
        Page {page} of {totalPages}
      </span>
      <button
        type="button"
        className="button button--secondary button--small"
        disabled={nextPage === null}
        onClick={() => nextPage !== null && onChange(nextPage)}
      >
        Next
      </button>
    </nav>
  );
}
