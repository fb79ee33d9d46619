import { describe, expect, it } from "vitest";
import { TextOffsets, codePointLength, graphemeStops, nextStop, segmentText, spanLanes, wordStops } from "./spans";

describe("UTF-16 and code point offsets", () => {
  it("agree for text inside the Basic Multilingual Plane (CJK included)", () => {
    const offsets = new TextOffsets("東京 Tokyo");
    expect(offsets.length).toBe(8);
    expect(offsets.toCodePoint(3)).toBe(3);
    expect(offsets.toUtf16(3)).toBe(3);
    expect(offsets.slice(3, 8)).toBe("Tokyo");
  });

  it("differ after an emoji: two UTF-16 units, one code point (as tests/labeling/test_schemas.py)", () => {
    const text = "😀 Bob";
    const offsets = new TextOffsets(text);
    expect(text.length).toBe(6);
    expect(offsets.length).toBe(5);
    expect(codePointLength(text)).toBe(5);
    // "Bob" is JS [3, 6) and Python [2, 5).
    expect(offsets.toCodePoint(3)).toBe(2);
    expect(offsets.toCodePoint(6)).toBe(5);
    expect(offsets.toUtf16(2)).toBe(3);
    expect(offsets.slice(2, 5)).toBe("Bob");
  });

  it("snaps an offset inside a surrogate pair to the character's start, or past it when rounding up", () => {
    const offsets = new TextOffsets("a😀b");
    expect(offsets.toCodePoint(2)).toBe(1);
    expect(offsets.toCodePoint(2, true)).toBe(2);
    expect(offsets.toCodePoint(1, true)).toBe(1);
  });

  it("handles astral CJK, several emoji and combining marks", () => {
    const text = "𠀋 e\u0301 👍🏽 x";
    const offsets = new TextOffsets(text);
    expect(offsets.length).toBe([...text].length);
    const x = text.indexOf("x");
    expect(offsets.toCodePoint(x)).toBe([...text.slice(0, x)].length);
    expect(offsets.slice(offsets.toCodePoint(x), offsets.length)).toBe("x");
    // The combining accent is its own code point, as in Python.
    expect(offsets.slice(2, 4)).toBe("e\u0301");
  });

  it("clamps out-of-range offsets", () => {
    const offsets = new TextOffsets("ab");
    expect(offsets.toCodePoint(-5)).toBe(0);
    expect(offsets.toCodePoint(99)).toBe(2);
    expect(offsets.toUtf16(99)).toBe(2);
  });
});

describe("caret stops", () => {
  it("never stop inside a grapheme: combining marks, skin tones, families, flags", () => {
    const text = "e\u0301👍🏽👨‍👩‍👧🇯🇵!";
    const stops = graphemeStops(text);
    const cp = (s: string) => [...s].length;
    expect(stops).toEqual([
      0,
      cp("e\u0301"),
      cp("e\u0301👍🏽"),
      cp("e\u0301👍🏽👨‍👩‍👧"),
      cp("e\u0301👍🏽👨‍👩‍👧🇯🇵"),
      cp(text),
    ]);
    expect(nextStop(stops, 0, 1)).toBe(2);
    expect(nextStop(stops, 2, -1)).toBe(0);
    expect(nextStop(stops, cp(text), 1)).toBe(cp(text));
  });

  it("finds word boundaries in code points", () => {
    expect(wordStops("😀 hello, wörld")).toEqual([0, 2, 7, 9, 14]);
  });
});

describe("overlapping spans", () => {
  const offsets = new TextOffsets("Acme Corp ships");
  const org = { start: 0, end: 9, id: "org" };
  const product = { start: 5, end: 15, id: "product" };

  it("cut the text into segments that list the spans covering them", () => {
    const segments = segmentText(offsets, [org, product]);
    expect(segments.map((s) => [s.text, s.covering.map((c) => c.id)])).toEqual([
      ["Acme ", ["org"]],
      ["Corp", ["org", "product"]],
      [" ships", ["product"]],
    ]);
  });

  it("get separate lanes when they overlap and share one when they do not", () => {
    const later = { start: 10, end: 15, id: "later" };
    const lanes = spanLanes([org, product, later]);
    expect(lanes.get(org)).toBe(0);
    expect(lanes.get(product)).toBe(1);
    expect(lanes.get(later)).toBe(0);
  });
});
