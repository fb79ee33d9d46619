/**
 * What an image tool is: a small state machine fed with pointer and key input in image
 * coordinates, answering with its next state and, maybe, a new document.
 */

import type { AnnotationDoc, Box, LabelRef, LabelSchema, Point, Region, Size } from "./types";

export interface ToolContext {
  doc: AnnotationDoc;
  schema: LabelSchema;
  image: Size;
  selected: string | null;
  hidden: ReadonlySet<string>;
  /** The label to draw with, a label of a control of this tool's type (null: select only). */
  active: LabelRef | null;
  /** Screen pixels per image pixel (the zoom). */
  scale: number;
  /** Hit tolerance in image pixels (a few screen pixels at the current zoom). */
  tolerance: number;
}

export interface PointerInput {
  /** Image coordinates, not clamped: the pointer may be outside the image. */
  point: Point;
  shift: boolean;
}

export interface ToolStep<S> {
  state: S;
  /** A new document. */
  doc?: AnnotationDoc;
  /**
   * With `doc`: true records one undo step from where the gesture started (or from the current
   * document when no gesture was running); false or absent is a transient change mid-gesture.
   */
  commit?: boolean;
  /** Change the selection (null: select nothing). */
  select?: string | null;
}

/** What to draw for a shape in progress. */
export type Preview =
  | { kind: "box"; box: Box; ref: LabelRef }
  | { kind: "polyline"; points: Point[]; hover: Point | null; ref: LabelRef; closable: boolean };

export interface ImageTool<S> {
  readonly type: "bbox" | "polygon" | "keypoint";
  readonly idle: S;
  /** The edit gesture that starts when the selected region (of this type) is pressed at `point`. */
  grab(ctx: ToolContext, region: Region, point: Point): S | null;
  down(ctx: ToolContext, state: S, input: PointerInput): ToolStep<S>;
  move(ctx: ToolContext, state: S, input: PointerInput): ToolStep<S>;
  up(ctx: ToolContext, state: S, input: PointerInput): ToolStep<S>;
  /** A key while this tool is current; null when the tool does not use it. */
  key(ctx: ToolContext, state: S, key: string): ToolStep<S> | null;
  /** True while a gesture runs (other input should not interrupt it). */
  busy(state: S): boolean;
  preview(ctx: ToolContext, state: S, hover: Point | null): Preview | null;
}
