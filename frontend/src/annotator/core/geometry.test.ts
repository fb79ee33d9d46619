import { describe, expect, it } from "vitest";
import {
  boxFromCorners,
  clipBox,
  distanceToSegment,
  fitViewport,
  isDegeneratePolygon,
  keepBoxInside,
  normaliseBox,
  panBy,
  pointInBox,
  pointInPolygon,
  polygonArea,
  round2,
  toImage,
  toScreen,
  translateInside,
  wheelZoomFactor,
  zoomAt,
} from "./geometry";

const IMAGE = { width: 640, height: 480 };

describe("boxes", () => {
  it("builds a positive box from two corners in any order", () => {
    expect(boxFromCorners({ x: 50, y: 80 }, { x: 10, y: 20 })).toEqual({ x: 10, y: 20, w: 40, h: 60 });
    expect(normaliseBox({ x: 50, y: 80, w: -40, h: -60 })).toEqual({ x: 10, y: 20, w: 40, h: 60 });
  });

  it("clips a box to the image and keeps a moved box inside without shrinking it", () => {
    expect(clipBox({ x: -10, y: 470, w: 30, h: 30 }, IMAGE)).toEqual({ x: 0, y: 470, w: 20, h: 10 });
    expect(keepBoxInside({ x: 630, y: -5, w: 30, h: 20 }, IMAGE)).toEqual({ x: 610, y: 0, w: 30, h: 20 });
  });

  it("hit tests a box with a tolerance", () => {
    const box = { x: 10, y: 10, w: 20, h: 20 };
    expect(pointInBox({ x: 30, y: 30 }, box)).toBe(true);
    expect(pointInBox({ x: 33, y: 30 }, box)).toBe(false);
    expect(pointInBox({ x: 33, y: 30 }, box, 4)).toBe(true);
  });

  it("rounds like the server stores coordinates (2 decimals, no negative zero)", () => {
    expect(round2(80.26755)).toBe(80.27);
    expect(round2(-0.001)).toBe(0);
    expect(Object.is(round2(-0.001), -0)).toBe(false);
  });
});

describe("polygons", () => {
  const square = [
    { x: 0, y: 0 },
    { x: 10, y: 0 },
    { x: 10, y: 10 },
    { x: 0, y: 10 },
  ];
  const concave = [
    { x: 0, y: 0 },
    { x: 10, y: 0 },
    { x: 10, y: 10 },
    { x: 5, y: 5 },
    { x: 0, y: 10 },
  ];

  it("knows inside from outside, also for concave shapes", () => {
    expect(pointInPolygon({ x: 5, y: 2 }, square)).toBe(true);
    expect(pointInPolygon({ x: 11, y: 5 }, square)).toBe(false);
    expect(pointInPolygon({ x: 5, y: 8 }, concave)).toBe(false);
    expect(pointInPolygon({ x: 8, y: 6 }, concave)).toBe(true);
  });

  it("measures distance to a segment, area, and refuses collinear points as the server does", () => {
    expect(distanceToSegment({ x: 5, y: 3 }, { x: 0, y: 0 }, { x: 10, y: 0 })).toBe(3);
    expect(distanceToSegment({ x: -3, y: 4 }, { x: 0, y: 0 }, { x: 10, y: 0 })).toBe(5);
    expect(Math.abs(polygonArea(square))).toBe(100);
    expect(isDegeneratePolygon([{ x: 0, y: 0 }, { x: 5, y: 5 }, { x: 10, y: 10 }])).toBe(true);
    expect(isDegeneratePolygon([{ x: 1, y: 1 }, { x: 1, y: 1 }, { x: 1, y: 1 }])).toBe(true);
    expect(isDegeneratePolygon([{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 10, y: 0.01 }])).toBe(false);
  });

  it("moves points as far as the image allows", () => {
    expect(translateInside(square, -5, 500, IMAGE)).toEqual([
      { x: 0, y: 470 },
      { x: 10, y: 470 },
      { x: 10, y: 480 },
      { x: 0, y: 480 },
    ]);
  });
});

describe("viewport", () => {
  it("maps image to screen and back", () => {
    const vp = { scale: 1.5, x: 20, y: -7 };
    const p = { x: 100, y: 40 };
    expect(toScreen(vp, p)).toEqual({ x: 170, y: 53 });
    expect(toImage(vp, toScreen(vp, p))).toEqual(p);
  });

  it("fits the image centred in the stage", () => {
    const vp = fitViewport(IMAGE, { width: 1000, height: 616 }, 8);
    expect(vp.scale).toBe(1.25);
    expect(vp.x).toBe(100);
    expect(vp.y).toBe(8);
  });

  it("zooms around the cursor: the image point under it stays put", () => {
    const vp = { scale: 1, x: 10, y: 10 };
    const anchor = { x: 210, y: 110 };
    const before = toImage(vp, anchor);
    const zoomed = zoomAt(vp, 2, anchor);
    expect(zoomed.scale).toBe(2);
    expect(toImage(zoomed, anchor)).toEqual(before);
    expect(wheelZoomFactor(-100)).toBeGreaterThan(1);
    expect(wheelZoomFactor(100)).toBeLessThan(1);
    expect(zoomAt(vp, 1e9, anchor).scale).toBe(32);
  });

  it("pans by screen pixels", () => {
    expect(panBy({ scale: 2, x: 1, y: 2 }, 10, -5)).toEqual({ scale: 2, x: 11, y: -3 });
  });
});
