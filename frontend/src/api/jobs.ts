/** Background jobs: `GET /api/jobs/{id}` (`core/api/jobs.py`) and polling until one finishes. */
import { apiFetch } from "./client";

export type JobStatus = "queued" | "running" | "succeeded" | "failed";

export interface Job {
  id: number;
  kind: string;
  status: JobStatus;
  progress_done: number;
  /** Unknown (null) until the job has counted its work. */
  progress_total: number | null;
  message: string;
  error: string;
  /** The job's outcome; a failed job may hold `{"error": {code, message, field, details}}`. */
  result: unknown;
  attempts: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export function getJob(jobId: number, signal?: AbortSignal): Promise<Job> {
  return apiFetch<Job>(`/api/jobs/${jobId}`, signal ? { signal } : {});
}

export function isJobFinished(job: Pick<Job, "status">): boolean {
  return job.status === "succeeded" || job.status === "failed";
}

export interface PollJobOptions {
  /** Delay between two polls (ms). Default 500. */
  intervalMs?: number;
  /** Called with every fetched state, the final one included. */
  onUpdate?: (job: Job) => void;
  signal?: AbortSignal;
  /** Give up after this many consecutive failed requests (network blips are retried). Default 5. */
  maxErrors?: number;
  /** For tests. */
  fetchJob?: (jobId: number, signal?: AbortSignal) => Promise<Job>;
}

function abortError(): DOMException {
  return new DOMException("The polling was aborted.", "AbortError");
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError());
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    function onAbort() {
      clearTimeout(timer);
      reject(abortError());
    }
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Poll a job until it succeeds or fails and resolve with its final state (a failed job
 * resolves too: look at `status`). Rejects on abort (an `AbortError`) or after
 * `maxErrors` consecutive request failures (with the last error).
 * `initial` is the job as the starting request returned it: when already finished, no
 * request is made.
 */
export async function pollJob(initial: Job | number, options: PollJobOptions = {}): Promise<Job> {
  const { intervalMs = 500, onUpdate, signal, maxErrors = 5, fetchJob = getJob } = options;
  const jobId = typeof initial === "number" ? initial : initial.id;
  if (typeof initial !== "number") {
    onUpdate?.(initial);
    if (isJobFinished(initial)) return initial;
    await sleep(intervalMs, signal);
  }
  let errors = 0;
  for (;;) {
    if (signal?.aborted) throw abortError();
    try {
      const job = await fetchJob(jobId, signal);
      errors = 0;
      onUpdate?.(job);
      if (isJobFinished(job)) return job;
    } catch (error) {
      if (signal?.aborted) throw abortError();
      errors += 1;
      // A 4xx will not fix itself: only network errors and 5xx are retried.
      const status = (error as { status?: unknown }).status;
      const permanent = typeof status === "number" && status >= 400 && status < 500;
      if (permanent || errors >= maxErrors) throw error;
    }
    await sleep(intervalMs, signal);
  }
}

/** Progress of a job as a fraction 0..1, or null when the total is unknown. */
export function jobFraction(job: Pick<Job, "status" | "progress_done" | "progress_total">): number | null {
  if (job.status === "succeeded") return 1;
  if (job.progress_total === null || job.progress_total <= 0) return null;
  return Math.min(1, Math.max(0, job.progress_done / job.progress_total));
}
