import { describe, expect, it } from "vitest";
import type { LabelSchema } from "../../../api/manage";
import { buildLabelMapping, mappingTargets } from "./labelMapping";

const OLD: LabelSchema = {
  controls: [
    {
      name: "objects",
      type: "bbox",
      labels: [
        { name: "car", color: "#e6194b", hotkey: null },
        { name: "bike", color: "#3cb44b", hotkey: null },
      ],
    },
    { name: "time", type: "class", labels: [{ name: "dusk", color: "#4363d8", hotkey: null }] },
  ],
};
const NEW: LabelSchema = {
  controls: [
    { name: "objects", type: "bbox", labels: [{ name: "car", color: "#e6194b", hotkey: null }] },
    { name: "vehicles", type: "bbox", labels: [{ name: "truck", color: "#ffe119", hotkey: null }] },
    { name: "time", type: "class", labels: [{ name: "day", color: "#4363d8", hotkey: null }] },
  ],
};

describe("mappingTargets", () => {
  it("offers the labels of controls with the orphan's type", () => {
    expect(mappingTargets("objects:bike", OLD, NEW)).toEqual([
      { ref: "objects:car", text: "car" },
      { ref: "vehicles:truck", text: "vehicles › truck" },
    ]);
    expect(mappingTargets("time:dusk", OLD, NEW)).toEqual([{ ref: "time:day", text: "day" }]);
  });

  it("offers nothing for an unknown control", () => {
    expect(mappingTargets("gone:x", OLD, NEW)).toEqual([]);
    expect(mappingTargets("nonsense", OLD, NEW)).toEqual([]);
  });
});

describe("buildLabelMapping", () => {
  it("turns the delete choice into null and skips unanswered orphans", () => {
    expect(
      buildLabelMapping(["objects:bike", "time:dusk", "objects:x"], { "objects:bike": "objects:car", "time:dusk": "DEL" }, "DEL"),
    ).toEqual({ "objects:bike": "objects:car", "time:dusk": null });
  });
});
