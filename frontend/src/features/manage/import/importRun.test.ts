import { describe, expect, it } from "vitest";
import type { ImportReport } from "../../../api/imports";
import type { Job } from "../../../api/jobs";
import { idleRun, importReducer, isRunning, runProgress, type ImportEvent, type ImportRun } from "./importRun";

const REPORT: ImportReport = { created: 2, skippedDuplicates: 0, duplicates: [], rejected: [], preAnnotations: 0, thumbnailJob: null };

function job(patch: Partial<Job>): Job {
  return {
    id: 1,
    kind: "labeling.import_items",
    status: "running",
    progress_done: 0,
    progress_total: null,
    message: "",
    error: "",
    result: null,
    attempts: 1,
    created_at: "",
    started_at: null,
    finished_at: null,
    ...patch,
  };
}

function play(...events: ImportEvent[]): ImportRun {
  return events.reduce(importReducer, idleRun);
}

describe("import run", () => {
  it("follows the upload's bytes, then waits for the server", () => {
    let run = play({ type: "start", files: 2, total: 2_000_000 });
    expect(run).toEqual({ phase: "uploading", loaded: 0, total: 2_000_000, files: 2 });
    run = importReducer(run, { type: "progress", loaded: 500_000, total: 2_000_000 });
    expect(runProgress(run)).toMatchObject({ value: 0.25, caption: "Uploading… 0.5 of 1.9 MB (25%)" });
    expect(isRunning(run)).toBe(true);
    run = importReducer(run, { type: "progress", loaded: 2_000_000, total: 2_000_000 });
    expect(run.phase).toBe("checking");
    expect(runProgress(run).value).toBeNull(); // indeterminate while the server works
  });

  it("ends with the report of a small import", () => {
    const run = play({ type: "start", files: 1, total: 10 }, { type: "report", report: REPORT });
    expect(run).toEqual({ phase: "done", report: REPORT, viaJob: false });
    expect(runProgress(run)).toMatchObject({ value: 1, tone: "success" });
    expect(isRunning(run)).toBe(false);
  });

  it("binds the bar to the job's progress when the server hands the import to a job", () => {
    let run = play({ type: "start", files: 1, total: 10 }, { type: "uploaded" }, { type: "job", job: job({ status: "queued" }) });
    expect(runProgress(run)).toMatchObject({ value: null, caption: "Waiting for a worker…" });
    run = importReducer(run, { type: "job", job: job({ progress_done: 3 }) });
    expect(runProgress(run)).toMatchObject({ value: null, caption: "Importing… 3 checked" });
    run = importReducer(run, { type: "job", job: job({ progress_done: 3, progress_total: 4 }) });
    expect(runProgress(run)).toMatchObject({ value: 0.75, caption: "Importing… 3 of 4" });
    run = importReducer(run, { type: "report", report: REPORT });
    expect(run).toMatchObject({ phase: "done", viaJob: true });
  });

  it("ignores late progress and job updates once finished, and resets", () => {
    const done = play({ type: "start", files: 1, total: 10 }, { type: "report", report: REPORT });
    expect(importReducer(done, { type: "progress", loaded: 5, total: 10 })).toBe(done);
    expect(importReducer(done, { type: "job", job: job({}) })).toBe(done);
    expect(importReducer(done, { type: "reset" })).toEqual(idleRun);
  });

  it("shows a refused import in red", () => {
    const failure = { code: "import_rejected", message: "x", field: null, rejected: [], rejectedCount: 1, line: null };
    const run = play({ type: "start", files: 1, total: 10 }, { type: "failed", failure });
    expect(runProgress(run)).toMatchObject({ value: 1, tone: "danger" });
  });
});
