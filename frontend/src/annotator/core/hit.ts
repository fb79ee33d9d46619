/** Which region is under the pointer. */

import { boundsOf, distance, distanceToSegment, pointInBox, pointInPolygon } from "./geometry";
import type { AnnotationDoc, Point, Region, ShapeRegion } from "./types";

export function isShape(region: Region): region is ShapeRegion {
  return region.type === "bbox" || region.type === "polygon" || region.type === "keypoint";
}

/** Distance-like score of `p` to a shape, or null when it is not hit. Smaller wins. */
function hitScore(region: ShapeRegion, p: Point, tolerance: number): number | null {
  switch (region.type) {
    case "keypoint":
      // Points are tiny: they win over anything they overlap.
      return distance(region.point, p) <= tolerance * 1.5 ? -1 : null;
    case "bbox":
      return pointInBox(p, region.bbox, tolerance) ? region.bbox.w * region.bbox.h : null;
    case "polygon": {
      const pts = region.points;
      let near = pointInPolygon(p, pts);
      for (let i = 0; !near && i < pts.length; i += 1) {
        near = distanceToSegment(p, pts[i]!, pts[(i + 1) % pts.length]!) <= tolerance;
      }
      if (!near) return null;
      const b = boundsOf(pts);
      return b.w * b.h;
    }
  }
}

/**
 * The visible shape under `p`: a keypoint first, then the smallest box or polygon containing
 * it, so nested objects stay reachable; among equals, the one drawn last (on top).
 */
export function hitTest(
  doc: AnnotationDoc,
  p: Point,
  tolerance: number,
  hidden: ReadonlySet<string> = new Set(),
): ShapeRegion | undefined {
  let best: ShapeRegion | undefined;
  let bestScore = Infinity;
  for (let i = doc.regions.length - 1; i >= 0; i -= 1) {
    const region = doc.regions[i]!;
    if (!isShape(region) || hidden.has(region.key)) continue;
    const score = hitScore(region, p, tolerance);
    if (score !== null && score < bestScore) {
      best = region;
      bestScore = score;
    }
  }
  return best;
}
