import { describe, expect, it } from "vitest";
import { filtersFromParams, pageFromParams, withFilters } from "./itemFilters";

describe("item filters in the URL", () => {
  it("reads valid filters and ignores junk", () => {
    expect(filtersFromParams(new URLSearchParams("state=done&annotator=4&agreement_below=0.5&ground_truth=true"))).toEqual({
      state: "done",
      annotator: 4,
      agreementBelow: 0.5,
      groundTruth: true,
    });
    expect(filtersFromParams(new URLSearchParams("state=nope&annotator=x&agreement_below=abc&ground_truth=1"))).toEqual({});
  });

  it("reads the page, defaulting to 1", () => {
    expect(pageFromParams(new URLSearchParams("page=3"))).toBe(3);
    expect(pageFromParams(new URLSearchParams("page=0"))).toBe(1);
    expect(pageFromParams(new URLSearchParams(""))).toBe(1);
  });

  it("goes back to page 1 when a filter changes, and drops empty values", () => {
    const params = new URLSearchParams("state=open&page=4");
    expect(withFilters(params, { state: "done" }).toString()).toBe("state=done");
    expect(withFilters(params, { state: "" }).toString()).toBe("");
    expect(withFilters(params, { page: "5" }).toString()).toBe("state=open&page=5");
  });
});
