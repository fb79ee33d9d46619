import { useEffect, useRef, useState, type FormEvent } from "react";
import { isAbortError, isApiError } from "../../api/client";
import { parseSnapshotResult, startSnapshot, type Branch, type SnapshotResult } from "../../api/datasets";
import { jobFraction, pollJob, type Job } from "../../api/jobs";
import { ErrorMessage } from "../../components/ErrorMessage";
import { ProgressBar } from "../../components/charts/ProgressBar";
import { FieldMessage, invalidProps } from "../manage/shared/FieldMessage";
import { plural } from "../manage/shared/format";
import { branchNameError, shortCommit } from "./diffMath";

type Run =
  | { phase: "idle" }
  | { phase: "running"; branch: string; job: Job | null }
  | { phase: "done"; branch: string; result: SnapshotResult }
  | { phase: "failed"; branch: string; error: unknown };

/** "Snapshot now": the form, a progress bar bound to the job, and what the job did. */
export function SnapshotCard({
  slug,
  branches,
  onDone,
  onCompare,
}: {
  slug: string;
  branches: readonly Branch[];
  onDone: () => void;
  onCompare: (branch: string) => void;
}) {
  const [branch, setBranch] = useState("");
  const [from, setFrom] = useState("");
  const [include, setInclude] = useState<"accepted" | "completed">("accepted");
  const [message, setMessage] = useState("");
  const [touched, setTouched] = useState(false);
  const [run, setRun] = useState<Run>({ phase: "idle" });
  const controller = useRef<AbortController | null>(null);
  useEffect(() => () => controller.current?.abort(), []);

  const nameError = touched ? branchNameError(branch) : null;
  const serverField = run.phase === "failed" && isApiError(run.error) ? run.error.field : null;
  const serverMessage = (field: string) => (run.phase === "failed" && serverField === field && isApiError(run.error) ? run.error.message : undefined);
  const running = run.phase === "running";

  async function submit(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (branchNameError(branch)) return;
    const name = branch.trim();
    controller.current?.abort();
    const abort = new AbortController();
    controller.current = abort;
    setRun({ phase: "running", branch: name, job: null });
    try {
      const started = await startSnapshot(slug, { branch: name, from: from || undefined, include, message: message.trim() });
      const job = await pollJob(started, { signal: abort.signal, onUpdate: (j) => setRun({ phase: "running", branch: name, job: j }) });
      if (job.status === "succeeded") {
        setRun({ phase: "done", branch: name, result: parseSnapshotResult(job.result) });
      } else {
        setRun({ phase: "failed", branch: name, error: new Error(job.error || "the snapshot job failed") });
      }
      onDone();
    } catch (error) {
      if (isAbortError(error)) return;
      setRun({ phase: "failed", branch: name, error });
    }
  }

  const job = run.phase === "running" ? run.job : null;
  const value = run.phase === "done" ? 1 : run.phase === "failed" ? 1 : job ? jobFraction(job) : null;
  const tone = run.phase === "done" ? "success" : run.phase === "failed" ? "danger" : "accent";
  let caption = "";
  if (run.phase === "running") {
    caption = !job
      ? "Starting the snapshot…"
      : job.status === "queued"
        ? "Waiting for a worker…"
        : job.progress_total
          ? `${job.message || "Snapshotting"}: ${job.progress_done} of ${job.progress_total}`
          : job.message || "Snapshotting…";
  } else if (run.phase === "done") {
    caption = run.result.changed
      ? `Snapshot committed on ${run.branch} (${shortCommit(run.result.commit)}): ${plural(run.result.items, "item")}, ${run.result.labelled} labelled, ${plural(run.result.uploaded, "file")} uploaded, ${run.result.deleted} deleted.`
      : `Nothing changed since ${run.branch}'s last commit: no new commit.`;
  } else if (run.phase === "failed") {
    caption = "The snapshot failed.";
  }

  return (
    <section className="mg-card" aria-labelledby="snapshot-title">
      <div className="mg-card__head">
        <h2 id="snapshot-title" className="mg-card__title">
          Snapshot now
        </h2>
        <p className="muted mg-small">Write the source projects' final labels to a round branch, then compare it with main and merge.</p>
      </div>
      <form className="mg-form" onSubmit={submit} noValidate>
        <div className="ds-snapshot-grid">
          <div className="form-field">
            <label className="form-field__label" htmlFor="snap-branch">
              Branch
            </label>
            <input
              id="snap-branch"
              className="input mg-mono"
              placeholder="round-1"
              value={branch}
              disabled={running}
              onChange={(e) => setBranch(e.target.value)}
              onBlur={() => setTouched(branch !== "" || touched)}
              {...invalidProps("snap-branch", nameError ?? serverMessage("branch"))}
            />
            <FieldMessage errorKey="snap-branch" message={nameError ?? serverMessage("branch")} />
          </div>
          <div className="form-field">
            <label className="form-field__label" htmlFor="snap-from">
              From
            </label>
            <select
              id="snap-from"
              className="input mg-select"
              value={from}
              disabled={running}
              onChange={(e) => setFrom(e.target.value)}
              {...invalidProps("snap-from", serverMessage("from_ref") ?? serverMessage("from"))}
            >
              <option value="">main (default)</option>
              {branches.map((b) => (
                <option key={b.name} value={b.name}>
                  {b.name}
                </option>
              ))}
            </select>
            <FieldMessage errorKey="snap-from" message={serverMessage("from_ref") ?? serverMessage("from")} />
          </div>
          <fieldset className="form-field ds-fieldset-plain">
            <legend className="form-field__label">Include</legend>
            <div className="mg-segmented" role="radiogroup" aria-label="Include">
              {(["accepted", "completed"] as const).map((value) => (
                <label key={value} className={`mg-segmented__option${include === value ? " is-selected" : ""}`}>
                  <input type="radio" name="snap-include" value={value} checked={include === value} disabled={running} onChange={() => setInclude(value)} />
                  {value === "accepted" ? "Accepted" : "Completed"}
                </label>
              ))}
            </div>
          </fieldset>
          <div className="form-field ds-snapshot-grid__message">
            <label className="form-field__label" htmlFor="snap-message">
              Message
            </label>
            <input id="snap-message" className="input" value={message} disabled={running} placeholder="Round 1 labels" onChange={(e) => setMessage(e.target.value)} />
          </div>
        </div>
        <div className="mg-form__actions">
          <button type="submit" className="button button--primary" disabled={running}>
            {running ? "Snapshotting…" : "Snapshot now"}
          </button>
          <span className="muted mg-small">
            {include === "accepted" ? "Only labels a reviewer accepted." : "Every completed item's final label, reviewed or not."}
          </span>
        </div>
      </form>
      <div className="ds-progress" hidden={run.phase === "idle"}>
        <ProgressBar value={value} label="Snapshot progress" valueText={caption} tone={tone} />
        <div className="mg-progress-card__caption">
          <span role="status" aria-live="polite">
            {caption}
          </span>
          {run.phase === "done" && run.result.changed ? (
            <button type="button" className="button button--secondary button--small" onClick={() => onCompare(run.branch)}>
              Compare {run.branch} with main
            </button>
          ) : null}
        </div>
        {run.phase === "failed" && !(isApiError(run.error) && ["branch", "from_ref", "from"].includes(run.error.field ?? "")) ? (
          <ErrorMessage title="Snapshot failed" error={run.error} />
        ) : null}
      </div>
    </section>
  );
}
