import { describe, expect, it } from "vitest";
import { loginPathFor, safeNextPath } from "./nextPath";

describe("safeNextPath", () => {
  it.each([
    ["/projects", "/projects"],
    ["/projects?page=2#top", "/projects?page=2#top"],
    ["/projects/5/items", "/projects/5/items"],
  ])("keeps same-site path %s", (raw, expected) => {
    expect(safeNextPath(raw)).toBe(expected);
  });

  it.each([
    null,
    "",
    "projects",
    "https://evil.example/",
    "//evil.example/path",
    "/\\evil.example",
    "javascript:alert(1)",
    "/\t/evil.example",
    "/login",
    "/login?next=/projects",
  ])("falls back to /projects for %s", (raw) => {
    expect(safeNextPath(raw)).toBe("/projects");
  });

  it("builds login URLs carrying next", () => {
    expect(loginPathFor("/projects?page=2")).toBe("/login?next=%2Fprojects%3Fpage%3D2");
  });
});
