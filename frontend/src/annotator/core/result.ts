/**
 * The API's result format (labeling/_result_checks.py) to and from the document.
 *
 * `toResult` emits the server's canonical form (same key order, numbers rounded to 2 decimals,
 * boxes clipped to the image, class labels in schema order), one entry per region in document
 * order, so that an error about `result[i]` names `doc.regions[i]`.
 */

import { clipBox, round2 } from "./geometry";
import { TextOffsets } from "./spans";
import type { AnnotationDoc, LabelSchema, Point, Region, Size } from "./types";

export type ApiRegion =
  | { control: string; type: "class"; id?: string; score?: number; labels: string[] }
  | { control: string; type: "bbox"; id?: string; score?: number; label: string; bbox: { x: number; y: number; w: number; h: number } }
  | { control: string; type: "polygon"; id?: string; score?: number; label: string; points: [number, number][] }
  | {
      control: string;
      type: "keypoint";
      id?: string;
      score?: number;
      label: string;
      point: { x: number; y: number };
      visible: boolean;
    }
  | { control: string; type: "span"; id?: string; score?: number; label: string; start: number; end: number; text?: string };

export interface ResultContext {
  schema: LabelSchema;
  /** The displayed image size, for clipping boxes. */
  image?: Size | null;
  /** The item's text, to add each span's covered `text` (checked by the server). */
  text?: string | null;
}

function head(region: Region): { control: string; id?: string; score?: number } {
  const out: { control: string; id?: string; score?: number } = { control: region.control };
  if (region.id !== undefined) out.id = region.id;
  if (region.score !== undefined) out.score = region.score;
  return out;
}

function pair(p: Point): [number, number] {
  return [round2(p.x), round2(p.y)];
}

export function toResult(doc: AnnotationDoc, ctx: ResultContext): ApiRegion[] {
  const offsets = ctx.text != null ? new TextOffsets(ctx.text) : null;
  return doc.regions.map((region): ApiRegion => {
    const { control, id, score } = head(region);
    const base = { control, type: region.type, ...(id !== undefined ? { id } : {}), ...(score !== undefined ? { score } : {}) };
    switch (region.type) {
      case "class": {
        const order = ctx.schema.controls.find((c) => c.name === region.control)?.labels.map((l) => l.name) ?? [];
        const labels = [...new Set(region.labels)].sort((a, b) => order.indexOf(a) - order.indexOf(b));
        return { ...base, type: "class", labels };
      }
      case "bbox": {
        const box = ctx.image ? clipBox(region.bbox, ctx.image) : region.bbox;
        const bbox = { x: round2(box.x), y: round2(box.y), w: round2(box.w), h: round2(box.h) };
        return { ...base, type: "bbox", label: region.label, bbox };
      }
      case "polygon":
        return { ...base, type: "polygon", label: region.label, points: region.points.map(pair) };
      case "keypoint":
        return {
          ...base,
          type: "keypoint",
          label: region.label,
          point: { x: round2(region.point.x), y: round2(region.point.y) },
          visible: region.visible,
        };
      case "span": {
        const span: ApiRegion = { ...base, type: "span", label: region.label, start: region.start, end: region.end };
        if (offsets) span.text = offsets.slice(region.start, region.end);
        return span;
      }
    }
  });
}

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function str(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

/**
 * Read a stored result or a pre-annotation into a document. Regions this schema cannot show
 * (unknown control or label, wrong shape) are left out and counted in `dropped`.
 */
export function fromResult(result: unknown, schema: LabelSchema): { doc: AnnotationDoc; dropped: number } {
  const regions: Region[] = [];
  let dropped = 0;
  const list = Array.isArray(result) ? result : [];
  for (const raw of list) {
    const region = parseRegion(raw, schema, `r${regions.length + 1}`);
    if (region) regions.push(region);
    else dropped += 1;
  }
  return { doc: { regions, seq: regions.length }, dropped };
}

function parseRegion(raw: unknown, schema: LabelSchema, key: string): Region | null {
  if (typeof raw !== "object" || raw === null) return null;
  const r = raw as Record<string, unknown>;
  const control = schema.controls.find((c) => c.name === r.control);
  if (!control || r.type !== control.type) return null;
  const labelNames = new Set(control.labels.map((l) => l.name));
  const base: { key: string; control: string; id?: string; score?: number } = { key, control: control.name };
  const id = str(r.id);
  if (id !== null) base.id = id;
  const score = num(r.score);
  if (score !== null) base.score = score;
  const label = str(r.label);
  if (control.type !== "class" && (label === null || !labelNames.has(label))) return null;
  switch (control.type) {
    case "class": {
      const labels = Array.isArray(r.labels) ? r.labels.filter((l): l is string => typeof l === "string" && labelNames.has(l)) : [];
      return labels.length ? { ...base, type: "class", labels } : null;
    }
    case "bbox": {
      const b = (r.bbox ?? {}) as Record<string, unknown>;
      const [x, y, w, h] = [num(b.x), num(b.y), num(b.w), num(b.h)];
      if (x === null || y === null || w === null || h === null) return null;
      return { ...base, type: "bbox", label: label!, bbox: { x, y, w, h } };
    }
    case "polygon": {
      const points: Point[] = [];
      for (const p of Array.isArray(r.points) ? r.points : []) {
        if (!Array.isArray(p)) return null;
        const [x, y] = [num(p[0]), num(p[1])];
        if (x === null || y === null) return null;
        points.push({ x, y });
      }
      return points.length >= 3 ? { ...base, type: "polygon", label: label!, points } : null;
    }
    case "keypoint": {
      const p = (r.point ?? {}) as Record<string, unknown>;
      const [x, y] = [num(p.x), num(p.y)];
      if (x === null || y === null) return null;
      return { ...base, type: "keypoint", label: label!, point: { x, y }, visible: r.visible !== false };
    }
    case "span": {
      const [start, end] = [num(r.start), num(r.end)];
      if (start === null || end === null || end <= start) return null;
      return { ...base, type: "span", label: label!, start, end };
    }
  }
}

/** The index of the region an API error `field` names (`result[2].bbox.w` -> 2), or null. */
export function regionIndexOfField(field: string | null | undefined): number | null {
  const match = field ? /^result\[(\d+)\]/.exec(field) : null;
  return match ? Number(match[1]) : null;
}

/** The key of the region an API error names, given the document that was submitted. */
export function regionKeyOfField(doc: AnnotationDoc, field: string | null | undefined): string | null {
  const index = regionIndexOfField(field);
  return index === null ? null : (doc.regions[index]?.key ?? null);
}
