import { describe, expect, it } from "vitest";
import type { LabelSchema } from "../../../api/manage";
import { errorId, errorKeyForField, inputId, mappingErrorKey } from "./fieldErrors";
import { SCHEMA_ERROR, controlErrorKey, draftFromSchema, labelErrorKey, moveControl } from "./schemaDraft";

const SCHEMA: LabelSchema = {
  controls: [
    { name: "objects", type: "bbox", labels: [{ name: "car", color: "#e6194b", hotkey: "1" }] },
    {
      name: "time",
      type: "class",
      labels: [
        { name: "day", color: "#3cb44b", hotkey: "d" },
        { name: "night", color: "#4363d8", hotkey: "n" },
      ],
    },
  ],
};

describe("errorKeyForField", () => {
  const sent = draftFromSchema(SCHEMA);
  const [objects, time] = sent.controls;

  it("maps settings fields to themselves", () => {
    for (const field of ["name", "overlap", "lease_seconds", "agreement_threshold", "kind"]) {
      expect(errorKeyForField(field, sent)).toBe(field);
    }
  });

  it("maps a label path to that label's input", () => {
    expect(errorKeyForField("label_schema.controls[1].labels[0].color", sent)).toBe(labelErrorKey(time!.labels[0]!.key, "color"));
    expect(errorKeyForField("label_schema.controls[1].labels[1].hotkey", sent)).toBe(labelErrorKey(time!.labels[1]!.key, "hotkey"));
    expect(errorKeyForField("label_schema.controls[0].labels[0].name", sent)).toBe(labelErrorKey(objects!.labels[0]!.key, "name"));
  });

  it("maps a control path to that control's input", () => {
    expect(errorKeyForField("label_schema.controls[0].type", sent)).toBe(controlErrorKey(objects!.key, "type"));
    expect(errorKeyForField("label_schema.controls[1].name", sent)).toBe(controlErrorKey(time!.key, "name"));
    expect(errorKeyForField("label_schema.controls[1].labels", sent)).toBe(controlErrorKey(time!.key, "labels"));
    expect(errorKeyForField("label_schema.controls[1]", sent)).toBe(controlErrorKey(time!.key, "general"));
    expect(errorKeyForField("label_schema.controls[1].colour", sent)).toBe(controlErrorKey(time!.key, "general"));
    expect(errorKeyForField("label_schema.controls[1].labels[0]", sent)).toBe(labelErrorKey(time!.labels[0]!.key, "name"));
    expect(errorKeyForField("label_schema.controls[1].labels[0].shade", sent)).toBe(labelErrorKey(time!.labels[0]!.key, "name"));
  });

  it("resolves indexes against the draft as sent, so reordering later keeps the message on its control", () => {
    const key = errorKeyForField("label_schema.controls[0].name", sent);
    const reordered = moveControl(sent, objects!.key, 1);
    expect(reordered.controls[1]!.key).toBe(objects!.key);
    expect(key).toBe(controlErrorKey(objects!.key, "name"));
  });

  it("sends schema-wide and out-of-range paths to the schema message", () => {
    expect(errorKeyForField("label_schema", sent)).toBe(SCHEMA_ERROR);
    expect(errorKeyForField("label_schema.controls", sent)).toBe(SCHEMA_ERROR);
    expect(errorKeyForField("label_schema.controls[7].name", sent)).toBe(SCHEMA_ERROR);
    expect(errorKeyForField("label_schema.foo", sent)).toBe(SCHEMA_ERROR);
    expect(errorKeyForField("label_schema.controls[1].labels[9].color", sent)).toBe(controlErrorKey(time!.key, "labels"));
  });

  it("maps label mapping errors to their orphan, and unknown fields to nothing", () => {
    expect(errorKeyForField("mapping.objects:car", sent)).toBe(mappingErrorKey("objects:car"));
    expect(errorKeyForField("something_else", sent)).toBeNull();
    expect(errorKeyForField(null, sent)).toBeNull();
  });
});

describe("inputId", () => {
  it("builds distinct, CSS-safe ids", () => {
    expect(inputId("name")).toBe("pf-name");
    expect(inputId("label:l3:color")).toBe("pf-label_3al3_3acolor");
    expect(inputId("mapping:objects:car")).not.toBe(inputId("mapping:objects_car"));
    expect(inputId("mapping:a b/c")).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(errorId("name")).toBe("pf-name-error");
  });
});
