import { describe, expect, it } from "vitest";
import { addRegion } from "../../core/document";
import { imageSchema } from "../../core/fixtures";
import type { ToolContext } from "../../core/tool";
import { EMPTY_DOC, type AnnotationDoc } from "../../core/types";
import { polygonTool, type PolygonState } from "./tool";

const IMAGE = { width: 640, height: 480 };

function ctx(doc: AnnotationDoc = EMPTY_DOC, selected: string | null = null): ToolContext {
  return { doc, schema: imageSchema(), image: IMAGE, selected, hidden: new Set(), active: { control: "outline", label: "road" }, scale: 1, tolerance: 6 };
}

const at = (x: number, y: number, shift = false) => ({ point: { x, y }, shift });

function clicks(c: ToolContext, points: [number, number][], state: PolygonState = polygonTool.idle) {
  let step: ReturnType<typeof polygonTool.down> = { state };
  for (const [x, y] of points) {
    step = polygonTool.down({ ...c, doc: step.doc ?? c.doc }, step.state, at(x, y));
    if (step.doc) break;
    step = polygonTool.up(c, step.state, at(x, y));
  }
  return step;
}

describe("polygon tool", () => {
  it("adds a point per click and closes on the first point", () => {
    const step = clicks(ctx(), [
      [10, 10],
      [100, 10],
      [100, 100],
      [12, 11],
    ]);
    expect(step.commit).toBe(true);
    expect(step.doc!.regions[0]).toMatchObject({
      type: "polygon",
      label: "road",
      points: [
        { x: 10, y: 10 },
        { x: 100, y: 10 },
        { x: 100, y: 100 },
      ],
    });
  });

  it("closes with Enter, takes back points with Backspace and drops the drawing with Escape", () => {
    const c = ctx();
    const drawing = clicks(c, [
      [10, 10],
      [100, 10],
      [100, 100],
      [10, 100],
    ]);
    expect(drawing.state).toMatchObject({ mode: "drawing" });
    const back = polygonTool.key(c, drawing.state, "Backspace")!;
    expect(back.state).toMatchObject({ mode: "drawing", points: { length: 3 } });
    expect(polygonTool.key(c, back.state, "Enter")!.doc!.regions[0]).toMatchObject({ points: { length: 3 } });
    expect(polygonTool.key(c, back.state, "Escape")!.state).toEqual({ mode: "idle" });
    expect(polygonTool.key(c, polygonTool.idle, "Enter")).toBeNull();
  });

  it("refuses to close fewer than three points or points on one line", () => {
    const c = ctx();
    const two = clicks(c, [
      [10, 10],
      [50, 50],
    ]);
    expect(polygonTool.key(c, two.state, "Enter")!.doc).toBeUndefined();
    const line = clicks(c, [
      [10, 10],
      [50, 50],
      [90, 90],
    ]);
    expect(polygonTool.key(c, line.state, "Enter")!.doc).toBeUndefined();
  });

  it("shows the next edge to the pointer and whether a click would close", () => {
    const c = ctx();
    const drawing = clicks(c, [
      [10, 10],
      [100, 10],
      [100, 100],
    ]);
    expect(polygonTool.preview(c, drawing.state, { x: 11, y: 12 })).toMatchObject({ kind: "polyline", closable: true });
    expect(polygonTool.preview(c, drawing.state, { x: 50, y: 50 })).toMatchObject({ closable: false, hover: { x: 50, y: 50 } });
  });

  it("selects a shape on click when not drawing; Shift+click starts a polygon on top of it", () => {
    const { doc, key } = addRegion(EMPTY_DOC, { control: "objects", type: "bbox", label: "car", bbox: { x: 0, y: 0, w: 200, h: 200 } });
    expect(polygonTool.down(ctx(doc), polygonTool.idle, at(50, 50)).select).toBe(key);
    expect(polygonTool.down(ctx(doc), polygonTool.idle, at(50, 50, true)).state).toMatchObject({ mode: "drawing" });
  });

  it("drags a vertex or the whole selected polygon", () => {
    const points = [
      { x: 10, y: 10 },
      { x: 100, y: 10 },
      { x: 100, y: 100 },
    ];
    const { doc, key } = addRegion(EMPTY_DOC, { control: "outline", type: "polygon", label: "road", points });
    const c = ctx(doc, key);
    const vertex = polygonTool.grab(c, doc.regions[0]!, { x: 99, y: 12 })!;
    expect(vertex).toMatchObject({ mode: "vertex", index: 1 });
    expect(polygonTool.up(c, vertex, at(120, 5)).doc!.regions[0]).toMatchObject({ points: [points[0], { x: 120, y: 5 }, points[2]] });
    const body = polygonTool.grab(c, doc.regions[0]!, { x: 80, y: 30 })!;
    expect(body.mode).toBe("moving");
    const moved = polygonTool.up(c, body, at(90, 20));
    expect(moved.commit).toBe(true);
    expect(moved.doc!.regions[0]).toMatchObject({ points: [{ x: 20, y: 0 }, { x: 110, y: 0 }, { x: 110, y: 90 }] });
  });

  it("takes back a vertex drag that flattens the polygon", () => {
    const points = [
      { x: 0, y: 0 },
      { x: 100, y: 0 },
      { x: 100, y: 100 },
    ];
    const { doc, key } = addRegion(EMPTY_DOC, { control: "outline", type: "polygon", label: "road", points });
    const c = ctx(doc, key);
    const vertex = polygonTool.grab(c, doc.regions[0]!, { x: 100, y: 100 })!;
    expect(polygonTool.up(c, vertex, at(50, 0)).doc!.regions[0]).toMatchObject({ points });
  });
});
