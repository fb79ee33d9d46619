import { describe, expect, it } from "vitest";
import { addRegion } from "../../core/document";
import { EMPTY_DOC } from "../../core/types";
import { createSpan, moveCaret, selectionRange, spanAt } from "./tool";

const key = (k: string, shift = false, word = false) => ({ key: k, shift, word });

describe("span tool", () => {
  it("moves and extends the caret by grapheme, in code points, over emoji and combining marks", () => {
    const text = "😀 Jose\u0301!";
    let sel = { anchor: 0, focus: 0 };
    sel = moveCaret(text, sel, key("ArrowRight"))!;
    expect(sel).toEqual({ anchor: 1, focus: 1 }); // past the whole emoji
    sel = moveCaret(text, sel, key("ArrowRight"))!;
    for (let i = 0; i < 4; i += 1) sel = moveCaret(text, sel, key("ArrowRight", true))!;
    // "Jose" + combining acute: the accent is one code point but no caret stop.
    expect(selectionRange(sel)).toEqual({ start: 2, end: 7 });
    sel = moveCaret(text, sel, key("ArrowLeft", true))!;
    expect(selectionRange(sel)).toEqual({ start: 2, end: 5 });
  });

  it("extends by word with Ctrl, jumps with Home/End, collapses with a plain arrow", () => {
    const text = "hello big world";
    let sel = moveCaret(text, { anchor: 0, focus: 0 }, key("ArrowRight", true, true))!;
    expect(sel).toEqual({ anchor: 0, focus: 5 });
    sel = moveCaret(text, sel, key("End", true))!;
    expect(sel).toEqual({ anchor: 0, focus: 15 });
    expect(moveCaret(text, sel, key("ArrowLeft"))).toEqual({ anchor: 0, focus: 0 });
    expect(moveCaret(text, sel, key("Home"))).toEqual({ anchor: 0, focus: 0 });
    expect(moveCaret(text, sel, key("a"))).toBeNull();
  });

  it("makes a span of a selection made backwards, but not of an empty one or a duplicate", () => {
    const made = createSpan(EMPTY_DOC, { anchor: 9, focus: 4 }, { control: "entities", label: "ORG" })!;
    expect(made.doc.regions[0]).toEqual({ key: "r1", control: "entities", type: "span", label: "ORG", start: 4, end: 9 });
    expect(createSpan(made.doc, { anchor: 4, focus: 9 }, { control: "entities", label: "ORG" })).toBeNull();
    expect(createSpan(made.doc, { anchor: 4, focus: 9 }, { control: "entities", label: "PERSON" })).not.toBeNull();
    expect(createSpan(EMPTY_DOC, { anchor: 3, focus: 3 }, { control: "entities", label: "ORG" })).toBeNull();
  });

  it("finds the innermost visible span at an offset", () => {
    let doc = addRegion(EMPTY_DOC, { control: "entities", type: "span", label: "ORG", start: 0, end: 10 }).doc;
    const inner = addRegion(doc, { control: "entities", type: "span", label: "PRODUCT", start: 2, end: 5 });
    doc = inner.doc;
    expect(spanAt(doc, 3, new Set())?.key).toBe(inner.key);
    expect(spanAt(doc, 3, new Set([inner.key]))?.label).toBe("ORG");
    expect(spanAt(doc, 10, new Set())).toBeUndefined();
  });
});
