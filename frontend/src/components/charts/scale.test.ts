import { describe, expect, it } from "vitest";
import { labelWidthFor } from "./BarChart";
import { linearScale, niceCeil, niceTicks, percent, stackSegments, truncate } from "./scale";

describe("linearScale", () => {
  it("maps the domain onto the range", () => {
    const x = linearScale([0, 10], [100, 300]);
    expect(x(0)).toBe(100);
    expect(x(5)).toBe(200);
    expect(x(10)).toBe(300);
  });

  it("clamps values outside the domain and survives an empty domain or NaN", () => {
    const x = linearScale([0, 10], [0, 100]);
    expect(x(-5)).toBe(0);
    expect(x(50)).toBe(100);
    expect(x(Number.NaN)).toBe(0);
    expect(linearScale([3, 3], [10, 20])(3)).toBe(10);
  });

  it("works for inverted ranges (SVG y grows downwards)", () => {
    expect(linearScale([0, 4], [80, 0])(1)).toBe(60);
  });
});

describe("niceCeil", () => {
  it.each([
    [0, 1],
    [-3, 1],
    [1, 1],
    [1.2, 2],
    [2.1, 2.5],
    [3, 5],
    [7, 10],
    [0.3, 0.5],
    [12, 20],
    [26, 50],
    [1000, 1000],
  ])("niceCeil(%s) = %s", (value, expected) => {
    expect(niceCeil(value)).toBe(expected);
  });
});

describe("niceTicks", () => {
  it("covers the maximum with evenly spaced integer ticks from 0", () => {
    expect(niceTicks(8)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(10)).toEqual([0, 5, 10]);
    expect(niceTicks(13)).toEqual([0, 5, 10, 15]);
    expect(niceTicks(40)).toEqual([0, 10, 20, 30, 40]);
    expect(niceTicks(1)).toEqual([0, 1]);
    expect(niceTicks(3)).toEqual([0, 1, 2, 3]);
  });

  it("allows fractional ticks when asked", () => {
    expect(niceTicks(1, 4, false)).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });

  it("gives a usable axis for an empty chart", () => {
    expect(niceTicks(0)).toEqual([0, 1]);
    expect(niceTicks(Number.NaN)).toEqual([0, 1]);
  });

  it("always ends at or above the maximum", () => {
    for (const max of [1, 5, 7, 19, 99, 101, 1234, 98765]) {
      const ticks = niceTicks(max);
      expect(ticks[ticks.length - 1]).toBeGreaterThanOrEqual(max);
      expect(ticks.length).toBeLessThanOrEqual(7);
    }
  });
});

describe("stackSegments", () => {
  it("lays values end to end, proportionally, summing exactly to the width", () => {
    expect(stackSegments([1, 1, 2], 100)).toEqual([
      { start: 0, size: 25 },
      { start: 25, size: 25 },
      { start: 50, size: 50 },
    ]);
  });

  it("hands out rounding remainders so the total never drifts", () => {
    const segments = stackSegments([1, 1, 1], 100);
    expect(segments.reduce((sum, s) => sum + s.size, 0)).toBe(100);
    expect(segments.map((s) => s.size).sort()).toEqual([33, 33, 34]);
    const last = segments[2]!;
    expect(last.start + last.size).toBe(100);
  });

  it("gives zero, negative and NaN values no room", () => {
    expect(stackSegments([0, 5, -2, Number.NaN], 10).map((s) => s.size)).toEqual([0, 10, 0, 0]);
  });

  it("returns empty segments when everything is zero", () => {
    expect(stackSegments([0, 0], 100)).toEqual([
      { start: 0, size: 0 },
      { start: 0, size: 0 },
    ]);
  });
});

describe("percent, truncate, label width", () => {
  it("rounds percentages and guards a zero total", () => {
    expect(percent(1, 3)).toBe(33);
    expect(percent(2, 3)).toBe(67);
    expect(percent(5, 0)).toBe(0);
  });

  it("truncates labels by characters, not UTF-16 units", () => {
    expect(truncate("short", 10)).toBe("short");
    expect(truncate("a very long label", 8)).toBe("a very …");
    expect(truncate("🐱🐱🐱🐱", 3)).toBe("🐱🐱…");
  });

  it("gives labels a third of the chart within bounds", () => {
    expect(labelWidthFor(300)).toBe(100);
    expect(labelWidthFor(120)).toBe(80);
    expect(labelWidthFor(1200)).toBe(180);
  });
});
