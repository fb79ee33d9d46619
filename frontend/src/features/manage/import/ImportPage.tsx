import { useEffect, useState } from "react";
import { useLocation } from "react-router-dom";
import { IMPORT_ACCEPT, pastedFile, unsupportedFiles } from "../../../api/imports";
import { pollJob, type Job } from "../../../api/jobs";
import { ErrorMessage } from "../../../components/ErrorMessage";
import { ProgressBar } from "../../../components/charts/ProgressBar";
import { useManagedProject } from "../shared/context";
import { formatBytes, plural } from "../shared/format";
import { DropZone } from "./DropZone";
import { ImportFailureView, ImportReportView } from "./ImportReportView";
import { isRunning, runProgress } from "./importRun";
import { useImportRun } from "./useImportRun";

const TEXT_EXAMPLE = `{"text": "The app crashes on login", "external_id": "t-1", "meta": {"lang": "en"}}
{"text": "Please refund my subscription", "priority": 5}`;

/** `/projects/:id/import`: upload files (or paste rows), follow the upload and the job, see the report. */
export function ImportPage() {
  const { project, canManage } = useManagedProject();
  const location = useLocation();
  const justCreated = Boolean((location.state as { created?: boolean } | null)?.created);
  const { run, start, reset } = useImportRun(project.id);
  const [files, setFiles] = useState<File[]>([]);
  const [pasted, setPasted] = useState("");
  const [pickError, setPickError] = useState("");
  const isText = project.kind === "text";
  const running = isRunning(run);

  // Imported: the inputs are spent (sending them again would only find duplicates).
  useEffect(() => {
    if (run.phase !== "done") return;
    setFiles([]);
    setPasted("");
  }, [run.phase]);

  if (!canManage) {
    return <ErrorMessage title="Managers only" message="Only the project's managers can import items." />;
  }

  function choose(picked: File[]) {
    setPickError("");
    const bad = unsupportedFiles(project.kind, picked);
    if (bad.length) {
      setPickError(
        `${bad.map((f) => f.name).join(", ")}: ${isText ? "text projects import .json, .jsonl or .csv files" : "image projects import .jpg, .png, .webp or .zip files"}.`,
      );
      return;
    }
    if (isText && picked.length + files.length > 1) {
      setFiles(picked.slice(-1));
      if (picked.length > 1) setPickError("Text projects import one file at a time; the last one was kept.");
      return;
    }
    if (run.phase === "done" || run.phase === "failed") reset();
    const names = new Set(files.map((f) => `${f.name}:${f.size}`));
    setFiles([...files, ...picked.filter((f) => !names.has(`${f.name}:${f.size}`))]);
  }

  function startImport(toSend: File[]) {
    setPickError("");
    start(toSend);
  }

  const progress = runProgress(run);
  const totalBytes = files.reduce((sum, f) => sum + f.size, 0);

  return (
    <div className="mg-stack">
      {justCreated && run.phase === "idle" ? (
        <p className="mg-notice" role="status">
          Project created. Import {isText ? "texts" : "images"} to give annotators something to label.
        </p>
      ) : null}

      <section className="mg-card" aria-labelledby="upload-title">
        <h2 id="upload-title" className="mg-card__title">
          {isText ? "Import texts" : "Import images"}
        </h2>
        <DropZone
          accept={IMPORT_ACCEPT[project.kind]}
          multiple={!isText}
          disabled={running}
          title={isText ? "Drop a JSON, JSONL or CSV file here, or click to choose" : "Drop images or .zip archives here, or click to choose"}
          hint={
            isText
              ? "One item per row: a “text” field, optionally “external_id”, “meta”, “priority”, “pre_annotation”."
              : "JPEG, PNG or WebP. An image already in the project is skipped, not imported twice."
          }
          onFiles={choose}
        />
        {pickError ? <ErrorMessage message={pickError} /> : null}

        {files.length > 0 ? (
          <div className="mg-files">
            <ul className="mg-files__list" aria-label="Files to import">
              {files.map((file) => (
                <li key={`${file.name}:${file.size}`} className="mg-files__item">
                  <span className="mg-truncate">{file.name}</span>
                  <span className="muted mg-small">{formatBytes(file.size)}</span>
                  <button
                    type="button"
                    className="button button--ghost button--small"
                    aria-label={`Remove ${file.name}`}
                    disabled={running}
                    onClick={() => setFiles(files.filter((f) => f !== file))}
                  >
                    Remove
                  </button>
                </li>
              ))}
            </ul>
            <div className="mg-form__actions">
              <button type="button" className="button button--primary" disabled={running} onClick={() => startImport(files)}>
                Import {plural(files.length, "file")} ({formatBytes(totalBytes)})
              </button>
              <button type="button" className="button button--ghost" disabled={running} onClick={() => setFiles([])}>
                Clear
              </button>
            </div>
          </div>
        ) : null}

        {isText ? (
          <div className="form-field mg-paste">
            <label className="form-field__label" htmlFor="import-paste">
              Or paste JSON Lines (one object per line) or a JSON array
            </label>
            <textarea
              id="import-paste"
              className="input mg-textarea mg-mono"
              rows={5}
              placeholder={TEXT_EXAMPLE}
              value={pasted}
              disabled={running}
              onChange={(e) => setPasted(e.target.value)}
            />
            <div>
              <button
                type="button"
                className="button button--secondary button--small"
                disabled={running || pasted.trim() === ""}
                onClick={() => startImport([pastedFile(pasted)])}
              >
                Import pasted rows
              </button>
            </div>
          </div>
        ) : null}
      </section>

      <section className="mg-card mg-progress-card" aria-labelledby="progress-title" hidden={run.phase === "idle"}>
        <h2 id="progress-title" className="visually-hidden">
          Progress
        </h2>
        <ProgressBar value={progress.value} label="Import progress" valueText={progress.caption} tone={progress.tone} />
        <div className="mg-progress-card__caption">
          <span aria-live="polite">{progress.caption}</span>
          {!running && run.phase !== "idle" ? (
            <button
              type="button"
              className="button button--ghost button--small"
              onClick={() => {
                reset();
                setFiles([]);
                setPasted("");
              }}
            >
              Import more
            </button>
          ) : null}
        </div>
      </section>

      {run.phase === "done" ? (
        <>
          <ImportReportView report={run.report} projectId={project.id} />
          {run.report.thumbnailJob !== null ? <ThumbnailStatus jobId={run.report.thumbnailJob} /> : null}
        </>
      ) : null}
      {run.phase === "failed" ? <ImportFailureView failure={run.failure} /> : null}
    </div>
  );
}

/** Thumbnails are made by a background job after an image import: say when they are ready. */
function ThumbnailStatus({ jobId }: { jobId: number }) {
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState(false);
  useEffect(() => {
    const controller = new AbortController();
    pollJob(jobId, { signal: controller.signal, intervalMs: 1000, onUpdate: setJob }).catch(() => {
      if (!controller.signal.aborted) setError(true);
    });
    return () => controller.abort();
  }, [jobId]);

  let text = "Making thumbnails…";
  if (error) text = "Thumbnails are being made in the background.";
  else if (job?.status === "succeeded") text = "Thumbnails are ready.";
  else if (job?.status === "failed") text = `Thumbnails failed: ${job.error || "unknown error"}. Items still work without them.`;
  else if (job?.status === "queued") text = "Thumbnails are waiting for a worker.";
  return (
    <p className="muted mg-small" role="status">
      {text}
    </p>
  );
}
