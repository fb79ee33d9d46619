import { describe, expect, it } from "vitest";
import { imageSchema } from "../../core/fixtures";
import { EMPTY_DOC } from "../../core/types";
import { classLabels, toggleClassLabel } from "./tool";

describe("class choice", () => {
  const schema = imageSchema();

  it("single choice: a label replaces the other; picking it again clears the control", () => {
    let doc = toggleClassLabel(EMPTY_DOC, schema, "category", "cat");
    expect(classLabels(doc, "category")).toEqual(["cat"]);
    doc = toggleClassLabel(doc, schema, "category", "dog");
    expect(classLabels(doc, "category")).toEqual(["dog"]);
    expect(doc.regions).toHaveLength(1);
    doc = toggleClassLabel(doc, schema, "category", "dog");
    expect(doc.regions).toHaveLength(0);
  });

  it("multiple choice: labels toggle and stay in schema order", () => {
    let doc = toggleClassLabel(EMPTY_DOC, schema, "tags", "cropped");
    doc = toggleClassLabel(doc, schema, "tags", "blurry");
    expect(classLabels(doc, "tags")).toEqual(["blurry", "cropped"]);
    doc = toggleClassLabel(doc, schema, "tags", "cropped");
    expect(classLabels(doc, "tags")).toEqual(["blurry"]);
  });

  it("ignores labels and controls that are not class choices", () => {
    expect(toggleClassLabel(EMPTY_DOC, schema, "objects", "car")).toBe(EMPTY_DOC);
    expect(toggleClassLabel(EMPTY_DOC, schema, "category", "fish")).toBe(EMPTY_DOC);
  });
});
