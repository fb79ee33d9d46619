import { describe, expect, it } from "vitest";
import { jsonResponse, mockFetch, requestOf } from "../test/http";
import { getAnnotation, getItem, listProjectAnnotations, listRevisions, reviewAnnotation, reviewNext, updateAnnotation } from "./annotations";

const EMPTY_PAGE = { count: 0, next: null, previous: null, results: [] };

describe("annotations API", () => {
  it("lists the caller's annotations with page and status filters", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockImplementation(async () => jsonResponse(EMPTY_PAGE));
    await listProjectAnnotations(3);
    await listProjectAnnotations(3, 2, { status: "rejected" });
    expect(requestOf(fetchMock, 0).url).toBe("/api/projects/3/annotations");
    expect(requestOf(fetchMock, 1).url).toBe("/api/projects/3/annotations?status=rejected&page=2");
  });

  it("reads, edits and lists revisions of one annotation; reads an item", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockImplementation(async () => jsonResponse({ id: 1, ...EMPTY_PAGE }));
    await getAnnotation(5);
    await updateAnnotation(5, { result: [], lead_time_ms: 10 });
    await listRevisions(5);
    await getItem(9);
    expect(fetchMock.mock.calls.map((_, i) => [requestOf(fetchMock, i).init.method ?? "GET", requestOf(fetchMock, i).url])).toEqual([
      ["GET", "/api/annotations/5"],
      ["PATCH", "/api/annotations/5"],
      ["GET", "/api/annotations/5/revisions"],
      ["GET", "/api/items/9"],
    ]);
    expect(JSON.parse(String(requestOf(fetchMock, 1).init.body))).toEqual({ result: [], lead_time_ms: 10 });
  });

  it("leases the next review item (null when nothing waits) and sends verdicts", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValueOnce(new Response(null, { status: 204 }));
    fetchMock.mockResolvedValueOnce(jsonResponse({ id: 4, status: "rejected" }));
    expect(await reviewNext(2)).toBeNull();
    await reviewAnnotation(4, { verdict: "reject", comment: "This is a bike" });
    expect(requestOf(fetchMock, 0)).toMatchObject({ url: "/api/projects/2/review/next", init: { method: "POST" } });
    expect(requestOf(fetchMock, 1).url).toBe("/api/annotations/4/review");
    expect(JSON.parse(String(requestOf(fetchMock, 1).init.body))).toEqual({ verdict: "reject", comment: "This is a bike" });
  });
});
