import { describe, expect, it } from "vitest";
import { addRegion } from "../../core/document";
import { imageSchema } from "../../core/fixtures";
import type { ToolContext } from "../../core/tool";
import { EMPTY_DOC, type AnnotationDoc } from "../../core/types";
import { keypointTool } from "./tool";

function ctx(doc: AnnotationDoc = EMPTY_DOC, selected: string | null = null): ToolContext {
  return { doc, schema: imageSchema(), image: { width: 640, height: 480 }, selected, hidden: new Set(), active: { control: "joints", label: "eye" }, scale: 2, tolerance: 3 };
}

const at = (x: number, y: number, shift = false) => ({ point: { x, y }, shift });

describe("keypoint tool", () => {
  it("puts a visible point with the active label on click", () => {
    const step = keypointTool.down(ctx(), keypointTool.idle, at(12.5, 40));
    expect(step.commit).toBe(true);
    expect(step.doc!.regions).toEqual([{ key: "r1", control: "joints", type: "keypoint", label: "eye", point: { x: 12.5, y: 40 }, visible: true }]);
    expect(keypointTool.down(ctx(), keypointTool.idle, at(-5, 40)).doc).toBeUndefined();
  });

  it("selects an existing point instead, unless Shift is held", () => {
    const { doc, key } = addRegion(EMPTY_DOC, { control: "joints", type: "keypoint", label: "nose", point: { x: 100, y: 100 }, visible: true });
    expect(keypointTool.down(ctx(doc), keypointTool.idle, at(102, 101)).select).toBe(key);
    expect(keypointTool.down(ctx(doc), keypointTool.idle, at(102, 101, true)).doc!.regions).toHaveLength(2);
  });

  it("drags the selected point, clamped to the image", () => {
    const { doc, key } = addRegion(EMPTY_DOC, { control: "joints", type: "keypoint", label: "nose", point: { x: 100, y: 100 }, visible: true });
    const c = ctx(doc, key);
    const grabbed = keypointTool.grab(c, doc.regions[0]!, { x: 101, y: 99 })!;
    expect(grabbed.mode).toBe("moving");
    expect(keypointTool.grab(c, doc.regions[0]!, { x: 120, y: 99 })).toBeNull();
    expect(keypointTool.up(c, grabbed, at(700, 10)).doc!.regions[0]).toMatchObject({ point: { x: 640, y: 10 } });
  });
});
