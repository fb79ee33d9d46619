/**
 * The polygon tool. Clicks add points; clicking the first point again (or Enter) closes the
 * polygon once it has three; Backspace takes back the last point, Escape drops the drawing.
 * On the selected polygon, dragging a vertex moves it and dragging the inside moves it all.
 * When not drawing, a click on a shape selects it; Shift+click starts a polygon anyway.
 *
 *   idle --click--> drawing --click--> drawing --click first / Enter--> idle (+ polygon)
 *   idle --grab--> vertex | moving --move--> ... --up--> idle (one undo step)
 */

import { addRegion, updateRegion } from "../../core/document";
import { clampPoint, distance, isDegeneratePolygon, pointInPolygon, translateInside } from "../../core/geometry";
import { hitTest } from "../../core/hit";
import type { ImageTool, ToolContext, ToolStep } from "../../core/tool";
import type { LabelRef, Point, Region } from "../../core/types";

export type PolygonState =
  | { mode: "idle" }
  | { mode: "drawing"; points: Point[]; ref: LabelRef }
  | { mode: "vertex"; key: string; index: number; points: Point[] }
  | { mode: "moving"; key: string; origin: Point; points: Point[] };

const IDLE: PolygonState = { mode: "idle" };

function withPoints(region: Region, points: Point[]): Region {
  return region.type === "polygon" ? { ...region, points } : region;
}

/** Close the drawing into a region; a polygon with no area is refused (the server would). */
function close(ctx: ToolContext, state: Extract<PolygonState, { mode: "drawing" }>): ToolStep<PolygonState> {
  if (state.points.length < 3 || isDegeneratePolygon(state.points)) return { state };
  const added = addRegion(ctx.doc, { control: state.ref.control, type: "polygon", label: state.ref.label, points: state.points });
  return { state: IDLE, doc: added.doc, commit: true };
}

function nearFirst(ctx: ToolContext, points: readonly Point[], p: Point): boolean {
  return points.length >= 3 && distance(points[0]!, p) <= ctx.tolerance * 1.5;
}

export const polygonTool: ImageTool<PolygonState> = {
  type: "polygon",
  idle: IDLE,

  grab(ctx, region, point) {
    if (region.type !== "polygon") return null;
    const index = region.points.findIndex((p) => distance(p, point) <= ctx.tolerance);
    if (index !== -1) return { mode: "vertex", key: region.key, index, points: region.points };
    if (pointInPolygon(point, region.points)) return { mode: "moving", key: region.key, origin: point, points: region.points };
    return null;
  },

  down(ctx, state, { point, shift }) {
    if (state.mode === "drawing") {
      if (nearFirst(ctx, state.points, point)) return close(ctx, state);
      return { state: { ...state, points: [...state.points, clampPoint(point, ctx.image)] } };
    }
    if (!shift) {
      const hit = hitTest(ctx.doc, point, ctx.tolerance, ctx.hidden);
      if (hit) return { state: IDLE, select: hit.key };
    }
    if (!ctx.active) return { state: IDLE, select: null };
    return { state: { mode: "drawing", points: [clampPoint(point, ctx.image)], ref: ctx.active }, select: null };
  },

  move(ctx, state, { point }) {
    if (state.mode === "vertex") {
      const points = state.points.map((p, i) => (i === state.index ? clampPoint(point, ctx.image) : p));
      return { state, doc: updateRegion(ctx.doc, state.key, (r) => withPoints(r, points)) };
    }
    if (state.mode === "moving") {
      const points = translateInside(state.points, point.x - state.origin.x, point.y - state.origin.y, ctx.image);
      return { state, doc: updateRegion(ctx.doc, state.key, (r) => withPoints(r, points)) };
    }
    return { state };
  },

  up(ctx, state, input) {
    if (state.mode === "vertex" || state.mode === "moving") {
      const doc = polygonTool.move(ctx, state, input).doc ?? ctx.doc;
      const region = doc.regions.find((r) => r.key === state.key);
      if (region?.type === "polygon" && isDegeneratePolygon(region.points)) {
        return { state: IDLE, doc: updateRegion(doc, state.key, (r) => withPoints(r, state.points)), commit: true };
      }
      return { state: IDLE, doc, commit: true };
    }
    return { state };
  },

  key(ctx, state, key) {
    if (state.mode !== "drawing") return null;
    if (key === "Enter") return close(ctx, state);
    if (key === "Escape") return { state: IDLE };
    if (key === "Backspace" || key === "Delete") {
      const points = state.points.slice(0, -1);
      return { state: points.length ? { ...state, points } : IDLE };
    }
    return null;
  },

  busy(state) {
    return state.mode !== "idle";
  },

  preview(ctx, state, hover) {
    if (state.mode !== "drawing") return null;
    const closable = hover !== null && nearFirst(ctx, state.points, hover);
    return { kind: "polyline", points: state.points, hover: hover && clampPoint(hover, ctx.image), ref: state.ref, closable };
  },
};
