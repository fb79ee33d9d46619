/**
 * The editor: the document with its undo history, the selection, the current tool, the
 * viewport. A pure reducer (`editorReduce`) over input events, so it can be tested without a
 * browser; `EditorStore` (store.ts) holds one for React.
 */

import { createHistory, type History } from "../core/history";
import { fitViewport, type Viewport } from "../core/geometry";
import { defaultDrawLabel, findControl, labelHotkeys, type Hotkey } from "../core/schema";
import type { ImageTool, ToolContext } from "../core/tool";
import { EMPTY_DOC, type AnnotationDoc, type ItemKind, type LabelRef, type LabelSchema, type Point, type Size } from "../core/types";
import { bboxTool, type BBoxState } from "../tools/bbox/tool";
import { keypointTool, type KeypointState } from "../tools/keypoint/tool";
import { polygonTool, type PolygonState } from "../tools/polygon/tool";
import { COLLAPSED, type TextSelection } from "../tools/span/tool";

export type ToolSlot =
  | { type: "bbox"; state: BBoxState }
  | { type: "polygon"; state: PolygonState }
  | { type: "keypoint"; state: KeypointState };

export type ShapeType = ToolSlot["type"];

export const TOOLS: { [K in ShapeType]: ImageTool<Extract<ToolSlot, { type: K }>["state"]> } = {
  bbox: bboxTool,
  polygon: polygonTool,
  keypoint: keypointTool,
};

/** The tool of a slot, typed loosely: each tool only ever sees its own state. */
export function toolOf(type: ShapeType): ImageTool<ToolSlot["state"]> {
  return TOOLS[type] as unknown as ImageTool<ToolSlot["state"]>;
}

export function isShapeType(type: string | undefined): type is ShapeType {
  return type === "bbox" || type === "polygon" || type === "keypoint";
}

/** Hit tolerance around shapes and handles, in screen pixels. */
export const HIT_TOLERANCE_PX = 6;

export interface EditorState {
  kind: ItemKind;
  schema: LabelSchema;
  hotkeys: Hotkey[];
  /** Image items: the displayed size. */
  image: Size | null;
  /** Text items: the text. */
  text: string | null;
  history: History<AnnotationDoc>;
  selected: string | null;
  hidden: ReadonlySet<string>;
  /** The label new shapes and spans get. */
  active: LabelRef | null;
  tool: ToolSlot;
  /** The document when the running gesture started (its undo step's "before"). */
  gestureBase: AnnotationDoc | null;
  viewport: Viewport;
  stage: Size;
  /** The viewport follows the stage size until the user zooms or pans. */
  fitted: boolean;
  spaceHeld: boolean;
  /** Last screen point of a running pan. */
  panFrom: Point | null;
  /** The pointer in image coordinates, while over the stage. */
  hover: Point | null;
  textSelection: TextSelection;
  readOnly: boolean;
}

export interface EditorOptions {
  schema: LabelSchema;
  kind: ItemKind;
  image?: Size | null;
  text?: string | null;
  doc?: AnnotationDoc;
  readOnly?: boolean;
  stage?: Size;
}

export function idleSlot(schema: LabelSchema, active: LabelRef | null): ToolSlot {
  const type = active ? findControl(schema, active.control)?.type : undefined;
  const shape: ShapeType = isShapeType(type) ? type : "bbox";
  return { type: shape, state: TOOLS[shape].idle } as ToolSlot;
}

export function createEditorState(options: EditorOptions): EditorState {
  const active = defaultDrawLabel(options.schema);
  const stage = options.stage ?? { width: 0, height: 0 };
  const image = options.image ?? null;
  return {
    kind: options.kind,
    schema: options.schema,
    hotkeys: labelHotkeys(options.schema),
    image,
    text: options.text ?? null,
    history: createHistory(options.doc ?? EMPTY_DOC),
    selected: null,
    hidden: new Set(),
    active,
    tool: idleSlot(options.schema, active),
    gestureBase: null,
    viewport: image ? fitViewport(image, stage) : { scale: 1, x: 0, y: 0 },
    stage,
    fitted: true,
    spaceHeld: false,
    panFrom: null,
    hover: null,
    textSelection: COLLAPSED,
    readOnly: options.readOnly ?? false,
  };
}

export function currentDoc(state: EditorState): AnnotationDoc {
  return state.history.present;
}

/** What a tool of `type` sees now. */
export function toolContext(state: EditorState, type: ShapeType): ToolContext {
  const activeType = state.active ? findControl(state.schema, state.active.control)?.type : undefined;
  const scale = state.viewport.scale;
  return {
    doc: state.history.present,
    schema: state.schema,
    image: state.image ?? { width: 0, height: 0 },
    selected: state.selected,
    hidden: state.hidden,
    active: activeType === type ? state.active : null,
    scale,
    tolerance: HIT_TOLERANCE_PX / scale,
  };
}

export function isBusy(state: EditorState): boolean {
  return toolOf(state.tool.type).busy(state.tool.state);
}
