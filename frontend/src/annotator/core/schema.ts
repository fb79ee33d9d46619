/** The project's label schema as the annotator uses it: controls, colours, hotkeys. */

import type { ControlType, ItemKind, LabelRef, LabelSchema, SchemaControl, SchemaLabel } from "./types";

/** labeling/schemas.py DEFAULT_COLORS: a label without a colour gets one by its position. */
export const DEFAULT_COLORS = [
  "#e6194b", "#3cb44b", "#ffe119", "#4363d8", "#f58231", "#911eb4", "#46f0f0",
  "#f032e6", "#bcf60c", "#fabebe", "#008080", "#e6beff", "#9a6324", "#fffac8",
  "#800000", "#aaffc3", "#808000", "#ffd8b1", "#000075", "#808080",
] as const;

const CONTROL_TYPES: Record<ItemKind, readonly ControlType[]> = {
  image: ["class", "bbox", "polygon", "keypoint"],
  text: ["class", "span"],
};

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/**
 * Read a schema the server already validated (`ProjectOut.label_schema`), filling defaults the
 * way `labeling/schemas.py` does. Controls of a type this item kind cannot show are dropped.
 */
export function parseLabelSchema(raw: unknown, kind: ItemKind): LabelSchema {
  const controls: SchemaControl[] = [];
  const rawControls = record(raw).controls;
  let position = 0;
  for (const c of Array.isArray(rawControls) ? rawControls : []) {
    const control = record(c);
    const type = control.type as ControlType;
    const labels: SchemaLabel[] = [];
    for (const l of Array.isArray(control.labels) ? control.labels : []) {
      const label = record(l);
      const color = typeof label.color === "string" ? label.color.toLowerCase() : null;
      labels.push({
        name: String(label.name ?? "").trim(),
        color: color ?? DEFAULT_COLORS[position % DEFAULT_COLORS.length]!,
        hotkey: typeof label.hotkey === "string" && label.hotkey.length > 0 ? label.hotkey : null,
      });
      position += 1;
    }
    if (!CONTROL_TYPES[kind].includes(type)) continue;
    controls.push({
      name: String(control.name ?? ""),
      type,
      labels,
      multiple: type === "class" && control.multiple === true,
      required: control.required === true,
    });
  }
  return { controls };
}

export function findControl(schema: LabelSchema, name: string): SchemaControl | undefined {
  return schema.controls.find((control) => control.name === name);
}

export function findLabel(schema: LabelSchema, ref: LabelRef): SchemaLabel | undefined {
  return findControl(schema, ref.control)?.labels.find((label) => label.name === ref.label);
}

export function labelColor(schema: LabelSchema, control: string, label: string): string {
  return findLabel(schema, { control, label })?.color ?? "#808080";
}

/** A label's hotkey as shown and matched (lower case), with where it came from. */
export interface Hotkey extends LabelRef {
  key: string;
  /** True when the schema named no hotkey and a free digit was assigned. */
  assigned: boolean;
}

/**
 * Hotkeys of every label: the schema's own (unique case-insensitively, the server checks),
 * else the free digits 1–9 in schema order. Keys are lower case.
 */
export function labelHotkeys(schema: LabelSchema): Hotkey[] {
  const taken = new Set<string>();
  for (const control of schema.controls) {
    for (const label of control.labels) if (label.hotkey) taken.add(label.hotkey.toLowerCase());
  }
  const free = "123456789".split("").filter((digit) => !taken.has(digit));
  const keys: Hotkey[] = [];
  for (const control of schema.controls) {
    for (const label of control.labels) {
      if (label.hotkey) {
        keys.push({ control: control.name, label: label.name, key: label.hotkey.toLowerCase(), assigned: false });
      } else {
        const digit = free.shift();
        if (digit) keys.push({ control: control.name, label: label.name, key: digit, assigned: true });
      }
    }
  }
  return keys;
}

export function hotkeyFor(keys: readonly Hotkey[], key: string): Hotkey | undefined {
  const lower = key.toLowerCase();
  return keys.find((hotkey) => hotkey.key === lower);
}

/** The first label of the first drawing control (what the annotator draws before picking one). */
export function defaultDrawLabel(schema: LabelSchema): LabelRef | null {
  for (const control of schema.controls) {
    const first = control.labels[0];
    if (control.type !== "class" && first) return { control: control.name, label: first.name };
  }
  return null;
}
