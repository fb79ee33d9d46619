/** The editor's reducer: pointer, wheel and command events (keys are in keys.ts). */

import { findRegion, relabelRegion, removeRegion } from "../core/document";
import { fitViewport, panBy, toImage, wheelZoomFactor, zoomAt } from "../core/geometry";
import { commitFrom, push, redo, replace, undo } from "../core/history";
import { findControl } from "../core/schema";
import type { ToolStep } from "../core/tool";
import type { AnnotationDoc, LabelRef, Point, Size } from "../core/types";
import { toggleClassLabel } from "../tools/class/tool";
import { COLLAPSED, createSpan, isCollapsed, selectionRange, spanAt, type TextSelection } from "../tools/span/tool";
import {
  createEditorState,
  idleSlot,
  isBusy,
  isShapeType,
  toolContext,
  toolOf,
  type EditorState,
  type ShapeType,
  type ToolSlot,
} from "./state";

export type EditorEvent =
  | { type: "pointerdown"; screen: Point; button: number; shift: boolean }
  | { type: "pointermove"; screen: Point }
  | { type: "pointerup"; screen: Point }
  | { type: "pointercancel" }
  | { type: "pointerleave" }
  | { type: "wheel"; screen: Point; deltaY: number }
  | { type: "stage"; size: Size }
  | { type: "fit" }
  | { type: "zoom"; factor: number }
  | { type: "undo" }
  | { type: "redo" }
  | { type: "select"; key: string | null }
  | { type: "toggleHidden"; key: string }
  | { type: "delete"; key: string }
  | { type: "relabel"; key: string; label: string }
  | { type: "pickLabel"; ref: LabelRef }
  | { type: "textSelect"; selection: TextSelection }
  | { type: "space"; held: boolean }
  | { type: "load"; doc: AnnotationDoc; image?: Size | null; text?: string | null; readOnly?: boolean }
  | { type: "readOnly"; value: boolean };

/** Record a finished change as one undo step (from the gesture's start, if one ran). */
export function commitDoc(state: EditorState, doc: AnnotationDoc): EditorState {
  const history = state.gestureBase
    ? commitFrom(replace(state.history, doc), state.gestureBase)
    : push(state.history, doc);
  return { ...state, history, gestureBase: null };
}

/** Apply a tool's answer. */
export function applyStep(state: EditorState, type: ShapeType, step: ToolStep<ToolSlot["state"]>): EditorState {
  let next: EditorState = { ...state, tool: { type, state: step.state } as ToolSlot };
  if (step.doc && step.commit) {
    next = commitDoc(next, step.doc);
  } else if (step.doc) {
    next = {
      ...next,
      gestureBase: next.gestureBase ?? next.history.present,
      history: replace(next.history, step.doc),
    };
  }
  if (!toolOf(type).busy(step.state)) {
    // A gesture that ended without committing (Escape) leaves the document as it was.
    if (next.gestureBase && !step.commit) next = { ...next, history: replace(next.history, next.gestureBase) };
    next = { ...next, gestureBase: null, tool: idleSlot(next.schema, next.active) };
  }
  if (step.select !== undefined) next = { ...next, selected: step.select };
  return next;
}

function visibleSelected(state: EditorState) {
  const region = findRegion(state.history.present, state.selected);
  return region && !state.hidden.has(region.key) ? region : undefined;
}

function pointerDown(state: EditorState, screen: Point, button: number, shift: boolean): EditorState {
  if (button === 1 || (button === 0 && state.spaceHeld)) return { ...state, panFrom: screen };
  if (button !== 0 || !state.image) return state;
  const point = toImage(state.viewport, screen);
  const input = { point, shift };
  if (state.readOnly) {
    const step = toolOf("bbox").down(toolContext(state, "bbox"), toolOf("bbox").idle, input);
    return { ...state, tool: { type: "bbox", state: step.state } as ToolSlot };
  }
  if (isBusy(state)) {
    return applyStep(state, state.tool.type, toolOf(state.tool.type).down(toolContext(state, state.tool.type), state.tool.state, input));
  }
  const selected = visibleSelected(state);
  if (selected && isShapeType(selected.type) && !shift) {
    const grabbed = toolOf(selected.type).grab(toolContext(state, selected.type), selected, point);
    if (grabbed) return { ...state, tool: { type: selected.type, state: grabbed } as ToolSlot, gestureBase: null };
  }
  const type = state.tool.type;
  return applyStep(state, type, toolOf(type).down(toolContext(state, type), state.tool.state, input));
}

function pointerMove(state: EditorState, screen: Point): EditorState {
  if (state.panFrom) {
    const viewport = panBy(state.viewport, screen.x - state.panFrom.x, screen.y - state.panFrom.y);
    return { ...state, viewport, panFrom: screen, fitted: false };
  }
  const hover = state.image ? toImage(state.viewport, screen) : null;
  if (!isBusy(state) || state.readOnly || !hover) return { ...state, hover };
  const type = state.tool.type;
  const step = toolOf(type).move(toolContext(state, type), state.tool.state, { point: hover, shift: false });
  return applyStep({ ...state, hover }, type, step);
}

function pointerUp(state: EditorState, screen: Point): EditorState {
  if (state.panFrom) return { ...state, panFrom: null };
  if (!state.image) return state;
  const point = toImage(state.viewport, screen);
  const type = state.tool.type;
  if (state.readOnly) {
    const step = toolOf("bbox").up(toolContext(state, "bbox"), state.tool.state, { point, shift: false });
    return { ...state, tool: idleSlot(state.schema, null), selected: step.select !== undefined ? step.select : state.selected };
  }
  if (!isBusy(state)) return state;
  return applyStep(state, type, toolOf(type).up(toolContext(state, type), state.tool.state, { point, shift: false }));
}

function cancelGesture(state: EditorState): EditorState {
  const history = state.gestureBase ? replace(state.history, state.gestureBase) : state.history;
  return { ...state, history, gestureBase: null, panFrom: null, tool: idleSlot(state.schema, state.active) };
}

/** Pick a label (hotkey or palette): class labels toggle; other labels relabel the selection
 * of their control or become the label to draw with; with a text selection, make a span. */
export function pickLabel(state: EditorState, ref: LabelRef): EditorState {
  const control = findControl(state.schema, ref.control);
  if (!control || state.readOnly) return state;
  const doc = state.history.present;
  if (control.type === "class") return commitDoc(state, toggleClassLabel(doc, state.schema, ref.control, ref.label));
  let next: EditorState = { ...state, active: ref };
  if (control.type === "span" && !isCollapsed(state.textSelection)) {
    const created = createSpan(doc, state.textSelection, ref);
    const { end } = selectionRange(state.textSelection);
    next = { ...next, textSelection: { anchor: end, focus: end }, selected: null };
    return created ? commitDoc(next, created.doc) : next;
  }
  const selected = visibleSelected(state);
  if (selected && selected.type !== "class" && selected.control === ref.control) {
    next = commitDoc(next, relabelRegion(doc, selected.key, ref.label));
  }
  if (next.tool.type === "polygon" && next.tool.state.mode === "drawing" && control.type === "polygon") {
    return { ...next, tool: { type: "polygon", state: { ...next.tool.state, ref } } };
  }
  return isBusy(next) ? next : { ...next, tool: idleSlot(next.schema, ref) };
}

export function editorReduce(state: EditorState, event: EditorEvent): EditorState {
  switch (event.type) {
    case "pointerdown":
      return pointerDown(state, event.screen, event.button, event.shift);
    case "pointermove":
      return pointerMove(state, event.screen);
    case "pointerup":
      return pointerUp(state, event.screen);
    case "pointercancel":
      return cancelGesture(state);
    case "pointerleave":
      return state.hover ? { ...state, hover: null } : state;
    case "wheel":
      if (!state.image) return state;
      return { ...state, viewport: zoomAt(state.viewport, wheelZoomFactor(event.deltaY), event.screen), fitted: false };
    case "stage": {
      const resized = { ...state, stage: event.size };
      return state.fitted && state.image ? { ...resized, viewport: fitViewport(state.image, event.size) } : resized;
    }
    case "fit":
      return state.image ? { ...state, viewport: fitViewport(state.image, state.stage), fitted: true } : state;
    case "zoom": {
      const centre = { x: state.stage.width / 2, y: state.stage.height / 2 };
      return { ...state, viewport: zoomAt(state.viewport, event.factor, centre), fitted: false };
    }
    case "undo":
    case "redo": {
      if (state.readOnly) return state;
      const base = cancelGesture(state);
      const history = event.type === "undo" ? undo(base.history) : redo(base.history);
      const selected = findRegion(history.present, base.selected) ? base.selected : null;
      return { ...base, history, selected };
    }
    case "select":
      return { ...state, selected: event.key };
    case "toggleHidden": {
      const hidden = new Set(state.hidden);
      if (hidden.has(event.key)) hidden.delete(event.key);
      else hidden.add(event.key);
      return { ...state, hidden, selected: state.selected === event.key ? null : state.selected };
    }
    case "delete":
      if (state.readOnly) return state;
      return {
        ...commitDoc(state, removeRegion(state.history.present, event.key)),
        selected: state.selected === event.key ? null : state.selected,
      };
    case "relabel":
      if (state.readOnly) return state;
      return commitDoc(state, relabelRegion(state.history.present, event.key, event.label));
    case "pickLabel":
      return pickLabel(state, event.ref);
    case "textSelect": {
      const { selection } = event;
      if (!isCollapsed(selection)) return { ...state, textSelection: selection };
      const span = spanAt(state.history.present, selection.focus, state.hidden);
      return { ...state, textSelection: selection, selected: span?.key ?? null };
    }
    case "space":
      return { ...state, spaceHeld: event.held, panFrom: event.held ? state.panFrom : null };
    case "load": {
      const fresh = createEditorState({
        schema: state.schema,
        kind: state.kind,
        image: event.image ?? null,
        text: event.text ?? null,
        doc: event.doc,
        readOnly: event.readOnly ?? state.readOnly,
        stage: state.stage,
      });
      return { ...fresh, active: state.active ?? fresh.active, tool: idleSlot(state.schema, state.active ?? fresh.active), textSelection: COLLAPSED };
    }
    case "readOnly":
      return { ...cancelGesture(state), readOnly: event.value };
  }
}
