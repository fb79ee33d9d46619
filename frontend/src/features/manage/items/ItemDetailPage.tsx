import { useMemo, useState } from "react";
import { Link, useLocation, useParams } from "react-router-dom";
import { getItem, listItemAnnotations, setGroundTruth, type Annotation, type Item, type Result } from "../../../api/items";
import { ErrorMessage } from "../../../components/ErrorMessage";
import { NotFoundPage } from "../../../components/NotFoundPage";
import { parseId } from "../ManageLayout";
import { useManagedProject } from "../shared/context";
import { ReviewersOnly } from "../shared/ReviewersOnly";
import { formatScore } from "../shared/format";
import { PageLoading } from "../shared/PageLoading";
import { useLoad } from "../shared/useLoad";
import { AnnotationCard } from "./AnnotationCard";
import { ItemMedia } from "./ItemMedia";
import { ResultChips } from "./ResultChips";
import { colorLookup } from "./regions";

const STATE_LABELS = { open: "Open", submitted: "Submitted", done: "Done" } as const;

/** What is drawn over the item: the ground truth, an annotation, or one of its revisions. */
export type Shown = { kind: "none" } | { kind: "ground_truth" } | { kind: "annotation"; id: number; revision?: number; result: Result };

/** `/projects/:id/items/:itemId`: the item, all its annotations and their revisions; ground truth. */
export function ItemDetailPage() {
  const itemId = parseId(useParams().itemId);
  const { project, canReview } = useManagedProject();
  if (!canReview) return <ReviewersOnly projectId={project.id} what="The item view" />;
  if (itemId === null) return <NotFoundPage />;
  return <ItemDetail itemId={itemId} />;
}

function ItemDetail({ itemId }: { itemId: number }) {
  const { project, canManage } = useManagedProject();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? "";
  const item = useLoad((signal) => getItem(itemId, signal), [itemId]);
  const annotations = useLoad((signal) => listItemAnnotations(project.id, itemId, signal), [project.id, itemId]);
  const [shown, setShown] = useState<Shown | null>(null);
  const [gtBusy, setGtBusy] = useState<number | "clear" | null>(null);
  const [gtError, setGtError] = useState<unknown>(null);
  const [notice, setNotice] = useState("");
  const color = useMemo(() => colorLookup(project.label_schema), [project.label_schema]);

  if (item.error || annotations.error) {
    return (
      <div className="mg-stack">
        <BackLink projectId={project.id} from={from} />
        <ErrorMessage
          title="Couldn't load the item"
          error={item.error ?? annotations.error}
          onRetry={() => {
            item.reload();
            annotations.reload();
          }}
        />
      </div>
    );
  }
  if (!item.data || !annotations.data) return <PageLoading label="Loading the item…" />;

  const current: Item = item.data;
  if (current.project !== project.id) return <NotFoundPage />;
  const list: Annotation[] = annotations.data;
  const groundTruth = current.ground_truth ?? null;
  // By default: the ground truth if set, else the newest annotation.
  const active: Shown =
    shown ??
    (groundTruth ? { kind: "ground_truth" } : list[0] ? { kind: "annotation", id: list[0].id, result: list[0].result } : { kind: "none" });
  const shownResult = active.kind === "ground_truth" ? groundTruth : active.kind === "annotation" ? active.result : null;
  const caption =
    active.kind === "ground_truth"
      ? "Showing the ground truth"
      : active.kind === "annotation"
        ? `Showing ${list.find((a) => a.id === active.id)?.username ?? "an annotation"}'s annotation${active.revision ? `, revision ${active.revision}` : ""}`
        : "No annotation to show";

  async function markGroundTruth(result: Result | null, busy: number | "clear") {
    setGtBusy(busy);
    setGtError(null);
    try {
      const updated = await setGroundTruth(itemId, result);
      item.setData(updated);
      setShown(result ? { kind: "ground_truth" } : null);
      setNotice(result ? "Ground truth set. Annotations of this item are scored against it." : "Ground truth cleared.");
      annotations.reload(); // the scores changed
    } catch (error) {
      setGtError(error);
    } finally {
      setGtBusy(null);
    }
  }

  return (
    <div className="mg-stack">
      <div className="mg-item-head">
        <BackLink projectId={project.id} from={from} />
        <h2 className="mg-item-head__title">
          {current.external_id ?? `Item #${current.id}`}
          <span className={`mg-state mg-state--${current.state}`}>{STATE_LABELS[current.state]}</span>
          {groundTruth ? <span className="badge mg-badge-gt">Ground truth</span> : null}
        </h2>
        <p className="muted mg-small">
          #{current.id} · {current.annotation_count} of {project.overlap} annotations · agreement {formatScore(current.agreement)}
          {current.width && current.height ? ` · ${current.width}×${current.height}px` : ""}
        </p>
      </div>
      <p className="visually-hidden" role="status" aria-live="polite">
        {notice}
      </p>

      <div className="mg-item-layout">
        <div className="mg-item-layout__media">
          <ItemMedia item={current} result={shownResult} color={color} />
          <p className="muted mg-small mg-item-caption" aria-live="polite">
            {caption}
          </p>
          {shownResult ? <ResultChips result={shownResult} color={color} /> : null}
        </div>

        <div className="mg-item-layout__side">
          {/* Only managers see an item's ground truth (the API leaves it out for reviewers). */}
          {canManage ? (
            <section className="mg-card mg-card--tight" aria-labelledby="gt-title">
              <h3 id="gt-title" className="mg-subtitle">
                Ground truth
              </h3>
              {groundTruth ? (
                <div className="mg-inline">
                  <button
                    type="button"
                    className="button button--secondary button--small"
                    aria-pressed={active.kind === "ground_truth"}
                    onClick={() => setShown({ kind: "ground_truth" })}
                  >
                    Show
                  </button>
                  <button
                    type="button"
                    className="button button--ghost button--small"
                    disabled={gtBusy !== null}
                    onClick={() => void markGroundTruth(null, "clear")}
                  >
                    {gtBusy === "clear" ? <span className="spinner" aria-hidden="true" /> : null}
                    Clear ground truth
                  </button>
                </div>
              ) : (
                <p className="muted mg-small">
                  Not set. Use an annotation below as this item's known answer to score annotators against it.
                </p>
              )}
              {gtError ? <ErrorMessage title="Couldn't change the ground truth" error={gtError} /> : null}
            </section>
          ) : null}

          <section aria-labelledby="annotations-title" className="mg-stack-sm">
            <h3 id="annotations-title" className="mg-subtitle">
              Annotations <span className="muted">({list.length})</span>
            </h3>
            {list.length === 0 ? <p className="muted mg-small">Nobody has annotated this item yet.</p> : null}
            {list.map((annotation) => (
              <AnnotationCard
                key={annotation.id}
                annotation={annotation}
                color={color}
                active={active}
                canManage={canManage}
                gtBusy={gtBusy === annotation.id}
                gtDisabled={gtBusy !== null}
                onShow={(result, revision) => setShown({ kind: "annotation", id: annotation.id, result, ...(revision ? { revision } : {}) })}
                onUseAsGroundTruth={(result) => void markGroundTruth(result, annotation.id)}
              />
            ))}
          </section>
        </div>
      </div>
    </div>
  );
}

function BackLink({ projectId, from }: { projectId: number; from: string }) {
  return (
    <Link to={`/projects/${projectId}/items${from}`} className="mg-back">
      ← All items
    </Link>
  );
}
