import { describe, expect, it } from "vitest";
import { demoImageSchema, imageSchema } from "./fixtures";
import { DEFAULT_COLORS, defaultDrawLabel, hotkeyFor, labelHotkeys, parseLabelSchema } from "./schema";

describe("label schema", () => {
  it("fills defaults as labeling/schemas.py does: colours by position in the whole schema, lower case", () => {
    const schema = imageSchema();
    expect(schema.controls[0]!.labels[0]!.color).toBe("#e6194b");
    // "blurry" is the third label of the schema.
    expect(schema.controls[1]!.labels[0]!.color).toBe(DEFAULT_COLORS[2]);
    expect(schema.controls[1]!.multiple).toBe(true);
    expect(schema.controls[2]!.multiple).toBe(false);
  });

  it("keeps only the control types the item kind can show", () => {
    const schema = parseLabelSchema({ controls: [{ name: "a", type: "span", labels: [{ name: "x" }] }] }, "image");
    expect(schema.controls).toEqual([]);
  });

  it("uses the schema's hotkeys, else free digits 1-9 in schema order", () => {
    const keys = labelHotkeys(imageSchema());
    const byLabel = Object.fromEntries(keys.map((k) => [k.label, k.key]));
    expect(byLabel).toMatchObject({ cat: "1", dog: "2", car: "c", blurry: "3", dark: "4", cropped: "5", person: "6", bike: "7", road: "8", lane: "9" });
    expect(byLabel.nose).toBeUndefined();
    expect(hotkeyFor(keys, "C")?.label).toBe("car");
  });

  it("starts drawing with the first label of the first drawing control", () => {
    expect(defaultDrawLabel(demoImageSchema())).toEqual({ control: "objects", label: "car" });
  });
});
