/**
 * One import as a small state machine: upload (bytes) -> server check -> job (rows) -> report.
 * Plain TS so the progress logic is tested without React.
 */
import type { ImportFailure, ImportReport } from "../../../api/imports";
import { jobFraction, type Job } from "../../../api/jobs";

export type ImportRun =
  | { phase: "idle" }
  | { phase: "uploading"; loaded: number; total: number; files: number }
  /** The bytes are sent; the server checks (and, when small, imports) before answering. */
  | { phase: "checking"; files: number }
  | { phase: "job"; job: Job; files: number }
  | { phase: "done"; report: ImportReport; viaJob: boolean }
  | { phase: "failed"; failure: ImportFailure };

export type ImportEvent =
  | { type: "start"; files: number; total: number }
  | { type: "progress"; loaded: number; total: number }
  | { type: "uploaded" }
  | { type: "job"; job: Job }
  | { type: "report"; report: ImportReport }
  | { type: "failed"; failure: ImportFailure }
  | { type: "reset" };

export const idleRun: ImportRun = { phase: "idle" };

export function importReducer(run: ImportRun, event: ImportEvent): ImportRun {
  switch (event.type) {
    case "start":
      return { phase: "uploading", loaded: 0, total: event.total, files: event.files };
    case "progress":
      if (run.phase !== "uploading") return run;
      if (event.total > 0 && event.loaded >= event.total) return { phase: "checking", files: run.files };
      return { ...run, loaded: event.loaded, total: event.total };
    case "uploaded":
      return run.phase === "uploading" ? { phase: "checking", files: run.files } : run;
    case "job":
      if (run.phase === "done" || run.phase === "failed" || run.phase === "idle") return run;
      return { phase: "job", job: event.job, files: "files" in run ? run.files : 0 };
    case "report":
      return { phase: "done", report: event.report, viaJob: run.phase === "job" };
    case "failed":
      return { phase: "failed", failure: event.failure };
    case "reset":
      return idleRun;
  }
}

export function isRunning(run: ImportRun): boolean {
  return run.phase === "uploading" || run.phase === "checking" || run.phase === "job";
}

export interface RunProgress {
  /** 0..1, or null for "working, amount unknown". */
  value: number | null;
  /** What is happening, for the bar's caption. */
  caption: string;
  tone: "accent" | "success" | "danger";
}

function mb(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0);
}

/** The progress bar's value and caption for a run. */
export function runProgress(run: ImportRun): RunProgress {
  switch (run.phase) {
    case "idle":
      return { value: 0, caption: "", tone: "accent" };
    case "uploading": {
      const value = run.total > 0 ? run.loaded / run.total : 0;
      return {
        value,
        caption: `Uploading… ${mb(run.loaded)} of ${mb(run.total)} MB (${Math.round(value * 100)}%)`,
        tone: "accent",
      };
    }
    case "checking":
      return { value: null, caption: "Uploaded. Checking and importing…", tone: "accent" };
    case "job": {
      const { job } = run;
      const value = jobFraction(job);
      const counted = job.progress_total
        ? `${job.progress_done} of ${job.progress_total}`
        : job.progress_done > 0
          ? `${job.progress_done} checked`
          : "";
      const state = job.status === "queued" ? "Waiting for a worker" : "Importing";
      return { value, caption: [`${state}…`, counted].filter(Boolean).join(" "), tone: "accent" };
    }
    case "done":
      return { value: 1, caption: "Import finished.", tone: "success" };
    case "failed":
      return { value: 1, caption: "The import was refused: see the problems below.", tone: "danger" };
  }
}
