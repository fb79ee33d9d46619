import { describe, expect, it } from "vitest";
import type { ItemDocument } from "../../api/datasets";
import { branchNameError, changedTotal, deltaDomain, deltaExtent, labelColor, schemaColors, histogramRows, labelChange, labelKeys, netLabelDelta, signed } from "./diffMath";

function doc(label: ItemDocument["label"]): ItemDocument {
  return { id: 1, project: 1, external_id: null, kind: "text", text: "hi", media: null, label, annotations: [], state: "done", agreement: null, meta: {} };
}

describe("histogramRows", () => {
  it("lists changed labels with before/after/delta, biggest change first, then by name", () => {
    const rows = histogramRows({ "label:A": 3, "label:B": 1, "label:C": 2 }, { "label:A": 1, "label:B": 1, "label:D": 2, "label:E": 1 });
    expect(rows).toEqual([
      { key: "label:A", before: 3, after: 1, delta: -2 },
      { key: "label:C", before: 2, after: 0, delta: -2 },
      { key: "label:D", before: 0, after: 2, delta: 2 },
      { key: "label:E", before: 0, after: 1, delta: 1 },
    ]);
  });

  it("keeps unchanged labels on request", () => {
    expect(histogramRows({ x: 1 }, { x: 1 })).toEqual([]);
    expect(histogramRows({ x: 1 }, { x: 1 }, true)).toEqual([{ key: "x", before: 1, after: 1, delta: 0 }]);
  });

  it("agrees with the server's histogram_delta", () => {
    const before = { "label:A": 2, "label:B": 1 };
    const after = { "label:A": 1, "label:E": 1, "label:B": 1 };
    const delta = Object.fromEntries(histogramRows(before, after).map((r) => [r.key, r.delta]));
    expect(delta).toEqual({ "label:A": -1, "label:E": 1 });
    expect(netLabelDelta(delta)).toBe(0);
  });
});

describe("summary maths", () => {
  it("totals the changed items", () => {
    expect(changedTotal({ added: 3, removed: 1, changed: 2, conflict: 0 })).toBe(6);
  });
  it("formats signed numbers with a real minus", () => {
    expect([signed(3), signed(-2), signed(0)]).toEqual(["+3", "\u22122", "0"]);
  });
  it("gives a symmetric extent of at least 1", () => {
    expect(deltaExtent([])).toBe(1);
    expect(deltaExtent([{ delta: -4 }, { delta: 2 }])).toBe(4);
  });
});

describe("labelChange", () => {
  it("counts class labels and region labels like the dataset card", () => {
    expect(
      labelKeys([
        { control: "label", type: "class", labels: ["A", "B"] },
        { control: "box", type: "bbox", label: "cat", bbox: { x: 0, y: 0, w: 1, h: 1 } },
      ]),
    ).toEqual(["label:A", "label:B", "box:cat"]);
  });

  it("gives what an item gained and lost (multiset)", () => {
    const before = doc([{ control: "box", type: "bbox", label: "cat" }, { control: "box", type: "bbox", label: "cat" }, { control: "label", type: "class", labels: ["A"] }]);
    const after = doc([{ control: "box", type: "bbox", label: "cat" }, { control: "label", type: "class", labels: ["E"] }]);
    expect(labelChange(before, after)).toEqual({ added: ["label:E"], removed: ["box:cat", "label:A"] });
  });

  it("treats a missing side or label as empty", () => {
    expect(labelChange(null, doc([{ control: "label", type: "class", labels: ["A"] }]))).toEqual({ added: ["label:A"], removed: [] });
    expect(labelChange(doc(null), null)).toEqual({ added: [], removed: [] });
  });
});

describe("branchNameError", () => {
  it("accepts round names and refuses empty, main and odd characters", () => {
    expect(branchNameError("round-1")).toBeNull();
    expect(branchNameError("  ")).toMatch(/Name the branch/);
    expect(branchNameError("main")).toMatch(/round branch/);
    expect(branchNameError("round 1")).toMatch(/letters/);
  });
});

describe("chart domain and colours", () => {
  it("starts the delta axis at zero when changes go one way only", () => {
    expect(deltaDomain([{ delta: 2 }, { delta: 1 }])).toEqual([0, 2]);
    expect(deltaDomain([{ delta: -3 }])).toEqual([-3, 0]);
    expect(deltaDomain([{ delta: -1 }, { delta: 4 }])).toEqual([-4, 4]);
  });

  it("takes colours from the schemas and falls back to a stable hash colour", () => {
    const color = schemaColors([{ controls: [{ name: "objects", labels: [{ name: "car", color: "#e6194b" }] }] }]);
    expect(color("objects", "car")).toBe("#e6194b");
    expect(color("objects", "bus")).toBe(labelColor("objects", "bus"));
    expect(color("objects", "bus")).toMatch(/^#[0-9a-f]{6}$/);
  });
});
