import { useEffect, useState } from "react";
import { Link, useLocation, useParams, useSearchParams } from "react-router-dom";
import { listProjectAnnotations, type AnnotationOut } from "../../api/annotations";
import { isAbortError, pageFromUrl, type Paginated } from "../../api/client";
import { ErrorMessage } from "../../components/ErrorMessage";
import { canReview, useLabelingProject } from "../annotate/useProject";
import { WorkspaceShell } from "../annotate/WorkspaceShell";
import { StatusBadge } from "../review/StatusBadge";
import { summariseResult } from "./summary";
import styles from "./history.module.css";

const FILTERS: { value: AnnotationOut["status"] | null; label: string }[] = [
  { value: null, label: "All" },
  { value: "rejected", label: "Rejected" },
  { value: "pending", label: "Pending" },
  { value: "accepted", label: "Accepted" },
];

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

function statusParam(raw: string | null): AnnotationOut["status"] | null {
  return raw === "pending" || raw === "accepted" || raw === "rejected" ? raw : null;
}

/** `/projects/:projectId/history`: "My work", the annotator's submissions with reviewers' comments. */
export function HistoryPage() {
  const projectId = Number(useParams().projectId);
  const { project } = useLabelingProject(projectId);
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const saved = (location.state as { saved?: number } | null)?.saved;
  const page = Math.max(1, Number(params.get("page")) || 1);
  const status = statusParam(params.get("status"));
  const [data, setData] = useState<Paginated<AnnotationOut> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setError(null);
    listProjectAnnotations(projectId, page > 1 ? page : undefined, { signal: controller.signal, ...(status ? { status } : {}) }).then(setData, (e: unknown) => {
      if (!isAbortError(e)) setError(e);
    });
    return () => controller.abort();
  }, [projectId, page, status, attempt]);

  const go = (next: { page?: number; status?: string | null }) => {
    const search = new URLSearchParams(params);
    if (next.status !== undefined) {
      if (next.status) search.set("status", next.status);
      else search.delete("status");
      search.delete("page");
    }
    if (next.page !== undefined) {
      if (next.page > 1) search.set("page", String(next.page));
      else search.delete("page");
    }
    setParams(search);
  };

  return (
    <WorkspaceShell projectId={projectId} projectName={project?.name} screen="My work" canReview={canReview(project)} scroll>
      <div className={`page ${styles.page}`}>
        <div className="page-header">
          <div>
            <h1 className="page-header__title">My work</h1>
            <p className="page-header__subtitle muted">
              {data ? `${data.count} annotation${data.count === 1 ? "" : "s"}` : "\u00a0"} · you can edit your work until a reviewer accepts it
            </p>
          </div>
          <div className={styles.filters} role="group" aria-label="Filter by status">
            {FILTERS.map((filter) => (
              <button key={filter.label} type="button" className={styles.filter} aria-pressed={status === filter.value} onClick={() => go({ status: filter.value })}>
                {filter.label}
              </button>
            ))}
          </div>
        </div>
        {saved ? <p className={styles.notice} role="status">Annotation #{saved} saved.</p> : null}
        {error ? <ErrorMessage title="Couldn't load your work" error={error} onRetry={() => setAttempt((n) => n + 1)} /> : null}
        {data && data.results.length === 0 ? (
          <div className="empty-state">
            <h2 className="empty-state__title">{status ? `No ${status} annotations` : "Nothing submitted yet"}</h2>
            <Link className="button button--primary" to={`/projects/${projectId}/annotate`}>
              Start labeling
            </Link>
          </div>
        ) : null}
        {data && data.results.length > 0 ? (
          <div className="table-card">
            <table className="table">
              <caption className="visually-hidden">Your annotations, newest first</caption>
              <colgroup>
                <col className={styles.colItem} />
                <col />
                <col className={styles.colStatus} />
                <col className={styles.colDate} />
                <col className={styles.colAction} />
              </colgroup>
              <thead>
                <tr>
                  <th scope="col">Item</th>
                  <th scope="col">Labels / reviewer's comment</th>
                  <th scope="col">Status</th>
                  <th scope="col">Submitted</th>
                  <th scope="col">
                    <span className="visually-hidden">Action</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.results.map((annotation) => (
                  <tr key={annotation.id} data-annotation={annotation.id}>
                    <td>#{annotation.item}</td>
                    <td>
                      <div className={styles.summary}>{summariseResult(annotation.result)}</div>
                      {annotation.review_comment ? (
                        <div className={styles.comment}>
                          {annotation.reviewed_by ? `${annotation.reviewed_by}: ` : ""}
                          {annotation.review_comment}
                        </div>
                      ) : null}
                    </td>
                    <td>
                      <StatusBadge status={annotation.status} />
                    </td>
                    <td className="muted">
                      <time dateTime={annotation.created_at}>{dateFormat.format(new Date(annotation.created_at))}</time>
                    </td>
                    <td>
                      <Link className="button button--secondary button--small" to={`/projects/${projectId}/history/${annotation.id}`}>
                        {annotation.status === "accepted" ? "View" : annotation.status === "rejected" ? "Fix & resubmit" : "Edit"}
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {data && (data.next || data.previous) ? (
          <nav className="pagination" aria-label="Pagination">
            <button type="button" className="button button--secondary button--small" disabled={!data.previous} onClick={() => go({ page: pageFromUrl(data.previous) ?? page - 1 })}>
              Previous
            </button>
            <span className="pagination__status">Page {page}</span>
            <button type="button" className="button button--secondary button--small" disabled={!data.next} onClick={() => go({ page: pageFromUrl(data.next) ?? page + 1 })}>
              Next
            </button>
          </nav>
        ) : null}
      </div>
    </WorkspaceShell>
  );
}
