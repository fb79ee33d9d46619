/** Plane geometry in image pixels, and the zoom/pan transform between image and screen. */

import type { Box, Point, Size } from "./types";

export function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}

/** Round to 2 decimals, as the server stores coordinates. */
export function round2(value: number): number {
  const rounded = Math.round(value * 100) / 100;
  return Object.is(rounded, -0) ? 0 : rounded;
}

export function clampPoint(point: Point, size: Size): Point {
  return { x: clamp(point.x, 0, size.width), y: clamp(point.y, 0, size.height) };
}

/** The box spanned by two corners, in any order. */
export function boxFromCorners(a: Point, b: Point): Box {
  return {
    x: Math.min(a.x, b.x),
    y: Math.min(a.y, b.y),
    w: Math.abs(b.x - a.x),
    h: Math.abs(b.y - a.y),
  };
}

/** A box with positive size (a negative width/height flips the origin). */
export function normaliseBox(box: Box): Box {
  return boxFromCorners({ x: box.x, y: box.y }, { x: box.x + box.w, y: box.y + box.h });
}

/** Cut a box to the image (it may shrink). */
export function clipBox(box: Box, size: Size): Box {
  const b = normaliseBox(box);
  const x0 = clamp(b.x, 0, size.width);
  const y0 = clamp(b.y, 0, size.height);
  const x1 = clamp(b.x + b.w, 0, size.width);
  const y1 = clamp(b.y + b.h, 0, size.height);
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/** Move a box inside the image without changing its size (as far as it fits). */
export function keepBoxInside(box: Box, size: Size): Box {
  const w = Math.min(box.w, size.width);
  const h = Math.min(box.h, size.height);
  return { x: clamp(box.x, 0, size.width - w), y: clamp(box.y, 0, size.height - h), w, h };
}

export function pointInBox(p: Point, box: Box, tolerance = 0): boolean {
  return (
    p.x >= box.x - tolerance &&
    p.x <= box.x + box.w + tolerance &&
    p.y >= box.y - tolerance &&
    p.y <= box.y + box.h + tolerance
  );
}

/** Even-odd rule (ray casting); points on an edge may fall either way. */
export function pointInPolygon(p: Point, polygon: readonly Point[]): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[i]!;
    const b = polygon[j]!;
    if (a.y > p.y !== b.y > p.y && p.x < ((b.x - a.x) * (p.y - a.y)) / (b.y - a.y) + a.x) {
      inside = !inside;
    }
  }
  return inside;
}

export function distance(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

export function distanceToSegment(p: Point, a: Point, b: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length2 = dx * dx + dy * dy;
  if (length2 === 0) return distance(p, a);
  const t = clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / length2, 0, 1);
  return distance(p, { x: a.x + t * dx, y: a.y + t * dy });
}

/** Signed area (shoelace); 0 for collinear points. */
export function polygonArea(points: readonly Point[]): number {
  let sum = 0;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    sum += (points[j]!.x + points[i]!.x) * (points[j]!.y - points[i]!.y);
  }
  return sum / 2;
}

/** The server refuses polygons whose points all lie on one line (after rounding). */
export function isDegeneratePolygon(points: readonly Point[]): boolean {
  if (points.length < 3) return true;
  const rounded = points.map((p) => ({ x: round2(p.x), y: round2(p.y) }));
  const first = rounded[0]!;
  const far = rounded.find((p) => p.x !== first.x || p.y !== first.y);
  if (!far) return true;
  const dx = far.x - first.x;
  const dy = far.y - first.y;
  return rounded.every((p) => Math.abs(dx * (p.y - first.y) - dy * (p.x - first.x)) < 1e-6);
}

export function boundsOf(points: readonly Point[]): Box {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, w: Math.max(...xs) - x, h: Math.max(...ys) - y };
}

/** Shift points by (dx, dy), limited so that none leaves the image. */
export function translateInside(points: readonly Point[], dx: number, dy: number, size: Size): Point[] {
  const b = boundsOf(points);
  const mx = clamp(dx, -b.x, size.width - (b.x + b.w));
  const my = clamp(dy, -b.y, size.height - (b.y + b.h));
  return points.map((p) => ({ x: p.x + mx, y: p.y + my }));
}

// --- viewport: zoom and pan ---------------------------------------------------------------

/** screen = image * scale + (x, y), in CSS pixels relative to the stage's top left. */
export interface Viewport {
  scale: number;
  x: number;
  y: number;
}

export const MIN_SCALE = 0.05;
export const MAX_SCALE = 32;

export function toScreen(vp: Viewport, p: Point): Point {
  return { x: p.x * vp.scale + vp.x, y: p.y * vp.scale + vp.y };
}

export function toImage(vp: Viewport, p: Point): Point {
  return { x: (p.x - vp.x) / vp.scale, y: (p.y - vp.y) / vp.scale };
}

/** The whole image centred in the stage, as large as fits (with `margin` CSS pixels around). */
export function fitViewport(image: Size, stage: Size, margin = 8): Viewport {
  if (image.width <= 0 || image.height <= 0 || stage.width <= 0 || stage.height <= 0) {
    return { scale: 1, x: 0, y: 0 };
  }
  const availableW = Math.max(stage.width - 2 * margin, 1);
  const availableH = Math.max(stage.height - 2 * margin, 1);
  const scale = clamp(Math.min(availableW / image.width, availableH / image.height), MIN_SCALE, MAX_SCALE);
  return {
    scale,
    x: (stage.width - image.width * scale) / 2,
    y: (stage.height - image.height * scale) / 2,
  };
}

/** Zoom by `factor`, keeping the image point under `anchor` (screen) where it is. */
export function zoomAt(vp: Viewport, factor: number, anchor: Point): Viewport {
  const scale = clamp(vp.scale * factor, MIN_SCALE, MAX_SCALE);
  const k = scale / vp.scale;
  return { scale, x: anchor.x - (anchor.x - vp.x) * k, y: anchor.y - (anchor.y - vp.y) * k };
}

export function panBy(vp: Viewport, dx: number, dy: number): Viewport {
  return { ...vp, x: vp.x + dx, y: vp.y + dy };
}

/** Wheel delta (pixels) to a zoom factor: one notch (100 px) is about 1.2x. */
export function wheelZoomFactor(deltaY: number): number {
  return Math.exp(-clamp(deltaY, -300, 300) * 0.0018);
}
