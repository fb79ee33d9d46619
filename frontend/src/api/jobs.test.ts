import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, isAbortError } from "./client";
import { jsonResponse, mockFetch, requestOf } from "../test/http";
import { getJob, jobFraction, pollJob, type Job } from "./jobs";

function job(patch: Partial<Job> = {}): Job {
  return {
    id: 7,
    kind: "labeling.import_items",
    status: "running",
    progress_done: 0,
    progress_total: null,
    message: "",
    error: "",
    result: null,
    attempts: 1,
    created_at: "2026-01-01T00:00:00Z",
    started_at: null,
    finished_at: null,
    ...patch,
  };
}

describe("getJob", () => {
  it("GETs /api/jobs/{id}", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(jsonResponse(job()));
    await expect(getJob(7)).resolves.toMatchObject({ id: 7 });
    expect(requestOf(fetchMock).url).toBe("/api/jobs/7");
  });
});

describe("pollJob", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("polls every 500 ms until the job succeeds, reporting each state", async () => {
    const states = [job({ progress_done: 1, progress_total: 4 }), job({ progress_done: 3, progress_total: 4 }), job({ status: "succeeded", progress_done: 4, progress_total: 4, result: { created: 4 } })];
    const fetchJob = vi.fn(async () => states.shift()!);
    const onUpdate = vi.fn();

    const done = pollJob(job({ status: "queued" }), { fetchJob, onUpdate });
    await vi.advanceTimersByTimeAsync(0);
    expect(fetchJob).not.toHaveBeenCalled(); // first poll after one interval
    expect(onUpdate).toHaveBeenCalledTimes(1); // the initial state

    await vi.advanceTimersByTimeAsync(499);
    expect(fetchJob).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(fetchJob).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(500);
    expect(fetchJob).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(500);

    const final = await done;
    expect(final).toMatchObject({ status: "succeeded", result: { created: 4 } });
    expect(fetchJob).toHaveBeenCalledTimes(3);
    expect(onUpdate.mock.calls.map(([j]) => (j as Job).progress_done)).toEqual([0, 1, 3, 4]);

    await vi.advanceTimersByTimeAsync(5000);
    expect(fetchJob).toHaveBeenCalledTimes(3); // stopped
  });

  it("resolves (not rejects) with a failed job", async () => {
    const fetchJob = vi.fn(async () => job({ status: "failed", error: "1 row rejected" }));
    const done = pollJob(7, { fetchJob });
    await vi.advanceTimersByTimeAsync(0);
    await expect(done).resolves.toMatchObject({ status: "failed", error: "1 row rejected" });
  });

  it("returns an already finished job without a request", async () => {
    const fetchJob = vi.fn();
    await expect(pollJob(job({ status: "succeeded" }), { fetchJob })).resolves.toMatchObject({ status: "succeeded" });
    expect(fetchJob).not.toHaveBeenCalled();
  });

  it("stops when aborted, with an AbortError", async () => {
    const fetchJob = vi.fn(async () => job());
    const controller = new AbortController();
    const done = pollJob(job(), { fetchJob, signal: controller.signal }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1000);
    const calls = fetchJob.mock.calls.length;
    controller.abort();
    await vi.advanceTimersByTimeAsync(5000);
    expect(isAbortError(await done)).toBe(true);
    expect(fetchJob).toHaveBeenCalledTimes(calls);
  });

  it("retries network blips and server errors, then gives up after maxErrors", async () => {
    const blip = new ApiError(0, "network_error", "offline");
    const fetchJob = vi
      .fn<(id: number) => Promise<Job>>()
      .mockRejectedValueOnce(blip)
      .mockRejectedValueOnce(new ApiError(502, "http_error", "bad gateway"))
      .mockResolvedValueOnce(job({ status: "succeeded" }));
    const done = pollJob(7, { fetchJob });
    await vi.advanceTimersByTimeAsync(1500);
    await expect(done).resolves.toMatchObject({ status: "succeeded" });

    const failing = vi.fn(async () => {
      throw blip;
    });
    const gaveUp = pollJob(7, { fetchJob: failing, maxErrors: 3 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(5000);
    expect(await gaveUp).toBe(blip);
    expect(failing).toHaveBeenCalledTimes(3);
  });

  it("does not retry a 4xx (the job is gone or not ours)", async () => {
    const fetchJob = vi.fn(async () => {
      throw new ApiError(404, "not_found", "No such job.");
    });
    const done = pollJob(7, { fetchJob }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(3000);
    expect(await done).toMatchObject({ status: 404 });
    expect(fetchJob).toHaveBeenCalledTimes(1);
  });
});

describe("jobFraction", () => {
  it("is done/total, 1 once succeeded, and null while the total is unknown", () => {
    expect(jobFraction(job({ progress_done: 1, progress_total: 4 }))).toBe(0.25);
    expect(jobFraction(job({ progress_done: 9, progress_total: 4 }))).toBe(1);
    expect(jobFraction(job({ progress_done: 3 }))).toBeNull();
    expect(jobFraction(job({ status: "succeeded" }))).toBe(1);
  });
});
