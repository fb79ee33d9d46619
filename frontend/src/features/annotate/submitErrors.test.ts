import { describe, expect, it } from "vitest";
import { ApiError } from "../../api/client";
import { addRegion } from "../../annotator/core/document";
import { demoImageSchema } from "../../annotator/core/fixtures";
import { parseLabelSchema } from "../../annotator/core/schema";
import { EMPTY_DOC } from "../../annotator/core/types";
import { describeSubmitError, missingRequired } from "./submitErrors";

describe("submit errors", () => {
  let doc = addRegion(EMPTY_DOC, { control: "time_of_day", type: "class", labels: ["day"] }).doc;
  doc = addRegion(doc, { control: "objects", type: "bbox", label: "car", bbox: { x: 1, y: 1, w: 5, h: 5 } }).doc;
  doc = addRegion(doc, { control: "objects", type: "bbox", label: "bike", bbox: { x: 600, y: 1, w: 100, h: 5 } }).doc;

  it("put a field error next to the region it names", () => {
    const error = new ApiError(400, "validation_failed", "box exceeds image width 640 (x + w = 700.0)", "result[2].bbox.w");
    const problem = describeSubmitError(error, doc);
    expect(problem.regions).toEqual(new Map([["r3", "bbox.w: box exceeds image width 640 (x + w = 700.0)"]]));
    expect(problem.summary).toBe("box 3 (bike): bbox.w: box exceeds image width 640 (x + w = 700.0)");
  });

  it("say when the item was taken, and that nothing is lost on a network error", () => {
    expect(describeSubmitError(new ApiError(409, "item_full", "This item needs no more annotations.", "lease"), doc)).toMatchObject({ itemGone: true });
    expect(describeSubmitError(new ApiError(0, "network_error", "Can't reach the server."), doc).summary).toContain("press Submit again");
    expect(describeSubmitError(new ApiError(400, "validation_failed", "required control 'x' has no region", "result"), doc)).toMatchObject({
      summary: "required control 'x' has no region",
      itemGone: false,
    });
  });

  it("finds required controls without a region before anything is sent", () => {
    const schema = parseLabelSchema({ controls: [{ name: "sentiment", type: "class", required: true, labels: [{ name: "pos" }] }] }, "text");
    expect(missingRequired(EMPTY_DOC, schema)).toEqual(["sentiment"]);
    expect(missingRequired(doc, demoImageSchema())).toEqual([]);
  });
});
