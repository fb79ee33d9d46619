import { describe, expect, it } from "vitest";
import { addRegion } from "../../core/document";
import { demoImageSchema } from "../../core/fixtures";
import type { ToolContext } from "../../core/tool";
import { EMPTY_DOC, type AnnotationDoc } from "../../core/types";
import { handleAt, resizeBox } from "./geometry";
import { bboxTool, type BBoxState } from "./tool";

const IMAGE = { width: 640, height: 480 };

function ctx(doc: AnnotationDoc = EMPTY_DOC, selected: string | null = null): ToolContext {
  return {
    doc,
    schema: demoImageSchema(),
    image: IMAGE,
    selected,
    hidden: new Set(),
    active: { control: "objects", label: "car" },
    scale: 1,
    tolerance: 6,
  };
}

const at = (x: number, y: number) => ({ point: { x, y }, shift: false });

function drag(c: ToolContext, from: [number, number], to: [number, number], state: BBoxState = bboxTool.idle) {
  let step = bboxTool.down(c, state, at(...from));
  step = bboxTool.move(c, step.state, at((from[0] + to[0]) / 2, (from[1] + to[1]) / 2));
  step = bboxTool.move(c, step.state, at(...to));
  return bboxTool.up(c, step.state, at(...to));
}

describe("box tool", () => {
  it("draws a box with the active label, from any corner, clamped to the image", () => {
    const step = drag(ctx(), [300, 200], [100, 50]);
    expect(step.commit).toBe(true);
    expect(step.state.mode).toBe("idle");
    expect(step.doc!.regions).toEqual([{ key: "r1", control: "objects", type: "bbox", label: "car", bbox: { x: 100, y: 50, w: 200, h: 150 } }]);
    const outside = drag(ctx(), [600, 400], [900, 700]);
    expect(outside.doc!.regions[0]).toMatchObject({ bbox: { x: 600, y: 400, w: 40, h: 80 } });
  });

  it("previews the box while drawing", () => {
    const c = ctx();
    const down = bboxTool.down(c, bboxTool.idle, at(10, 10));
    const moved = bboxTool.move(c, down.state, at(50, 30));
    expect(bboxTool.busy(moved.state)).toBe(true);
    expect(bboxTool.preview(c, moved.state, null)).toEqual({ kind: "box", box: { x: 10, y: 10, w: 40, h: 20 }, ref: { control: "objects", label: "car" } });
  });

  it("treats a click as selecting the shape under the pointer, and a thin drag as nothing", () => {
    const { doc, key } = addRegion(EMPTY_DOC, { control: "objects", type: "bbox", label: "car", bbox: { x: 10, y: 10, w: 100, h: 100 } });
    const click = drag(ctx(doc), [50, 50], [51, 51]);
    expect(click.doc).toBeUndefined();
    expect(click.select).toBe(key);
    expect(drag(ctx(doc), [200, 200], [201, 200]).select).toBeNull();
    expect(drag(ctx(doc), [200, 200], [300, 201]).doc).toBeUndefined();
  });

  it("moves the selected box inside the image as one committed step", () => {
    const { doc, key } = addRegion(EMPTY_DOC, { control: "objects", type: "bbox", label: "car", bbox: { x: 10, y: 10, w: 100, h: 100 } });
    const c = ctx(doc, key);
    const grabbed = bboxTool.grab(c, doc.regions[0]!, { x: 50, y: 50 })!;
    expect(grabbed.mode).toBe("moving");
    const mid = bboxTool.move(c, grabbed, at(80, 60));
    expect(mid.commit).toBeFalsy();
    expect(mid.doc!.regions[0]).toMatchObject({ bbox: { x: 40, y: 20 } });
    const up = bboxTool.up(c, grabbed, at(1000, 60));
    expect(up.commit).toBe(true);
    expect(up.doc!.regions[0]).toMatchObject({ bbox: { x: 540, y: 20, w: 100, h: 100 } });
  });

  it("resizes by a handle; dragging past the opposite edge flips the box", () => {
    const box = { x: 10, y: 10, w: 100, h: 100 };
    expect(handleAt(box, { x: 111, y: 109 }, 6)).toBe("se");
    expect(handleAt(box, { x: 60, y: 12 }, 6)).toBe("n");
    expect(handleAt(box, { x: 60, y: 60 }, 6)).toBeNull();
    expect(resizeBox(box, "se", { x: 200, y: 150 }, IMAGE)).toEqual({ x: 10, y: 10, w: 190, h: 140 });
    expect(resizeBox(box, "e", { x: 0, y: 999 }, IMAGE)).toEqual({ x: 0, y: 10, w: 10, h: 100 });

    const { doc, key } = addRegion(EMPTY_DOC, { control: "objects", type: "bbox", label: "car", bbox: box });
    const c = ctx(doc, key);
    const grabbed = bboxTool.grab(c, doc.regions[0]!, { x: 10, y: 10 })!;
    expect(grabbed).toMatchObject({ mode: "resizing", handle: "nw" });
    const up = bboxTool.up(c, grabbed, at(30, 40));
    expect(up.doc!.regions[0]).toMatchObject({ bbox: { x: 30, y: 40, w: 80, h: 70 } });
  });

  it("takes back a resize that squashes the box to nothing", () => {
    const box = { x: 10, y: 10, w: 100, h: 100 };
    const { doc, key } = addRegion(EMPTY_DOC, { control: "objects", type: "bbox", label: "car", bbox: box });
    const c = ctx(doc, key);
    const grabbed = bboxTool.grab(c, doc.regions[0]!, { x: 110, y: 60 })!;
    const up = bboxTool.up(c, grabbed, at(10, 60));
    expect(up.doc!.regions[0]).toMatchObject({ bbox: box });
  });

  it("cancels a drawing on Escape", () => {
    const down = bboxTool.down(ctx(), bboxTool.idle, at(10, 10));
    expect(bboxTool.key(ctx(), down.state, "Escape")?.state).toEqual({ mode: "idle" });
    expect(bboxTool.key(ctx(), bboxTool.idle, "Escape")).toBeNull();
  });
});
