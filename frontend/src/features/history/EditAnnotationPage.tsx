import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { toResult } from "../../annotator/core/result";
import { parseLabelSchema } from "../../annotator/core/schema";
import type { AnnotationDoc } from "../../annotator/core/types";
import { ShortcutSheet, type Shortcut } from "../../annotator/view/ShortcutSheet";
import { getAnnotation, getItem, updateAnnotation, type AnnotationOut } from "../../api/annotations";
import { isAbortError } from "../../api/client";
import type { LabelingProject, QueueItem } from "../../api/queue";
import { ErrorMessage } from "../../components/ErrorMessage";
import { itemLoadEvent } from "../annotate/itemLoad";
import { describeSubmitError, missingRequired } from "../annotate/submitErrors";
import { useEditor, useLabelingKeys } from "../annotate/useEditor";
import { canReview, useLabelingProject } from "../annotate/useProject";
import { Workspace } from "../annotate/Workspace";
import { WorkspaceShell } from "../annotate/WorkspaceShell";
import shell from "../annotate/workspace.module.css";
import { StatusBadge } from "../review/StatusBadge";

const KEYS: Shortcut[] = [{ keys: "Ctrl/⌘ + Enter", what: "Save (a rejected annotation is resubmitted)" }];

/** `/projects/:projectId/history/:annotationId`: reopen one's own annotation (PATCH until accepted). */
export function EditAnnotationPage() {
  const params = useParams();
  const projectId = Number(params.projectId);
  const annotationId = Number(params.annotationId);
  const { project, error: projectError, retry } = useLabelingProject(projectId);
  const [loaded, setLoaded] = useState<{ annotation: AnnotationOut; item: QueueItem } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [help, setHelp] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    setError(null);
    getAnnotation(annotationId, controller.signal)
      .then(async (annotation) => ({ annotation, item: await getItem(annotation.item, controller.signal) }))
      .then(setLoaded, (e: unknown) => {
        if (!isAbortError(e)) setError(e);
      });
    return () => controller.abort();
  }, [annotationId]);

  const failure = projectError ?? error;
  return (
    <WorkspaceShell projectId={projectId} projectName={project?.name} screen={`Annotation #${annotationId}`} canReview={canReview(project)} onHelp={() => setHelp(true)}>
      {failure ? (
        <div className={shell.centerState}>
          <ErrorMessage title="Couldn't open this annotation" error={failure} onRetry={retry} />
        </div>
      ) : project && loaded ? (
        <Editor project={project} annotation={loaded.annotation} item={loaded.item} help={help} setHelp={setHelp} />
      ) : (
        <div className={shell.centerState} role="status">
          <span>
            <span className="spinner" aria-hidden="true" /> Loading…
          </span>
        </div>
      )}
    </WorkspaceShell>
  );
}

interface EditorProps {
  project: LabelingProject;
  annotation: AnnotationOut;
  item: QueueItem;
  help: boolean;
  setHelp: (open: boolean) => void;
}

function Editor({ project, annotation, item, help, setHelp }: EditorProps) {
  const navigate = useNavigate();
  const schema = useMemo(() => parseLabelSchema(project.label_schema, project.kind), [project]);
  const locked = annotation.status === "accepted";
  const { store, state } = useEditor(() => ({ schema, kind: project.kind }));
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<ReturnType<typeof describeSubmitError> | null>(null);
  const savedDoc = useRef<AnnotationDoc | null>(null);
  const openedAt = useRef(performance.now());

  useEffect(() => {
    store.dispatch(itemLoadEvent(item, project.kind, schema, annotation.result, locked));
  }, [store, item, project.kind, schema, annotation.result, locked]);

  const save = useCallback(async () => {
    if (locked || saving) return;
    const editor = store.getState();
    const doc = editor.history.present;
    const missing = missingRequired(doc, schema);
    if (missing.length) {
      setProblem({ summary: `Pick a label for ${missing.join(", ")} (required).`, regions: new Map(), itemGone: false });
      return;
    }
    savedDoc.current = doc;
    setSaving(true);
    setProblem(null);
    try {
      await updateAnnotation(annotation.id, {
        result: toResult(doc, { schema, image: editor.image, text: editor.text }),
        lead_time_ms: annotation.lead_time_ms + Math.round(performance.now() - openedAt.current),
      });
      navigate(`/projects/${project.id}/history`, { state: { saved: annotation.id } });
    } catch (error) {
      setProblem(describeSubmitError(error, savedDoc.current));
      setSaving(false);
    }
  }, [locked, saving, store, schema, annotation, project.id, navigate]);

  useLabelingKeys({
    store,
    enabled: !help,
    onKey: (event) => {
      if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
        void save();
        return true;
      }
      if (event.key === "?") {
        setHelp(true);
        return true;
      }
      return false;
    },
  });

  return (
    <>
      <Workspace
        store={store}
        state={state}
        itemId={item.id}
        src={item.media_url}
        instructions={project.instructions}
        errors={problem?.regions}
        banner={
          annotation.status === "rejected" ? (
            <div className={`${shell.banner} ${shell.bannerDanger}`} role="note">
              <span>
                <strong>Rejected{annotation.reviewed_by ? ` by ${annotation.reviewed_by}` : ""}:</strong> {annotation.review_comment}
              </span>
            </div>
          ) : locked ? (
            <div className={shell.banner}>A reviewer accepted this annotation; it can no longer change.</div>
          ) : null
        }
        footer={
          <>
            <span className={shell.itemInfo}>
              Item #{item.id} · <StatusBadge status={annotation.status} />
            </span>
            <div className={`${shell.status} ${problem ? shell.statusError : ""}`} role="status" aria-live="polite">
              {problem?.summary ?? (saving ? "Saving…" : "")}
            </div>
            <div className={shell.actions}>
              <Link className="button button--secondary" to={`/projects/${project.id}/history`}>
                Back to my work
              </Link>
              {!locked ? (
                <button type="button" className="button button--primary" disabled={saving} onClick={() => void save()}>
                  {annotation.status === "rejected" ? "Resubmit" : "Save"} <kbd className={shell.kbdHint}>Ctrl+↵</kbd>
                </button>
              ) : null}
            </div>
          </>
        }
      />
      {help ? <ShortcutSheet kind={project.kind} hotkeys={state.hotkeys} screenKeys={KEYS} onClose={() => setHelp(false)} /> : null}
    </>
  );
}
