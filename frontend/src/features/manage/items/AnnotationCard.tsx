import { useState } from "react";
import { listRevisions, type Annotation, type Result, type Revision } from "../../../api/items";
import { ErrorMessage } from "../../../components/ErrorMessage";
import { formatDateTime, formatDuration, formatScore } from "../shared/format";
import type { Shown } from "./ItemDetailPage";
import { ResultChips } from "./ResultChips";
import type { ColorLookup } from "./regions";

interface AnnotationCardProps {
  annotation: Annotation;
  color: ColorLookup;
  active: Shown;
  canManage: boolean;
  gtBusy: boolean;
  gtDisabled: boolean;
  onShow: (result: Result, revision?: number) => void;
  onUseAsGroundTruth: (result: Result) => void;
}

const STATUS_LABELS = { pending: "Pending", accepted: "Accepted", rejected: "Rejected" } as const;
const REASON_LABELS: Record<string, string> = {
  submit: "Submitted",
  edit: "Edited",
  fix: "Fixed in review",
  schema: "Schema change",
};

/** One annotation: who, status, scores, choices; show it, use it as ground truth, see its revisions. */
export function AnnotationCard(props: AnnotationCardProps) {
  const { annotation, color, active, canManage } = props;
  const [revisions, setRevisions] = useState<Revision[] | null>(null);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const isShown = active.kind === "annotation" && active.id === annotation.id;
  const revisionsId = `revisions-${annotation.id}`;

  async function toggleRevisions() {
    const next = !open;
    setOpen(next);
    if (!next || revisions !== null) return;
    setLoading(true);
    setError(null);
    try {
      setRevisions(await listRevisions(annotation.id));
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }

  return (
    <article className={`mg-annotation${isShown ? " is-shown" : ""}`} aria-label={`Annotation by ${annotation.username}`}>
      <header className="mg-annotation__head">
        <span className="mg-annotation__user">{annotation.username}</span>
        <span className={`mg-status mg-status--${annotation.status}`}>{STATUS_LABELS[annotation.status]}</span>
        <span className="muted mg-small mg-annotation__time">{formatDateTime(annotation.created_at)}</span>
      </header>
      <p className="muted mg-small">
        Lead time {formatDuration(annotation.lead_time_ms)}
        {annotation.ground_truth_score !== null ? ` · ground-truth score ${formatScore(annotation.ground_truth_score)}` : ""}
        {annotation.reviewed_by ? ` · reviewed by ${annotation.reviewed_by}` : ""}
      </p>
      {annotation.review_comment ? <blockquote className="mg-annotation__comment">{annotation.review_comment}</blockquote> : null}
      <ResultChips result={annotation.result} color={color} />
      <div className="mg-inline mg-annotation__actions">
        <button
          type="button"
          className="button button--secondary button--small"
          aria-pressed={isShown && !active.revision}
          onClick={() => props.onShow(annotation.result)}
        >
          Show on item
        </button>
        {canManage ? (
          <button
            type="button"
            className="button button--ghost button--small"
            disabled={props.gtDisabled}
            onClick={() => props.onUseAsGroundTruth(annotation.result)}
          >
            {props.gtBusy ? <span className="spinner" aria-hidden="true" /> : null}
            Use as ground truth
          </button>
        ) : null}
        <button
          type="button"
          className="button button--ghost button--small"
          aria-expanded={open}
          aria-controls={revisionsId}
          onClick={() => void toggleRevisions()}
        >
          Revisions
        </button>
      </div>
      <div id={revisionsId} hidden={!open}>
        {loading ? <p className="muted mg-small">Loading revisions…</p> : null}
        {error ? <ErrorMessage error={error} /> : null}
        {revisions ? (
          <ol className="mg-revisions">
            {revisions.map((revision) => {
              const shownHere = isShown && active.kind === "annotation" && active.revision === revision.number;
              return (
                <li key={revision.number} className={shownHere ? "is-shown" : undefined}>
                  <div className="mg-revisions__head">
                    <strong>#{revision.number}</strong>
                    <span>{REASON_LABELS[revision.reason] ?? revision.reason}</span>
                    <span className="muted">
                      by {revision.author ?? "—"} · {formatDateTime(revision.created_at)}
                    </span>
                    <button
                      type="button"
                      className="button button--ghost button--small"
                      aria-pressed={shownHere}
                      onClick={() => props.onShow(revision.result, revision.number)}
                    >
                      Show
                    </button>
                  </div>
                  <ResultChips result={revision.result} color={color} />
                </li>
              );
            })}
          </ol>
        ) : null}
      </div>
    </article>
  );
}
