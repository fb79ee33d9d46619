import { describe, expect, it } from "vitest";
import { jsonResponse, mockFetch, requestOf } from "../test/http";
import { getItem, listItemAnnotations, listItems, listRevisions, setGroundTruth } from "./items";

const EMPTY = { count: 0, next: null, previous: null, results: [] };

describe("items API", () => {
  it("sends the browser's filters as the API's query parameters", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockImplementation(async () => jsonResponse(EMPTY));
    await listItems(3, {});
    await listItems(3, { state: "done", annotator: 4, agreementBelow: 0.5, groundTruth: false }, 2, { pageSize: 25 });
    expect(requestOf(fetchMock, 0).url).toBe("/api/projects/3/items");
    const url = new URL(requestOf(fetchMock, 1).url, "http://x");
    expect(url.pathname).toBe("/api/projects/3/items");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      state: "done",
      annotator: "4",
      agreement_below: "0.5",
      ground_truth: "false",
      page_size: "25",
      page: "2",
    });
  });

  it("reads one item and sets or clears its ground truth", async () => {
    document.cookie = "csrftoken=t; path=/";
    const fetchMock = mockFetch();
    fetchMock.mockImplementation(async () => jsonResponse({ id: 8 }));
    const result = [{ control: "c", type: "class", labels: ["a"] }];
    await getItem(8);
    await setGroundTruth(8, result);
    await setGroundTruth(8, null);
    expect(requestOf(fetchMock, 0).url).toBe("/api/items/8");
    expect(requestOf(fetchMock, 1).init.method).toBe("PATCH");
    expect(JSON.parse(requestOf(fetchMock, 1).init.body as string)).toEqual({ ground_truth: result });
    expect(JSON.parse(requestOf(fetchMock, 2).init.body as string)).toEqual({ ground_truth: null });
  });

  it("collects every page of an item's annotations and an annotation's revisions", async () => {
    const fetchMock = mockFetch();
    fetchMock
      .mockResolvedValueOnce(jsonResponse({ count: 2, next: "/x?page=2", previous: null, results: [{ id: 1 }] }))
      .mockResolvedValueOnce(jsonResponse({ count: 2, next: null, previous: "/x", results: [{ id: 2 }] }))
      .mockResolvedValueOnce(jsonResponse({ count: 1, next: null, previous: null, results: [{ number: 1 }] }));
    expect((await listItemAnnotations(3, 8)).map((a) => a.id)).toEqual([1, 2]);
    expect(requestOf(fetchMock, 0).url).toBe("/api/projects/3/annotations?item=8&page=1");
    expect(requestOf(fetchMock, 1).url).toBe("/api/projects/3/annotations?item=8&page=2");
    expect(await listRevisions(1)).toEqual([{ number: 1 }]);
    expect(requestOf(fetchMock, 2).url).toBe("/api/annotations/1/revisions?page=1");
  });
});
