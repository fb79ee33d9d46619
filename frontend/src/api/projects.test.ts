import { describe, expect, it } from "vitest";
import { jsonResponse, mockFetch, requestOf } from "../test/http";
import { listProjects } from "./projects";

describe("listProjects", () => {
  it("GETs /api/projects/ with ?page=N", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockImplementation(async () => jsonResponse({ count: 0, next: null, previous: null, results: [] }));

    await listProjects();
    await listProjects(1);
    await listProjects(4);

    expect(fetchMock.mock.calls.map((_, i) => requestOf(fetchMock, i).url)).toEqual([
      "/api/projects/",
      "/api/projects/?page=1",
      "/api/projects/?page=4",
    ]);
  });
});
