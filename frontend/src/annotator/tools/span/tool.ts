/**
 * The span tool for text items: a selection made with the mouse or the keyboard (Shift+arrows,
 * by grapheme; with Ctrl/Alt by word; Home/End), then a label hotkey makes it a span. A click
 * in a span selects it. Offsets are code points, as the API stores them.
 *
 *   caret --Shift+arrow / drag--> selection --label--> caret at the end (+ span)
 */

import { addRegion } from "../../core/document";
import { codePointLength, graphemeStops, nextStop, wordStops } from "../../core/spans";
import type { AnnotationDoc, LabelRef, SpanRegion } from "../../core/types";

/** Code point offsets; `anchor` stays put while `focus` moves. */
export interface TextSelection {
  anchor: number;
  focus: number;
}

export const COLLAPSED: TextSelection = { anchor: 0, focus: 0 };

export function selectionRange(sel: TextSelection): { start: number; end: number } {
  return { start: Math.min(sel.anchor, sel.focus), end: Math.max(sel.anchor, sel.focus) };
}

export function isCollapsed(sel: TextSelection): boolean {
  return sel.anchor === sel.focus;
}

export interface CaretKey {
  key: string;
  shift: boolean;
  /** Ctrl (or Alt on macOS): move by word. */
  word: boolean;
}

/** The selection after a navigation key, or null when the key is not one. */
export function moveCaret(text: string, sel: TextSelection, { key, shift, word }: CaretKey): TextSelection | null {
  const length = codePointLength(text);
  let focus: number;
  switch (key) {
    case "ArrowLeft":
    case "ArrowRight": {
      const direction = key === "ArrowRight" ? 1 : -1;
      if (!shift && !word && !isCollapsed(sel)) {
        // Like a text field: an arrow collapses the selection to that side.
        const { start, end } = selectionRange(sel);
        const to = direction > 0 ? end : start;
        return { anchor: to, focus: to };
      }
      focus = nextStop(word ? wordStops(text) : graphemeStops(text), sel.focus, direction);
      break;
    }
    case "Home":
      focus = 0;
      break;
    case "End":
      focus = length;
      break;
    default:
      return null;
  }
  return shift ? { anchor: sel.anchor, focus } : { anchor: focus, focus };
}

/** Make the selection a span with `ref`'s label; null when the selection is empty or a duplicate. */
export function createSpan(
  doc: AnnotationDoc,
  sel: TextSelection,
  ref: LabelRef,
): { doc: AnnotationDoc; key: string } | null {
  const { start, end } = selectionRange(sel);
  if (start === end) return null;
  const duplicate = doc.regions.some(
    (r) => r.type === "span" && r.control === ref.control && r.label === ref.label && r.start === start && r.end === end,
  );
  if (duplicate) return null;
  return addRegion(doc, { control: ref.control, type: "span", label: ref.label, start, end });
}

/** The shortest visible span covering the character at `offset`. */
export function spanAt(doc: AnnotationDoc, offset: number, hidden: ReadonlySet<string>): SpanRegion | undefined {
  let best: SpanRegion | undefined;
  for (const region of doc.regions) {
    if (region.type !== "span" || hidden.has(region.key)) continue;
    if (region.start <= offset && offset < region.end && (!best || region.end - region.start < best.end - best.start)) {
      best = region;
    }
  }
  return best;
}
