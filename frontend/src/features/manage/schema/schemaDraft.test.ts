import { describe, expect, it } from "vitest";
import type { LabelSchema } from "../../../api/manage";
import {
  SCHEMA_ERROR,
  addControl,
  addLabel,
  changeKind,
  controlErrorKey,
  draftFromSchema,
  draftToSchema,
  emptySchemaDraft,
  hotkeyProblem,
  labelErrorKey,
  moveControl,
  moveLabel,
  nextColor,
  nextHotkey,
  removeControl,
  removeLabel,
  updateControl,
  updateLabel,
  validateSchemaDraft,
  type SchemaDraft,
} from "./schemaDraft";

const DEMO: LabelSchema = {
  controls: [
    {
      name: "objects",
      type: "bbox",
      required: false,
      labels: [
        { name: "car", color: "#e6194b", hotkey: "1" },
        { name: "person", color: "#3cb44b", hotkey: "2" },
      ],
    },
    { name: "time", type: "class", multiple: false, required: true, labels: [{ name: "day", color: "#4363d8", hotkey: null }] },
  ],
};

function names(draft: SchemaDraft): string[] {
  return draft.controls.map((c) => c.name);
}

describe("schema draft: conversions", () => {
  it("round-trips a schema (hotkey null <-> empty string, multiple only on class controls)", () => {
    const draft = draftFromSchema(DEMO);
    expect(draft.controls[1]!.labels[0]!.hotkey).toBe("");
    expect(draftToSchema(draft)).toEqual(DEMO);
  });

  it("gives every control and label a distinct key", () => {
    const draft = draftFromSchema(DEMO);
    const keys = draft.controls.flatMap((c) => [c.key, ...c.labels.map((l) => l.key)]);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("trims names and lower-cases colours for the API", () => {
    let draft = emptySchemaDraft("text");
    const control = draft.controls[0]!;
    draft = updateControl(draft, control.key, { name: "  topic " });
    draft = updateLabel(draft, control.key, control.labels[0]!.key, { name: " bug ", color: "#ABCDEF" });
    expect(draftToSchema(draft).controls[0]).toMatchObject({
      name: "topic",
      type: "class",
      multiple: false,
      labels: [{ name: "bug", color: "#abcdef", hotkey: "1" }],
    });
  });

  it("starts a new project with one control of the kind's usual type", () => {
    expect(emptySchemaDraft("image").controls.map((c) => [c.name, c.type])).toEqual([["objects", "bbox"]]);
    expect(emptySchemaDraft("text").controls.map((c) => [c.name, c.type])).toEqual([["category", "class"]]);
  });
});

describe("schema draft: editing", () => {
  it("adds controls with unique names and one label each", () => {
    let draft = emptySchemaDraft("image");
    draft = addControl(draft, "image");
    draft = addControl(draft, "image");
    draft = addControl(draft, "image", "objects");
    expect(names(draft)).toEqual(["objects", "control", "control_2", "objects_2"]);
    expect(draft.controls.every((c) => c.labels.length === 1)).toBe(true);
  });

  it("removes a control by key, leaving the others untouched", () => {
    const draft = draftFromSchema(DEMO);
    const next = removeControl(draft, draft.controls[0]!.key);
    expect(names(next)).toEqual(["time"]);
    expect(next.controls[0]).toBe(draft.controls[1]);
    expect(names(draft)).toEqual(["objects", "time"]); // immutable
  });

  it("moves controls up and down and ignores moves past the ends", () => {
    const draft = draftFromSchema(DEMO);
    const [first, second] = draft.controls;
    expect(names(moveControl(draft, second!.key, -1))).toEqual(["time", "objects"]);
    expect(names(moveControl(draft, first!.key, 1))).toEqual(["time", "objects"]);
    expect(names(moveControl(draft, first!.key, -1))).toEqual(["objects", "time"]);
    expect(names(moveControl(draft, second!.key, 1))).toEqual(["objects", "time"]);
  });

  it("adds, moves and removes labels", () => {
    const draft = draftFromSchema(DEMO);
    const objects = draft.controls[0]!;
    let next = addLabel(draft, objects.key, "bike");
    expect(next.controls[0]!.labels.map((l) => l.name)).toEqual(["car", "person", "bike"]);
    const bike = next.controls[0]!.labels[2]!;
    next = moveLabel(next, objects.key, bike.key, -1);
    expect(next.controls[0]!.labels.map((l) => l.name)).toEqual(["car", "bike", "person"]);
    next = removeLabel(next, objects.key, objects.labels[0]!.key);
    expect(next.controls[0]!.labels.map((l) => l.name)).toEqual(["bike", "person"]);
  });

  it("gives a new label the first unused palette colour and hotkey", () => {
    const draft = draftFromSchema(DEMO); // uses #e6194b, #3cb44b, #4363d8 and hotkeys 1, 2
    expect(nextColor(draft)).toBe("#ffe119");
    expect(nextHotkey(draft)).toBe("3");
    const next = addLabel(draft, draft.controls[0]!.key);
    expect(next.controls[0]!.labels[2]).toMatchObject({ name: "", color: "#ffe119", hotkey: "3" });
  });

  it("drops 'multiple' when a class control becomes another type", () => {
    let draft = draftFromSchema(DEMO);
    const time = draft.controls[1]!;
    draft = updateControl(draft, time.key, { multiple: true });
    expect(draft.controls[1]!.multiple).toBe(true);
    draft = updateControl(draft, time.key, { type: "polygon" });
    expect(draft.controls[1]!.multiple).toBe(false);
    expect(draftToSchema(draft).controls[1]).not.toHaveProperty("multiple");
  });

  it("converts region types when the project kind changes", () => {
    const image = draftFromSchema(DEMO);
    const text = changeKind(image, "text");
    expect(text.controls.map((c) => c.type)).toEqual(["span", "class"]);
    expect(changeKind(text, "image").controls.map((c) => c.type)).toEqual(["bbox", "class"]);
  });
});

describe("schema draft: validation", () => {
  it("accepts the demo schema", () => {
    expect(validateSchemaDraft(draftFromSchema(DEMO), "image")).toEqual({});
  });

  it("rejects a hotkey used twice across controls, case-insensitively, naming the first user", () => {
    let draft = draftFromSchema(DEMO);
    const time = draft.controls[1]!;
    draft = updateLabel(draft, draft.controls[0]!.key, draft.controls[0]!.labels[0]!.key, { hotkey: "A" });
    draft = updateLabel(draft, time.key, time.labels[0]!.key, { hotkey: "a" });
    const errors = validateSchemaDraft(draft, "image");
    expect(errors).toEqual({
      [labelErrorKey(time.labels[0]!.key, "hotkey")]: "'a' is already the hotkey of objects › car.",
    });
  });

  it("rejects the reserved hotkeys and multi-character hotkeys", () => {
    expect(hotkeyProblem("?")).toMatch(/reserved/);
    expect(hotkeyProblem(" ")).toMatch(/Space is reserved/);
    expect(hotkeyProblem("ab")).toMatch(/single character/);
    expect(hotkeyProblem("\u0007")).toMatch(/printable/);
    expect(hotkeyProblem("é")).toBeNull();
    expect(hotkeyProblem("😀")).toBeNull(); // one code point, two UTF-16 units
    expect(hotkeyProblem("")).toBeNull();
  });

  it("checks control names, duplicates, types and label lists", () => {
    let draft = draftFromSchema(DEMO);
    const [objects, time] = draft.controls;
    draft = updateControl(draft, time!.key, { name: "objects" });
    draft = updateControl(draft, objects!.key, { type: "span" });
    draft = removeLabel(draft, time!.key, time!.labels[0]!.key);
    const errors = validateSchemaDraft(draft, "image");
    expect(errors[controlErrorKey(time!.key, "name")]).toMatch(/already named 'objects'/);
    expect(errors[controlErrorKey(objects!.key, "type")]).toMatch(/Image projects can't use/);
    expect(errors[controlErrorKey(time!.key, "labels")]).toMatch(/at least one label/);

    const spaced = draftFromSchema(DEMO);
    const renamed = updateControl(spaced, spaced.controls[0]!.key, { name: "has space" });
    expect(validateSchemaDraft(renamed, "image")[controlErrorKey(spaced.controls[0]!.key, "name")]).toMatch(/A–Z/);
  });

  it("checks label names and colours", () => {
    let draft = draftFromSchema(DEMO);
    const objects = draft.controls[0]!;
    const [car, person] = objects.labels;
    draft = updateLabel(draft, objects.key, person!.key, { name: " car " });
    draft = updateLabel(draft, objects.key, car!.key, { color: "red" });
    const errors = validateSchemaDraft(draft, "image");
    expect(errors[labelErrorKey(person!.key, "name")]).toMatch(/already a label/);
    expect(errors[labelErrorKey(car!.key, "color")]).toMatch(/colour like/);
    const fresh = draftFromSchema(DEMO);
    const emptied = updateLabel(fresh, fresh.controls[0]!.key, fresh.controls[0]!.labels[0]!.key, { name: "  " });
    expect(validateSchemaDraft(emptied, "image")).toEqual({
      [labelErrorKey(fresh.controls[0]!.labels[0]!.key, "name")]: "Name the label.",
    });
  });

  it("asks for at least one control", () => {
    expect(validateSchemaDraft({ controls: [] }, "text")).toEqual({ [SCHEMA_ERROR]: "Add at least one control." });
  });
});
