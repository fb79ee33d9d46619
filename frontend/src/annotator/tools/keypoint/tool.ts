/**
 * The keypoint tool: a click puts a point with the active label; a click on a shape selects it
 * instead (Shift+click always puts a point); the selected point can be dragged.
 *
 *   idle --click--> idle (+ point, or select)     idle --grab--> moving --up--> idle
 */

import { addRegion, updateRegion } from "../../core/document";
import { clampPoint, distance } from "../../core/geometry";
import { hitTest } from "../../core/hit";
import type { ImageTool } from "../../core/tool";
import type { Point, Region } from "../../core/types";

export type KeypointState = { mode: "idle" } | { mode: "moving"; key: string; start: Point };

const IDLE: KeypointState = { mode: "idle" };

function withPoint(region: Region, point: Point): Region {
  return region.type === "keypoint" ? { ...region, point } : region;
}

export const keypointTool: ImageTool<KeypointState> = {
  type: "keypoint",
  idle: IDLE,

  grab(ctx, region, point) {
    if (region.type !== "keypoint" || distance(region.point, point) > ctx.tolerance * 1.5) return null;
    return { mode: "moving", key: region.key, start: region.point };
  },

  down(ctx, _state, { point, shift }) {
    if (!shift) {
      const hit = hitTest(ctx.doc, point, ctx.tolerance, ctx.hidden);
      if (hit) return { state: IDLE, select: hit.key };
    }
    const inside = point.x >= 0 && point.y >= 0 && point.x <= ctx.image.width && point.y <= ctx.image.height;
    if (!ctx.active || !inside) return { state: IDLE, select: null };
    const added = addRegion(ctx.doc, {
      control: ctx.active.control,
      type: "keypoint",
      label: ctx.active.label,
      point: clampPoint(point, ctx.image),
      visible: true,
    });
    return { state: IDLE, doc: added.doc, commit: true };
  },

  move(ctx, state, { point }) {
    if (state.mode !== "moving") return { state };
    const p = clampPoint(point, ctx.image);
    return { state, doc: updateRegion(ctx.doc, state.key, (r) => withPoint(r, p)) };
  },

  up(ctx, state, input) {
    if (state.mode !== "moving") return { state: IDLE };
    const step = keypointTool.move(ctx, state, input);
    return { state: IDLE, doc: step.doc ?? ctx.doc, commit: true };
  },

  key() {
    return null;
  },

  busy(state) {
    return state.mode !== "idle";
  },

  preview() {
    return null;
  },
};
