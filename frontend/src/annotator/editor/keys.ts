/** Keyboard input of the editor. Label hotkeys win over the editor's own letter keys. */

import { findRegion, updateRegion } from "../core/document";
import { hotkeyFor } from "../core/schema";
import { translateInside } from "../core/geometry";
import { moveCaret } from "../tools/span/tool";
import type { Region } from "../core/types";
import { applyStep, commitDoc, editorReduce, pickLabel } from "./reduce";
import { isBusy, toolContext, toolOf, type EditorState } from "./state";

export interface KeyInput {
  key: string;
  ctrl: boolean;
  meta: boolean;
  shift: boolean;
  alt: boolean;
}

export interface KeyResult {
  state: EditorState;
  /** The editor used the key (the caller should preventDefault). */
  handled: boolean;
}

const ARROWS: Record<string, [number, number]> = {
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
};

function nudge(region: Region, dx: number, dy: number, state: EditorState): Region {
  const image = state.image!;
  switch (region.type) {
    case "bbox": {
      const [p] = translateInside([{ x: region.bbox.x, y: region.bbox.y }, { x: region.bbox.x + region.bbox.w, y: region.bbox.y + region.bbox.h }], dx, dy, image);
      return { ...region, bbox: { ...region.bbox, x: p!.x, y: p!.y } };
    }
    case "polygon":
      return { ...region, points: translateInside(region.points, dx, dy, image) };
    case "keypoint":
      return { ...region, point: translateInside([region.point], dx, dy, image)[0]! };
    default:
      return region;
  }
}

export function editorKey(state: EditorState, input: KeyInput): KeyResult {
  const done = (next: EditorState): KeyResult => ({ state: next, handled: true });
  const { key } = input;
  const mod = input.ctrl || input.meta;
  const lower = key.toLowerCase();

  if (mod && lower === "z") return done(editorReduce(state, { type: input.shift ? "redo" : "undo" }));
  if (mod && lower === "y") return done(editorReduce(state, { type: "redo" }));

  // Text: caret and selection (Ctrl/Alt+arrows move by word).
  if (state.kind === "text" && state.text !== null && !input.meta) {
    const moved = moveCaret(state.text, state.textSelection, { key, shift: input.shift, word: input.ctrl || input.alt });
    if (moved) return done({ ...state, textSelection: moved });
  }
  if (mod || input.alt) return { state, handled: false };

  if (!state.readOnly && isBusy(state)) {
    const type = state.tool.type;
    const step = toolOf(type).key(toolContext(state, type), state.tool.state, key);
    if (step) return done(applyStep(state, type, step));
  }

  const hotkey = key.length === 1 ? hotkeyFor(state.hotkeys, key) : undefined;
  if (hotkey && !state.readOnly) return done(pickLabel(state, hotkey));

  const selected = findRegion(state.history.present, state.selected);
  switch (key) {
    case "Escape":
      if (selected) return done({ ...state, selected: null });
      if (state.textSelection.anchor !== state.textSelection.focus) {
        const focus = state.textSelection.focus;
        return done({ ...state, textSelection: { anchor: focus, focus } });
      }
      return { state, handled: false };
    case "Delete":
    case "Backspace":
      if (!selected || state.readOnly) return { state, handled: false };
      return done(editorReduce(state, { type: "delete", key: selected.key }));
    case " ":
      return state.kind === "image" ? done(editorReduce(state, { type: "space", held: true })) : { state, handled: false };
    case "f":
    case "F":
      return state.kind === "image" ? done(editorReduce(state, { type: "fit" })) : { state, handled: false };
    case "+":
    case "=":
      return state.kind === "image" ? done(editorReduce(state, { type: "zoom", factor: 1.25 })) : { state, handled: false };
    case "-":
      return state.kind === "image" ? done(editorReduce(state, { type: "zoom", factor: 0.8 })) : { state, handled: false };
  }

  const arrow = ARROWS[key];
  if (arrow && selected && state.image && !state.readOnly && selected.type !== "class" && selected.type !== "span") {
    const step = input.shift ? 10 : 1;
    const doc = updateRegion(state.history.present, selected.key, (r) => nudge(r, arrow[0] * step, arrow[1] * step, state));
    return done(commitDoc(state, doc));
  }
  return { state, handled: false };
}

export function editorKeyUp(state: EditorState, key: string): EditorState {
  return key === " " && state.spaceHeld ? editorReduce(state, { type: "space", held: false }) : state;
}
