import { useCallback, useLayoutEffect, useMemo, useRef, useState } from "react";
import { Link, useParams } from "react-router-dom";
import { toResult } from "../../annotator/core/result";
import { parseLabelSchema } from "../../annotator/core/schema";
import type { AnnotationDoc } from "../../annotator/core/types";
import { ShortcutSheet, type Shortcut } from "../../annotator/view/ShortcutSheet";
import type { AnnotationOut } from "../../api/annotations";
import type { LabelingProject } from "../../api/queue";
import { ErrorMessage } from "../../components/ErrorMessage";
import { itemLoadEvent } from "../annotate/itemLoad";
import { describeSubmitError } from "../annotate/submitErrors";
import { useEditor, useLabelingKeys } from "../annotate/useEditor";
import { canReview, useLabelingProject } from "../annotate/useProject";
import { Workspace } from "../annotate/Workspace";
import { WorkspaceShell } from "../annotate/WorkspaceShell";
import shell from "../annotate/workspace.module.css";
import { CompareView } from "./CompareView";
import { RejectDialog } from "./RejectDialog";
import { pendingAnnotations } from "./reviewSession";
import { StatusBadge } from "./StatusBadge";
import { useReviewSession } from "./useReviewSession";
import styles from "./review.module.css";

const REVIEW_KEYS: Shortcut[] = [
  { keys: "A", what: "Accept the highlighted annotation" },
  { keys: "R", what: "Reject it with a comment (Enter sends)" },
  { keys: "E", what: "Fix it with the tools, then Ctrl/⌘ + Enter accepts the fix" },
];

/** `/projects/:projectId/review`: the review queue. */
export function ReviewPage() {
  const projectId = Number(useParams().projectId);
  const { project, error, retry } = useLabelingProject(projectId);
  const [help, setHelp] = useState(false);
  const allowed = canReview(project);
  return (
    <WorkspaceShell projectId={projectId} projectName={project?.name} screen="Review" canReview={allowed || !project} onHelp={() => setHelp(true)}>
      {error ? (
        <div className={shell.centerState}>
          <ErrorMessage title="Couldn't open this project" error={error} onRetry={retry} />
        </div>
      ) : !project ? (
        <div className={shell.centerState} role="status">
          <span>
            <span className="spinner" aria-hidden="true" /> Opening the project…
          </span>
        </div>
      ) : !allowed ? (
        <div className={shell.centerState}>
          <ErrorMessage message="Only reviewers and managers of this project can review." />
        </div>
      ) : (
        <ReviewQueue key={project.id} project={project} help={help} setHelp={setHelp} />
      )}
    </WorkspaceShell>
  );
}

interface QueueProps {
  project: LabelingProject;
  help: boolean;
  setHelp: (open: boolean) => void;
}

function ReviewQueue({ project, help, setHelp }: QueueProps) {
  const schema = useMemo(() => parseLabelSchema(project.label_schema, project.kind), [project]);
  const { store, state } = useEditor(() => ({ schema, kind: project.kind, readOnly: true }));
  const { session, snapshot } = useReviewSession(project.id, project.lease_seconds);
  const [focusId, setFocusId] = useState<number | null>(null);
  const [fixing, setFixing] = useState<number | null>(null);
  const [rejecting, setRejecting] = useState<AnnotationOut | null>(null);
  const fixedDoc = useRef<AnnotationDoc | null>(null);
  const { current, phase } = snapshot;

  const pending = pendingAnnotations(current);
  const target = current?.annotations.find((a) => a.id === focusId && a.status === "pending") ?? pending[0] ?? current?.annotations[0] ?? null;
  const single = current !== null && (current.annotations.length === 1 || fixing !== null);

  // Show the annotation under review in the editor before the frame is painted.
  useLayoutEffect(() => {
    if (!current || !target || !single) return;
    store.dispatch(itemLoadEvent(current.item, project.kind, schema, target.result, fixing !== target.id));
  }, [current?.item.id, target?.id, fixing, single]); // eslint-disable-line react-hooks/exhaustive-deps

  const send = useCallback(
    async (annotation: AnnotationOut, verdict: "accept" | "reject" | "fix", comment = "") => {
      if (!session) return;
      const body: Parameters<typeof session.verdict>[1] = { verdict, comment };
      if (verdict === "fix") {
        const editor = store.getState();
        fixedDoc.current = editor.history.present;
        body.result = toResult(editor.history.present, { schema, image: editor.image, text: editor.text });
      }
      const ok = await session.verdict(annotation.id, body);
      if (ok) {
        setRejecting(null);
        setFixing(null);
        setFocusId(null);
      }
    },
    [session, store, schema],
  );

  useLabelingKeys({
    store: single ? store : null,
    enabled: !help && rejecting === null,
    onKey: (event) => {
      if (event.key === "?") {
        setHelp(true);
        return true;
      }
      if (!target || phase !== "ready" || target.status !== "pending") return false;
      if (fixing !== null) {
        if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
          void send(target, "fix");
          return true;
        }
        return false;
      }
      if (event.ctrlKey || event.metaKey || event.altKey) return false;
      const key = event.key.toLowerCase();
      if (key === "a") void send(target, "accept");
      else if (key === "r") setRejecting(target);
      else if (key === "e") setFixing(target.id);
      else return false;
      return true;
    },
  });

  const sheet = help ? <ShortcutSheet kind={project.kind} hotkeys={state.hotkeys} screenKeys={REVIEW_KEYS} onClose={() => setHelp(false)} /> : null;

  if (!current) {
    if (phase === "error") {
      return (
        <div className={shell.centerState}>
          <ErrorMessage title="Couldn't load the next item to review" error={snapshot.error} onRetry={() => void session?.next()} />
        </div>
      );
    }
    if (phase === "empty") {
      return (
        <div className={shell.centerState}>
          <div className={shell.centerCard}>
            <h1 className={shell.centerTitle}>Nothing to review</h1>
            <p className="muted">
              {snapshot.reviewed ? `You reviewed ${snapshot.reviewed} annotation${snapshot.reviewed === 1 ? "" : "s"}. ` : ""}
              No submitted work is waiting for review in this project.
            </p>
            <Link className="button button--primary" to="/projects">
              Back to projects
            </Link>
          </div>
        </div>
      );
    }
    return (
      <div className={shell.centerState} role="status">
        <span>
          <span className="spinner" aria-hidden="true" /> Loading the next item to review…
        </span>
      </div>
    );
  }

  const busy = phase === "sending";
  const actionError = snapshot.actionError;
  const rejectError = rejecting && actionError?.annotationId === rejecting.id ? actionError.error : null;
  const dialog = rejecting ? (
    <RejectDialog username={rejecting.username} sending={busy} error={rejectError} onSend={(comment) => void send(rejecting, "reject", comment)} onClose={() => setRejecting(null)} />
  ) : null;

  if (!single) {
    return (
      <>
        <CompareView
          current={current}
          schema={schema}
          kind={project.kind}
          focusId={target?.id ?? null}
          busy={busy}
          error={rejecting ? null : actionError}
          onFocus={setFocusId}
          onAccept={(a) => void send(a, "accept")}
          onReject={setRejecting}
          onFix={(a) => {
            setFocusId(a.id);
            setFixing(a.id);
          }}
        />
        {dialog}
        {sheet}
      </>
    );
  }

  const problem = actionError && !rejecting ? describeSubmitError(actionError.error, fixing !== null ? fixedDoc.current : null) : null;
  const isFixing = fixing !== null && target?.id === fixing;
  return (
    <>
      <Workspace
        store={store}
        state={state}
        itemId={current.item.id}
        src={current.item.media_url}
        instructions={project.instructions}
        errors={problem?.regions}
        banner={
          isFixing ? (
            <div className={shell.banner}>Fixing {target?.username}'s annotation: correct it with the tools, then Accept fix (Ctrl+Enter).</div>
          ) : snapshot.leaseLost ? (
            <div className={shell.banner} role="alert">
              {snapshot.leaseLost}
            </div>
          ) : null
        }
        details={
          target ? (
            <dl className={styles.facts}>
              <dt>Annotator</dt>
              <dd>{target.username}</dd>
              <dt>Status</dt>
              <dd>
                <StatusBadge status={target.status} />
              </dd>
              <dt>Lead time</dt>
              <dd>{(target.lead_time_ms / 1000).toFixed(1)} s</dd>
              <dt>Agreement</dt>
              <dd>{current.item.agreement === null ? "—" : `${Math.round(current.item.agreement * 100)}%`}</dd>
            </dl>
          ) : null
        }
        footer={
          <>
            <span className={shell.itemInfo}>
              Item #{current.item.id} · by {target?.username}
              {snapshot.reviewed ? ` · ${snapshot.reviewed} reviewed` : ""}
            </span>
            <div className={`${shell.status} ${problem ? shell.statusError : ""}`} role="status" aria-live="polite">
              {problem?.summary ?? (busy ? "Sending…" : "")}
            </div>
            <div className={shell.actions}>
              {isFixing ? (
                <>
                  <button type="button" className="button button--secondary" disabled={busy} onClick={() => setFixing(null)}>
                    Cancel fix
                  </button>
                  <button type="button" className="button button--primary" disabled={busy} onClick={() => target && void send(target, "fix")}>
                    Accept fix <kbd className={shell.kbdHint}>Ctrl+↵</kbd>
                  </button>
                </>
              ) : target?.status === "pending" ? (
                <>
                  <button type="button" className="button button--secondary" disabled={busy} onClick={() => setRejecting(target)}>
                    Reject <kbd className={shell.kbdHint}>R</kbd>
                  </button>
                  <button type="button" className="button button--secondary" disabled={busy} onClick={() => setFixing(target.id)}>
                    Fix <kbd className={shell.kbdHint}>E</kbd>
                  </button>
                  <button type="button" className="button button--primary" disabled={busy} onClick={() => void send(target, "accept")}>
                    Accept <kbd className={shell.kbdHint}>A</kbd>
                  </button>
                </>
              ) : null}
            </div>
          </>
        }
      />
      {dialog}
      {sheet}
    </>
  );
}
