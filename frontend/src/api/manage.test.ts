import { describe, expect, it } from "vitest";
import { jsonResponse, mockFetch, requestOf } from "../test/http";
import { ApiError, apiFetch } from "./client";
import { createProject, getProject, orphanedLabels, splitLabelRef, updateProject, type ProjectCreateInput } from "./manage";

const INPUT: ProjectCreateInput = {
  name: "Pets",
  description: "",
  instructions: "",
  kind: "image",
  label_schema: { controls: [{ name: "objects", type: "bbox", labels: [{ name: "cat", color: "#e6194b", hotkey: "1" }] }] },
  overlap: 2,
  lease_seconds: 600,
  order: "sequential",
  review_required: false,
  agreement_threshold: null,
};

describe("project settings API", () => {
  it("GETs and PATCHes /api/projects/{id}/", async () => {
    document.cookie = "csrftoken=t; path=/";
    const fetchMock = mockFetch();
    fetchMock.mockImplementation(async () => jsonResponse({ id: 3 }));
    await getProject(3);
    await updateProject(3, { name: "x", label_mapping: { "objects:cat": null } });
    expect(requestOf(fetchMock, 0)).toMatchObject({ url: "/api/projects/3/", init: { method: "GET" } });
    const patch = requestOf(fetchMock, 1);
    expect(patch.url).toBe("/api/projects/3/");
    expect(patch.init.method).toBe("PATCH");
    expect(JSON.parse(patch.init.body as string)).toEqual({ name: "x", label_mapping: { "objects:cat": null } });
  });

  it("creates a project with one POST when there is no agreement threshold", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(jsonResponse({ id: 9, agreement_threshold: null }, 201));
    await expect(createProject(INPUT)).resolves.toMatchObject({ id: 9 });
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const body = JSON.parse(requestOf(fetchMock).init.body as string) as Record<string, unknown>;
    expect(body).not.toHaveProperty("agreement_threshold");
    expect(body).toMatchObject({ name: "Pets", kind: "image", overlap: 2 });
  });

  it("sets an agreement threshold with a follow-up PATCH (the create endpoint cannot take it)", async () => {
    const fetchMock = mockFetch();
    fetchMock
      .mockResolvedValueOnce(jsonResponse({ id: 9, agreement_threshold: null }, 201))
      .mockResolvedValueOnce(jsonResponse({ id: 9, agreement_threshold: 0.6 }));
    await expect(createProject({ ...INPUT, agreement_threshold: 0.6 })).resolves.toMatchObject({ agreement_threshold: 0.6 });
    const patch = requestOf(fetchMock, 1);
    expect(patch.url).toBe("/api/projects/9/");
    expect(JSON.parse(patch.init.body as string)).toEqual({ agreement_threshold: 0.6 });
  });
});

describe("schema_orphans", () => {
  it("keeps the error's details on ApiError", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(
      jsonResponse(
        { error: { code: "schema_orphans", message: "labels in use would be removed", field: "label_schema", details: { orphaned: ["objects:car"] } } },
        400,
      ),
    );
    const error = (await apiFetch("/api/projects/1/", { method: "PATCH", body: {} }).catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe("schema_orphans");
    expect(orphanedLabels(error.details)).toEqual(["objects:car"]);
  });

  it("reads orphaned refs defensively and splits them at the first colon", () => {
    expect(orphanedLabels({ orphaned: ["a:b", 3, "c:d:e"] })).toEqual(["a:b", "c:d:e"]);
    expect(orphanedLabels(null)).toEqual([]);
    expect(orphanedLabels({ orphaned: "a:b" })).toEqual([]);
    expect(splitLabelRef("c:d:e")).toEqual({ control: "c", label: "d:e" });
    expect(splitLabelRef("nope")).toBeNull();
    expect(splitLabelRef(":x")).toBeNull();
  });
});
