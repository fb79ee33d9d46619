/**
 * The box tool. Drag on the image draws a box with the active label; a press on the selected
 * box moves it, on one of its handles resizes it; a click without a drag selects the shape
 * under the pointer (or nothing).
 *
 *   idle --down--> drawing --move--> drawing --up--> idle (+ box, or a click: select)
 *   idle --grab--> moving | resizing --move--> ... --up--> idle (one undo step)
 */

import { addRegion, updateRegion } from "../../core/document";
import { boxFromCorners, clampPoint, distance, keepBoxInside } from "../../core/geometry";
import { hitTest } from "../../core/hit";
import type { ImageTool, PointerInput, ToolContext, ToolStep } from "../../core/tool";
import type { Box, Point, Region } from "../../core/types";
import { handleAt, resizeBox, type Handle } from "./geometry";

export type BBoxState =
  | { mode: "idle" }
  | { mode: "drawing"; start: Point; current: Point; origin: Point }
  | { mode: "moving"; key: string; origin: Point; box: Box }
  | { mode: "resizing"; key: string; handle: Handle; box: Box };

const IDLE: BBoxState = { mode: "idle" };

/** A box smaller than this (in screen pixels, either side) is a click, not a drawing. */
export const MIN_BOX_SCREEN_PX = 3;

function withBox(region: Region, bbox: Box): Region {
  return region.type === "bbox" ? { ...region, bbox } : region;
}

function selectAt(ctx: ToolContext, p: Point): ToolStep<BBoxState> {
  return { state: IDLE, select: hitTest(ctx.doc, p, ctx.tolerance, ctx.hidden)?.key ?? null };
}

function moveStep(ctx: ToolContext, state: BBoxState, { point }: PointerInput): ToolStep<BBoxState> {
  switch (state.mode) {
    case "drawing":
      return { state: { ...state, current: clampPoint(point, ctx.image) } };
    case "moving": {
      const moved = { ...state.box, x: state.box.x + point.x - state.origin.x, y: state.box.y + point.y - state.origin.y };
      const box = keepBoxInside(moved, ctx.image);
      return { state, doc: updateRegion(ctx.doc, state.key, (r) => withBox(r, box)) };
    }
    case "resizing": {
      const box = resizeBox(state.box, state.handle, point, ctx.image);
      return { state, doc: updateRegion(ctx.doc, state.key, (r) => withBox(r, box)) };
    }
    default:
      return { state };
  }
}

function upStep(ctx: ToolContext, state: BBoxState, input: PointerInput): ToolStep<BBoxState> {
  switch (state.mode) {
    case "drawing": {
      const box = boxFromCorners(state.start, clampPoint(input.point, ctx.image));
      const minimum = MIN_BOX_SCREEN_PX / ctx.scale;
      if (distance(state.origin, input.point) <= minimum) return selectAt(ctx, input.point);
      if (!ctx.active || box.w < minimum || box.h < minimum) return { state: IDLE };
      const added = addRegion(ctx.doc, { control: ctx.active.control, type: "bbox", label: ctx.active.label, bbox: box });
      return { state: IDLE, doc: added.doc, commit: true };
    }
    case "moving":
    case "resizing": {
      const doc = moveStep(ctx, state, input).doc ?? ctx.doc;
      const r = doc.regions.find((region) => region.key === state.key);
      // A resize that squashed the box to nothing is taken back rather than kept.
      if (r?.type === "bbox" && (r.bbox.w < 0.01 || r.bbox.h < 0.01)) {
        return { state: IDLE, doc: updateRegion(doc, state.key, (region) => withBox(region, state.box)), commit: true };
      }
      return { state: IDLE, doc, commit: true };
    }
    default:
      return { state: IDLE };
  }
}

export const bboxTool: ImageTool<BBoxState> = {
  type: "bbox",
  idle: IDLE,

  grab(ctx, region, point) {
    if (region.type !== "bbox") return null;
    const handle = handleAt(region.bbox, point, ctx.tolerance);
    if (handle) return { mode: "resizing", key: region.key, handle, box: region.bbox };
    const b = region.bbox;
    const inside = point.x >= b.x && point.x <= b.x + b.w && point.y >= b.y && point.y <= b.y + b.h;
    return inside ? { mode: "moving", key: region.key, origin: point, box: region.bbox } : null;
  },

  down(ctx, _state, { point }) {
    const start = clampPoint(point, ctx.image);
    return { state: { mode: "drawing", start, current: start, origin: point } };
  },

  move: moveStep,
  up: upStep,

  key(_ctx, state, key) {
    if (key === "Escape" && state.mode === "drawing") return { state: IDLE };
    return null;
  },

  busy(state) {
    return state.mode !== "idle";
  },

  preview(ctx, state) {
    if (state.mode !== "drawing" || !ctx.active) return null;
    return { kind: "box", box: boxFromCorners(state.start, state.current), ref: ctx.active };
  },
};
