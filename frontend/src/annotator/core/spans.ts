/**
 * Text offsets. The API counts Unicode code points (Python `str` indices); JavaScript strings
 * and the DOM count UTF-16 code units, which differ after any character outside the BMP
 * (emoji, rare CJK, maths symbols): "😀 Bob" has Bob at code points 2–5 but UTF-16 3–6.
 */

/** Converts between UTF-16 and code point offsets of one text in O(1) after an O(n) scan. */
export class TextOffsets {
  readonly text: string;
  /** UTF-16 offset of each code point, plus the text's UTF-16 length at the end. */
  private readonly utf16At: Uint32Array;
  /** Code point offset of each UTF-16 unit (the pair's start for a low surrogate). */
  private readonly codePointAt: Uint32Array;

  constructor(text: string) {
    this.text = text;
    const starts: number[] = [];
    const codePointAt = new Uint32Array(text.length + 1);
    let cp = 0;
    for (let i = 0; i < text.length; ) {
      starts.push(i);
      const code = text.charCodeAt(i);
      const pair =
        code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1));
      codePointAt[i] = cp;
      if (pair) codePointAt[i + 1] = cp;
      i += pair ? 2 : 1;
      cp += 1;
    }
    starts.push(text.length);
    codePointAt[text.length] = cp;
    this.utf16At = Uint32Array.from(starts);
    this.codePointAt = codePointAt;
  }

  /** Length in code points (Python `len(text)`). */
  get length(): number {
    return this.utf16At.length - 1;
  }

  /**
   * Code point offset of a UTF-16 offset. An offset inside a surrogate pair snaps to the pair's
   * start, or past it with `roundUp` (use that for a range's end so the character is kept).
   */
  toCodePoint(utf16: number, roundUp = false): number {
    const u = Math.min(Math.max(Math.trunc(utf16), 0), this.text.length);
    const cp = this.codePointAt[u]!;
    if (roundUp && this.utf16At[cp] !== u) return cp + 1;
    return cp;
  }

  /** UTF-16 offset of a code point offset (clamped to the text). */
  toUtf16(codePoint: number): number {
    const cp = Math.min(Math.max(Math.trunc(codePoint), 0), this.length);
    return this.utf16At[cp]!;
  }

  /** Python's `text[start:end]` for code point offsets. */
  slice(start: number, end: number): string {
    return this.text.slice(this.toUtf16(start), this.toUtf16(end));
  }
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** Python's `len(text)`. */
export function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

/**
 * Code point offsets where a user-perceived character (grapheme cluster) starts, plus the end:
 * the caret never stops between "e" and its combining accent, or inside a flag or family emoji.
 */
export function graphemeStops(text: string): number[] {
  const offsets = new TextOffsets(text);
  const stops: number[] = [];
  const Segmenter = (Intl as { Segmenter?: typeof Intl.Segmenter }).Segmenter;
  if (Segmenter) {
    for (const segment of new Segmenter(undefined, { granularity: "grapheme" }).segment(text)) {
      stops.push(offsets.toCodePoint(segment.index));
    }
  } else {
    for (let cp = 0; cp < offsets.length; cp += 1) stops.push(cp);
  }
  stops.push(offsets.length);
  return stops;
}

/** The stop after (`direction` 1) or before (-1) `offset`, staying inside the text. */
export function nextStop(stops: readonly number[], offset: number, direction: 1 | -1): number {
  if (direction > 0) return stops.find((s) => s > offset) ?? stops[stops.length - 1] ?? 0;
  for (let i = stops.length - 1; i >= 0; i -= 1) if (stops[i]! < offset) return stops[i]!;
  return 0;
}

/** Code point offsets where words start and end (for Ctrl/Alt+arrow). */
export function wordStops(text: string): number[] {
  const offsets = new TextOffsets(text);
  const stops = new Set<number>([0, offsets.length]);
  for (const match of text.matchAll(/[\p{L}\p{N}\p{M}_]+/gu)) {
    stops.add(offsets.toCodePoint(match.index));
    stops.add(offsets.toCodePoint(match.index + match[0].length, true));
  }
  return [...stops].sort((a, b) => a - b);
}

/** A piece of text between span boundaries and the spans covering it. */
export interface TextSegment<T> {
  /** Code point offsets. */
  start: number;
  end: number;
  text: string;
  covering: T[];
}

/**
 * Cut the text at every span boundary so overlapping spans can be drawn as stacked marks:
 * each segment lists the spans that cover it, in the given order.
 */
export function segmentText<T extends { start: number; end: number }>(
  offsets: TextOffsets,
  spans: readonly T[],
): TextSegment<T>[] {
  const cuts = new Set<number>([0, offsets.length]);
  for (const span of spans) {
    cuts.add(Math.min(Math.max(span.start, 0), offsets.length));
    cuts.add(Math.min(Math.max(span.end, 0), offsets.length));
  }
  const sorted = [...cuts].sort((a, b) => a - b);
  const segments: TextSegment<T>[] = [];
  for (let i = 0; i + 1 < sorted.length; i += 1) {
    const start = sorted[i]!;
    const end = sorted[i + 1]!;
    segments.push({
      start,
      end,
      text: offsets.slice(start, end),
      covering: spans.filter((span) => span.start < end && span.end > start),
    });
  }
  return segments;
}

/**
 * A lane per span so that overlapping spans get different lanes (interval graph colouring,
 * greedy by start): a span keeps its lane along its whole length, so stacked underlines line up.
 */
export function spanLanes<T extends { start: number; end: number }>(spans: readonly T[]): Map<T, number> {
  const order = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const laneEnds: number[] = [];
  const lanes = new Map<T, number>();
  for (const span of order) {
    let lane = laneEnds.findIndex((end) => end <= span.start);
    if (lane === -1) {
      lane = laneEnds.length;
      laneEnds.push(span.end);
    } else {
      laneEnds[lane] = span.end;
    }
    lanes.set(span, lane);
  }
  return lanes;
}
