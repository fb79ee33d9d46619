/** Box handles: where they are and what dragging one does. */

import { clamp, distance, normaliseBox } from "../../core/geometry";
import type { Box, Point, Size } from "../../core/types";

export type Handle = "nw" | "n" | "ne" | "e" | "se" | "s" | "sw" | "w";

export const HANDLES: readonly Handle[] = ["nw", "ne", "se", "sw", "n", "e", "s", "w"];

export function handlePoint(box: Box, handle: Handle): Point {
  const cx = box.x + box.w / 2;
  const cy = box.y + box.h / 2;
  const x = handle.includes("w") ? box.x : handle.includes("e") ? box.x + box.w : cx;
  const y = handle.includes("n") ? box.y : handle.includes("s") ? box.y + box.h : cy;
  return { x, y };
}

/** The handle within `tolerance` of `p` (corners before edges), or null. */
export function handleAt(box: Box, p: Point, tolerance: number): Handle | null {
  for (const handle of HANDLES) {
    if (distance(handlePoint(box, handle), p) <= tolerance) return handle;
  }
  return null;
}

/** The box after dragging `handle` to `p`: the opposite edges stay, the box may flip. */
export function resizeBox(box: Box, handle: Handle, p: Point, image: Size): Box {
  const q = { x: clamp(p.x, 0, image.width), y: clamp(p.y, 0, image.height) };
  let x0 = box.x;
  let y0 = box.y;
  let x1 = box.x + box.w;
  let y1 = box.y + box.h;
  if (handle.includes("w")) x0 = q.x;
  if (handle.includes("e")) x1 = q.x;
  if (handle.includes("n")) y0 = q.y;
  if (handle.includes("s")) y1 = q.y;
  return normaliseBox({ x: x0, y: y0, w: x1 - x0, h: y1 - y0 });
}

export const HANDLE_CURSORS: Record<Handle, string> = {
  nw: "nwse-resize",
  se: "nwse-resize",
  ne: "nesw-resize",
  sw: "nesw-resize",
  n: "ns-resize",
  s: "ns-resize",
  e: "ew-resize",
  w: "ew-resize",
};
