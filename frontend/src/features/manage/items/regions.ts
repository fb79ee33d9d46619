/** Pure helpers to show annotation results: colours, class choices, text span segments. */
import type { LabelSchema } from "../../../api/manage";
import type { Region, Result } from "../../../api/items";

const FALLBACK = "#808080";

export type ColorLookup = (control: string, label: string | undefined) => string;

/** The schema colour of `control:label` (grey for labels no longer in the schema). */
export function colorLookup(schema: LabelSchema): ColorLookup {
  const colors = new Map<string, string>();
  for (const control of schema.controls) {
    for (const label of control.labels) colors.set(`${control.name}:${label.name}`, label.color);
  }
  return (control, label) => (label === undefined ? FALLBACK : (colors.get(`${control}:${label}`) ?? FALLBACK));
}

export interface ClassChoice {
  control: string;
  labels: string[];
}

/** The class regions of a result (one per class control). */
export function classChoices(result: Result): ClassChoice[] {
  return result.filter((r) => r.type === "class").map((r) => ({ control: r.control, labels: r.labels ?? [] }));
}

/** "3 bbox, 1 polygon" for the drawn regions of a result ("" when none). */
export function regionSummary(result: Result): string {
  const counts = new Map<string, number>();
  for (const region of result) {
    if (region.type === "class") continue;
    counts.set(region.type, (counts.get(region.type) ?? 0) + 1);
  }
  return [...counts].map(([type, n]) => `${n} ${type}`).join(", ");
}

export interface TextSegment {
  text: string;
  /** The spans covering this piece, outermost (earliest start) first. */
  spans: Region[];
}

/**
 * Cut `text` at every span boundary. Span offsets are Unicode code points (Python string
 * indices), not UTF-16 units, so the text is indexed by code point.
 */
export function textSegments(text: string, result: Result): TextSegment[] {
  const chars = Array.from(text);
  const spans = result
    .filter((r) => r.type === "span" && typeof r.start === "number" && typeof r.end === "number")
    .map((r) => ({ ...r, start: Math.max(0, Math.min(chars.length, r.start!)), end: Math.max(0, Math.min(chars.length, r.end!)) }))
    .filter((r) => r.end > r.start)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const cuts = new Set<number>([0, chars.length]);
  for (const span of spans) {
    cuts.add(span.start);
    cuts.add(span.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const segments: TextSegment[] = [];
  for (let i = 0; i < points.length - 1; i += 1) {
    const from = points[i]!;
    const to = points[i + 1]!;
    if (to <= from) continue;
    segments.push({ text: chars.slice(from, to).join(""), spans: spans.filter((s) => s.start <= from && s.end >= to) });
  }
  return segments;
}

/** The region's label(s) as text. */
export function regionLabel(region: Region): string {
  return region.label ?? (region.labels ?? []).join(", ");
}
