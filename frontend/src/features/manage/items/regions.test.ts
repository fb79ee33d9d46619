import { describe, expect, it } from "vitest";
import type { Result } from "../../../api/items";
import { classChoices, colorLookup, regionSummary, textSegments } from "./regions";

describe("regions", () => {
  it("looks up label colours, grey for labels not in the schema", () => {
    const color = colorLookup({ controls: [{ name: "o", type: "bbox", labels: [{ name: "car", color: "#e6194b", hotkey: null }] }] });
    expect(color("o", "car")).toBe("#e6194b");
    expect(color("o", "bike")).toBe("#808080");
    expect(color("o", undefined)).toBe("#808080");
  });

  it("summarises class choices and drawn regions", () => {
    const result: Result = [
      { control: "time", type: "class", labels: ["day"] },
      { control: "o", type: "bbox", label: "car", bbox: { x: 0, y: 0, w: 1, h: 1 } },
      { control: "o", type: "bbox", label: "car", bbox: { x: 0, y: 0, w: 1, h: 1 } },
      { control: "p", type: "polygon", label: "road", points: [[0, 0], [1, 1], [0, 1]] },
    ];
    expect(classChoices(result)).toEqual([{ control: "time", labels: ["day"] }]);
    expect(regionSummary(result)).toBe("2 bbox, 1 polygon");
    expect(regionSummary([])).toBe("");
  });

  it("cuts text at span boundaries, with nested spans listed outermost first", () => {
    const segments = textSegments("hello big world", [
      { control: "e", type: "span", label: "A", start: 6, end: 15 },
      { control: "e", type: "span", label: "B", start: 6, end: 9 },
    ]);
    expect(segments.map((s) => [s.text, s.spans.map((x) => x.label)])).toEqual([
      ["hello ", []],
      ["big", ["A", "B"]],
      [" world", ["A"]],
    ]);
  });

  it("counts offsets in code points, as the server does", () => {
    // "🐱" is one code point but two UTF-16 units: "cat" starts at code point 2.
    const segments = textSegments("🐱 cat", [{ control: "e", type: "span", label: "X", start: 2, end: 5 }]);
    expect(segments.map((s) => s.text)).toEqual(["🐱 ", "cat"]);
  });

  it("clamps spans past the end and drops empty ones", () => {
    const segments = textSegments("abc", [
      { control: "e", type: "span", label: "X", start: 1, end: 99 },
      { control: "e", type: "span", label: "Y", start: 2, end: 2 },
    ]);
    expect(segments.map((s) => [s.text, s.spans.length])).toEqual([
      ["a", 0],
      ["bc", 1],
    ]);
  });
});
