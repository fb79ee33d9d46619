/**
 * The annotation document: what the annotator has drawn, independent of any view.
 *
 * Tool and control names match `labeling/schemas.py`: a region's `type` is the type of the
 * control it belongs to (`class`, `bbox`, `polygon`, `keypoint`, `span`). Image coordinates
 * are pixels of the displayed image (origin top left); span offsets are Unicode code points.
 */

export type ControlType = "class" | "bbox" | "polygon" | "keypoint" | "span";
export type ItemKind = "image" | "text";

export interface SchemaLabel {
  name: string;
  /** `#rrggbb`. */
  color: string;
  /** One printable character, or null (then a free digit 1–9 may be assigned). */
  hotkey: string | null;
}

export interface SchemaControl {
  name: string;
  type: ControlType;
  labels: SchemaLabel[];
  /** Class controls only: several labels in one region. */
  multiple: boolean;
  required: boolean;
}

export interface LabelSchema {
  controls: SchemaControl[];
}

export interface Point {
  x: number;
  y: number;
}

export interface Size {
  width: number;
  height: number;
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

interface RegionBase {
  /** Client-side identity, stable across edits and undo; never sent to the API. */
  key: string;
  control: string;
  /** The API's optional region id, kept when a region came from the server. */
  id?: string;
  /** The API's optional confidence (pre-annotations); dropped once the region is edited. */
  score?: number;
}

export interface ClassRegion extends RegionBase {
  type: "class";
  labels: string[];
}

export interface BBoxRegion extends RegionBase {
  type: "bbox";
  label: string;
  bbox: Box;
}

export interface PolygonRegion extends RegionBase {
  type: "polygon";
  label: string;
  points: Point[];
}

export interface KeypointRegion extends RegionBase {
  type: "keypoint";
  label: string;
  point: Point;
  visible: boolean;
}

export interface SpanRegion extends RegionBase {
  type: "span";
  label: string;
  /** Code point offsets (Python `str` indices), end exclusive. */
  start: number;
  end: number;
}

export type Region = ClassRegion | BBoxRegion | PolygonRegion | KeypointRegion | SpanRegion;
export type ShapeRegion = BBoxRegion | PolygonRegion | KeypointRegion;

export interface AnnotationDoc {
  /** In result order: `result[i]` of a submission is `regions[i]`. */
  regions: readonly Region[];
  /** Counter for new region keys. */
  seq: number;
}

/** The label picked for drawing: a label of one control. */
export interface LabelRef {
  control: string;
  label: string;
}

export const EMPTY_DOC: AnnotationDoc = { regions: [], seq: 0 };
