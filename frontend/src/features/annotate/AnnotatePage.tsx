import { useCallback, useMemo, useRef, useState } from "react";
import { Link, useParams } from "react-router-dom";
import { toResult } from "../../annotator/core/result";
import { parseLabelSchema } from "../../annotator/core/schema";
import type { AnnotationDoc } from "../../annotator/core/types";
import { isBusy } from "../../annotator/editor/state";
import { ShortcutSheet, type Shortcut } from "../../annotator/view/ShortcutSheet";
import type { LabelingProject } from "../../api/queue";
import { ErrorMessage } from "../../components/ErrorMessage";
import { itemLoadEvent } from "./itemLoad";
import { describeSubmitError, missingRequired } from "./submitErrors";
import { markTiming } from "./timing";
import { useEditor, useLabelingKeys } from "./useEditor";
import { canReview, useLabelingProject } from "./useProject";
import { useQueueSession } from "./useQueueSession";
import { Workspace } from "./Workspace";
import { WorkspaceShell } from "./WorkspaceShell";
import styles from "./workspace.module.css";

const SCREEN_KEYS: Shortcut[] = [
  { keys: "Ctrl/⌘ + Enter", what: "Submit and show the next item" },
];

/** `/projects/:projectId/annotate`: the annotator's queue. */
export function AnnotatePage() {
  const projectId = Number(useParams().projectId);
  const { project, error, retry } = useLabelingProject(projectId);
  const [help, setHelp] = useState(false);
  return (
    <WorkspaceShell projectId={projectId} projectName={project?.name} screen="Labeling" canReview={canReview(project)} onHelp={() => setHelp(true)}>
      {error ? (
        <div className={styles.centerState}>
          <ErrorMessage title="Couldn't open this project" error={error} onRetry={retry} />
        </div>
      ) : project ? (
        <AnnotateQueue key={project.id} project={project} help={help} setHelp={setHelp} />
      ) : (
        <Loading text="Opening the project…" />
      )}
    </WorkspaceShell>
  );
}

export default AnnotatePage;

function Loading({ text }: { text: string }) {
  return (
    <div className={styles.centerState} role="status">
      <span>
        <span className="spinner" aria-hidden="true" /> {text}
      </span>
    </div>
  );
}

interface QueueProps {
  project: LabelingProject;
  help: boolean;
  setHelp: (open: boolean) => void;
}

function AnnotateQueue({ project, help, setHelp }: QueueProps) {
  const schema = useMemo(() => parseLabelSchema(project.label_schema, project.kind), [project]);
  const { store, state } = useEditor(() => ({ schema, kind: project.kind }));
  const { session, snapshot } = useQueueSession(project, (current) => store.dispatch(itemLoadEvent(current.item, project.kind, schema)));
  const submittedDoc = useRef<AnnotationDoc | null>(null);
  const [localProblem, setLocalProblem] = useState<string | null>(null);
  const { phase, current } = snapshot;

  const submit = useCallback(
    (startTime?: number) => {
      if (!session || session.getSnapshot().phase !== "ready") return;
      const editor = store.getState();
      if (isBusy(editor)) store.dispatch({ type: "pointercancel" });
      const doc = store.getState().history.present;
      const missing = missingRequired(doc, schema);
      if (missing.length) {
        setLocalProblem(`Pick a label for ${missing.join(", ")} (required) before submitting.`);
        return;
      }
      setLocalProblem(null);
      submittedDoc.current = doc;
      const itemId = session.getSnapshot().current?.item.id;
      markTiming("annolake:submit", itemId, startTime);
      void session.submit(toResult(doc, { schema, image: editor.image, text: editor.text }));
    },
    [session, store, schema],
  );

  const skip = useCallback(() => {
    setLocalProblem(null);
    void session?.skip();
  }, [session]);

  useLabelingKeys({
    // While submitting or skipping, edits would be lost with the item: keys go nowhere.
    store: phase === "ready" ? store : null,
    enabled: !help,
    onKey: (event) => {
      if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
        submit(event.timeStamp);
        return true;
      }
      if (event.key === "?") {
        setHelp(true);
        return true;
      }
      return false;
    },
  });

  const onReady = useCallback((itemId: number) => {
    markTiming("annolake:ready", itemId);
  }, []);

  const shortcutSheet = help ? (
    <ShortcutSheet kind={project.kind} hotkeys={state.hotkeys} screenKeys={SCREEN_KEYS} onClose={() => setHelp(false)} />
  ) : null;

  if (!current) {
    if (phase === "empty") {
      return (
        <div className={styles.centerState}>
          <div className={styles.centerCard}>
            <h1 className={styles.centerTitle}>Nothing left to label</h1>
            <p className="muted">
              {snapshot.submitted ? `You submitted ${snapshot.submitted} item${snapshot.submitted === 1 ? "" : "s"} in this session. ` : ""}
              There are no more items for you in this project right now.
            </p>
            <div className={styles.actions}>
              <Link className="button button--secondary" to={`/projects/${project.id}/history`}>
                My work
              </Link>
              <Link className="button button--primary" to="/projects">
                Back to projects
              </Link>
            </div>
          </div>
        </div>
      );
    }
    if (phase === "error") {
      return (
        <div className={styles.centerState}>
          <ErrorMessage title="Couldn't load the next item" error={snapshot.error} onRetry={() => void session?.next()} />
        </div>
      );
    }
    return <Loading text="Loading the next item…" />;
  }

  const problem = snapshot.actionError ? describeSubmitError(snapshot.actionError, submittedDoc.current) : null;
  const gone = snapshot.leaseLost ?? (problem?.itemGone ? problem.summary : null);
  const busy = phase === "submitting" || phase === "skipping";
  const status = localProblem ?? problem?.summary ?? null;

  return (
    <>
      <Workspace
        store={store}
        state={state}
        itemId={current.item.id}
        src={current.item.media_url}
        instructions={project.instructions}
        errors={problem?.regions}
        onReady={onReady}
        frozen={phase !== "ready"}
        banner={
          phase === "error" ? (
            <div className={`${styles.banner} ${styles.bannerDanger}`} role="alert">
              Your work was saved, but the next item didn't load. <button type="button" className="button button--secondary button--small" onClick={() => void session?.next()}>Retry</button>
            </div>
          ) : gone ? (
            <div className={styles.banner} role="alert">
              <span>{gone}</span>
              <button type="button" className="button button--secondary button--small" onClick={() => void session?.moveOn()}>
                Take the next item
              </button>
            </div>
          ) : null
        }
        footer={
          <>
            <span className={styles.itemInfo}>
              Item #{current.item.id}
              {current.item.external_id ? ` · ${current.item.external_id}` : ""}
              {snapshot.submitted ? ` · ${snapshot.submitted} done` : ""}
            </span>
            <div className={`${styles.status} ${status ? styles.statusError : ""}`} role="status" aria-live="polite">
              {status ?? (busy ? (phase === "submitting" ? "Submitting…" : "Skipping…") : "")}
            </div>
            <div className={styles.actions}>
              <button type="button" className="button button--secondary" onClick={skip} disabled={phase !== "ready"}>
                Skip
              </button>
              <button type="button" className="button button--primary" onClick={() => submit()} disabled={phase !== "ready"} aria-keyshortcuts="Control+Enter Meta+Enter">
                {phase === "submitting" ? <span className="spinner spinner--on-accent" aria-hidden="true" /> : null}
                Submit <kbd className={styles.kbdHint}>Ctrl+↵</kbd>
              </button>
            </div>
          </>
        }
      />
      {shortcutSheet}
    </>
  );
}
