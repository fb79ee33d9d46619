import { describe, expect, it } from "vitest";
import { apiErrorResponse, jsonResponse, mockFetch, requestOf } from "../test/http";
import { createMerge, getDiff, mergeConflictOf, parseSnapshotResult, releaseVersion, resolveMerge, startSnapshot } from "./datasets";

describe("datasets api", () => {
  it("starts a snapshot with `from` and returns the job", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(jsonResponse({ job: { id: 3, status: "queued" } }, 202));
    const job = await startSnapshot("birds", { branch: "round-1", from: "main", include: "completed", message: "" });
    expect(job.id).toBe(3);
    const { url, init } = requestOf(fetchMock);
    expect(url).toBe("/api/datasets/birds/snapshots");
    expect(JSON.parse(String(init.body))).toEqual({ branch: "round-1", from: "main", include: "completed" });
  });

  it("builds the diff query", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(jsonResponse({ items: [] }));
    await getDiff("birds", { head: "round 2", page: 2, pageSize: 10, summary: false });
    expect(requestOf(fetchMock).url).toBe("/api/datasets/birds/diff?base=main&head=round+2&page=2&page_size=10&summary=false");
  });

  it("reads a snapshot job's result", () => {
    expect(parseSnapshotResult({ changed: true, commit: "abc", items: 4, labelled: 3, uploaded: 0, deleted: 0 })).toEqual({
      changed: true, commit: "abc", items: 4, labelled: 3, uploaded: 0, deleted: 0,
    });
    expect(parseSnapshotResult(null)).toMatchObject({ changed: false, commit: null, items: 0 });
  });

  it("turns a 409 merge_conflict into the conflicts to resolve", async () => {
    const fetchMock = mockFetch();
    const row = { path: "items/1/2.json", project: 1, item: 2, base: null, source: null, target: null };
    fetchMock.mockResolvedValue(
      jsonResponse({ error: { code: "merge_conflict", message: "1 items changed differently on both sides.", field: null, details: { merge: 7, count: 1, conflicts: [row] } } }, 409),
    );
    const error = await createMerge("birds", { source: "round-2" }).catch((e: unknown) => e);
    expect(JSON.parse(String(requestOf(fetchMock).init.body))).toEqual({ source: "round-2", target: "main", message: "" });
    expect(mergeConflictOf(error)).toEqual({ merge: 7, count: 1, conflicts: [row], message: "1 items changed differently on both sides." });
  });

  it("leaves other errors alone", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(apiErrorResponse(409, "no_changes", "Nothing to merge"));
    const error = await createMerge("birds", { source: "round-2" }).catch((e: unknown) => e);
    expect(mergeConflictOf(error)).toBeNull();
  });

  it("posts the picks and the release notes", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockImplementation(() => Promise.resolve(jsonResponse({}, 200)));
    await resolveMerge("birds", 7, { items: { "items/1/2.json": "target" } });
    await releaseVersion("birds", { notes: "first" });
    expect(requestOf(fetchMock, 0).url).toBe("/api/datasets/birds/merges/7/resolve");
    expect(requestOf(fetchMock, 1).url).toBe("/api/datasets/birds/versions");
    expect(JSON.parse(String(requestOf(fetchMock, 1).init.body))).toEqual({ notes: "first" });
  });
});
