import { describe, expect, it } from "vitest";
import { addRegion, updateRegion } from "./document";
import { BOX, CANONICAL_FULL_RESULT, FULL_RESULT, imageSchema, textSchema } from "./fixtures";
import { fromResult, regionIndexOfField, regionKeyOfField, toResult } from "./result";
import { EMPTY_DOC } from "./types";

const IMAGE = { width: 640, height: 480 };

describe("result serialisation", () => {
  it("reads a result and writes the server's canonical form, key order included", () => {
    const schema = imageSchema();
    const { doc, dropped } = fromResult(FULL_RESULT, schema);
    expect(dropped).toBe(0);
    const out = toResult(doc, { schema, image: IMAGE });
    expect(JSON.stringify(out)).toBe(JSON.stringify(CANONICAL_FULL_RESULT));
  });

  it("round-trips the canonical form unchanged (validating it again changes nothing)", () => {
    const schema = imageSchema();
    const out = toResult(fromResult(CANONICAL_FULL_RESULT, schema).doc, { schema, image: IMAGE });
    expect(out).toEqual(CANONICAL_FULL_RESULT);
  });

  it("rounds to 2 decimals and clips boxes into the image", () => {
    const schema = imageSchema();
    const { doc } = addRegion(EMPTY_DOC, {
      control: "objects",
      type: "bbox",
      label: "person",
      bbox: { x: -0.3, y: 20.123, w: 30.456, h: 470 },
    });
    expect(toResult(doc, { schema, image: IMAGE })).toEqual([
      { control: "objects", type: "bbox", label: "person", bbox: { x: 0, y: 20.12, w: 30.16, h: 459.88 } },
    ]);
  });

  it("writes polygon points as [x, y] pairs", () => {
    const schema = imageSchema();
    const { doc } = addRegion(EMPTY_DOC, {
      control: "outline",
      type: "polygon",
      label: "lane",
      points: [
        { x: 1.006, y: 2 },
        { x: 10, y: 0 },
        { x: 10.333, y: 10.666 },
      ],
    });
    expect(toResult(doc, { schema, image: IMAGE })[0]).toEqual({
      control: "outline",
      type: "polygon",
      label: "lane",
      points: [
        [1.01, 2],
        [10, 0],
        [10.33, 10.67],
      ],
    });
  });

  it("writes spans in code points with the covered text, as test_span_offsets_are_code_points expects", () => {
    const schema = textSchema();
    const text = "😀 Bob";
    let doc = addRegion(EMPTY_DOC, { control: "sentiment", type: "class", labels: ["pos"] }).doc;
    doc = addRegion(doc, { control: "entities", type: "span", label: "PER", start: 2, end: 5 }).doc;
    expect(toResult(doc, { schema, text })).toEqual([
      { control: "sentiment", type: "class", labels: ["pos"] },
      { control: "entities", type: "span", label: "PER", start: 2, end: 5, text: "Bob" },
    ]);
  });

  it("drops a pre-annotation's score once the region is edited, keeps its id", () => {
    const schema = imageSchema();
    const { doc } = fromResult([{ id: "m7", score: 0.4, control: "objects", type: "bbox", label: "car", bbox: BOX }], schema);
    const key = doc.regions[0]!.key;
    const edited = updateRegion(doc, key, (r) => (r.type === "bbox" ? { ...r, label: "bike" } : r));
    expect(toResult(edited, { schema, image: IMAGE })).toEqual([{ control: "objects", type: "bbox", id: "m7", label: "bike", bbox: BOX }]);
  });

  it("leaves out regions the schema cannot show", () => {
    const schema = imageSchema();
    const { doc, dropped } = fromResult(
      [
        { control: "nope", type: "bbox", label: "car", bbox: BOX },
        { control: "objects", type: "bbox", label: "dog", bbox: BOX },
        { control: "objects", type: "polygon", label: "car", points: [] },
        { control: "objects", type: "bbox", label: "car", bbox: BOX },
      ],
      schema,
    );
    expect(dropped).toBe(3);
    expect(doc.regions).toHaveLength(1);
    expect(fromResult(null, schema).doc.regions).toEqual([]);
  });
});

describe("error fields", () => {
  it("name the region by its index in the submitted document", () => {
    const schema = imageSchema();
    const { doc } = fromResult(FULL_RESULT, schema);
    expect(regionIndexOfField("result[2].points[5][1]")).toBe(2);
    expect(regionKeyOfField(doc, "result[1].bbox.w")).toBe(doc.regions[1]!.key);
    expect(regionKeyOfField(doc, "result")).toBeNull();
    expect(regionKeyOfField(doc, "result[99].bbox")).toBeNull();
    expect(regionKeyOfField(doc, null)).toBeNull();
  });
});
