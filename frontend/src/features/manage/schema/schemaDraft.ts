/**
 * The schema editor's state: plain data and pure functions, no React.
 *
 * A draft mirrors `labeling/schemas.py`'s format with editable strings and a stable `key`
 * per control and label, so React keys, focus and error messages follow an element when
 * the list is reordered. Validation repeats the server's rules to show problems as the
 * manager types; the server stays the authority (see `fieldErrors.ts` for its messages).
 */
import {
  CONTROL_NAME_PATTERN,
  CONTROL_TYPES_BY_KIND,
  COLOR_PATTERN,
  DEFAULT_COLORS,
  MAX_CONTROLS,
  MAX_LABEL_NAME,
  MAX_LABELS,
  RESERVED_HOTKEYS,
  type ControlType,
  type LabelSchema,
  type SchemaControl,
} from "../../../api/manage";
import type { ProjectKind } from "../../../api/projects";

export interface LabelDraft {
  key: string;
  name: string;
  color: string;
  /** "" for none. */
  hotkey: string;
}

export interface ControlDraft {
  key: string;
  name: string;
  type: ControlType;
  multiple: boolean;
  required: boolean;
  labels: LabelDraft[];
}

export interface SchemaDraft {
  controls: ControlDraft[];
}

/** Error messages keyed by `errorKey`s (see below). */
export type FieldErrors = Record<string, string>;

export const CONTROL_TYPE_LABELS: Record<ControlType, string> = {
  class: "Classification",
  bbox: "Bounding box",
  polygon: "Polygon",
  keypoint: "Keypoint",
  span: "Text span",
};

/** Hotkeys offered to new labels, in order. */
const HOTKEY_POOL = "1234567890qwertyuiopasdfghjklzxcvbnm";

let counter = 0;
function newKey(prefix: string): string {
  counter += 1;
  return `${prefix}${counter}`;
}

// ------------------------------------------------------------------ error keys

export const SCHEMA_ERROR = "schema";
export const controlErrorKey = (controlKey: string, field: string) => `control:${controlKey}:${field}`;
export const labelErrorKey = (labelKey: string, field: string) => `label:${labelKey}:${field}`;

// ------------------------------------------------------------------ conversions

export function defaultControlType(kind: ProjectKind): ControlType {
  return kind === "image" ? "bbox" : "class";
}

function usedColors(draft: SchemaDraft): Set<string> {
  return new Set(draft.controls.flatMap((c) => c.labels.map((l) => l.color.toLowerCase())));
}

function usedHotkeys(draft: SchemaDraft): Set<string> {
  return new Set(draft.controls.flatMap((c) => c.labels.map((l) => l.hotkey.toLowerCase())).filter(Boolean));
}

/** The first palette colour no label uses yet (cycling by count when all are taken). */
export function nextColor(draft: SchemaDraft): string {
  const used = usedColors(draft);
  const free = DEFAULT_COLORS.find((c) => !used.has(c));
  if (free) return free;
  const n = draft.controls.reduce((sum, c) => sum + c.labels.length, 0);
  return DEFAULT_COLORS[n % DEFAULT_COLORS.length] ?? "#808080";
}

/** The first hotkey of the pool no label uses yet, or "" when all are taken. */
export function nextHotkey(draft: SchemaDraft): string {
  const used = usedHotkeys(draft);
  return Array.from(HOTKEY_POOL).find((k) => !used.has(k)) ?? "";
}

function newLabel(draft: SchemaDraft, name = ""): LabelDraft {
  return { key: newKey("l"), name, color: nextColor(draft), hotkey: nextHotkey(draft) };
}

function uniqueControlName(draft: SchemaDraft, base: string): string {
  const names = new Set(draft.controls.map((c) => c.name));
  if (!names.has(base)) return base;
  for (let i = 2; ; i += 1) {
    if (!names.has(`${base}_${i}`)) return `${base}_${i}`;
  }
}

/** A new project's starting schema: one control of the kind's usual type, one blank label. */
export function emptySchemaDraft(kind: ProjectKind): SchemaDraft {
  const empty: SchemaDraft = { controls: [] };
  return addControl(empty, kind, kind === "image" ? "objects" : "category");
}

export function draftFromSchema(schema: LabelSchema): SchemaDraft {
  return {
    controls: schema.controls.map((control) => ({
      key: newKey("c"),
      name: control.name,
      type: control.type,
      multiple: control.multiple ?? false,
      required: control.required ?? false,
      labels: control.labels.map((label) => ({
        key: newKey("l"),
        name: label.name,
        color: label.color,
        hotkey: label.hotkey ?? "",
      })),
    })),
  };
}

/** The JSON the API takes. Names are trimmed, an empty hotkey is null. */
export function draftToSchema(draft: SchemaDraft): LabelSchema {
  return {
    controls: draft.controls.map((control) => {
      const out: SchemaControl = { name: control.name.trim(), type: control.type, required: control.required, labels: [] };
      if (control.type === "class") out.multiple = control.multiple;
      out.labels = control.labels.map((label) => ({
        name: label.name.trim(),
        color: label.color.toLowerCase(),
        hotkey: label.hotkey === "" ? null : label.hotkey,
      }));
      return out;
    }),
  };
}

// ------------------------------------------------------------------ edits (immutable)

export function addControl(draft: SchemaDraft, kind: ProjectKind, baseName = "control"): SchemaDraft {
  const control: ControlDraft = {
    key: newKey("c"),
    name: uniqueControlName(draft, baseName),
    type: defaultControlType(kind),
    multiple: false,
    required: false,
    labels: [],
  };
  control.labels.push(newLabel(draft));
  return { controls: [...draft.controls, control] };
}

export function removeControl(draft: SchemaDraft, controlKey: string): SchemaDraft {
  return { controls: draft.controls.filter((c) => c.key !== controlKey) };
}

function move<T>(list: readonly T[], from: number, to: number): T[] {
  if (from < 0 || from >= list.length || to < 0 || to >= list.length || from === to) return [...list];
  const out = [...list];
  const [item] = out.splice(from, 1);
  out.splice(to, 0, item as T);
  return out;
}

/** Move a control by `delta` places (-1 up, +1 down); out-of-range moves change nothing. */
export function moveControl(draft: SchemaDraft, controlKey: string, delta: number): SchemaDraft {
  const from = draft.controls.findIndex((c) => c.key === controlKey);
  return { controls: move(draft.controls, from, from + delta) };
}

export type ControlPatch = Partial<Pick<ControlDraft, "name" | "type" | "multiple" | "required">>;

export function updateControl(draft: SchemaDraft, controlKey: string, patch: ControlPatch): SchemaDraft {
  return {
    controls: draft.controls.map((c) => {
      if (c.key !== controlKey) return c;
      const next = { ...c, ...patch };
      if (next.type !== "class") next.multiple = false; // only class controls have it
      return next;
    }),
  };
}

function mapControl(draft: SchemaDraft, controlKey: string, fn: (c: ControlDraft) => ControlDraft): SchemaDraft {
  return { controls: draft.controls.map((c) => (c.key === controlKey ? fn(c) : c)) };
}

export function addLabel(draft: SchemaDraft, controlKey: string, name = ""): SchemaDraft {
  const label = newLabel(draft, name);
  return mapControl(draft, controlKey, (c) => ({ ...c, labels: [...c.labels, label] }));
}

export function removeLabel(draft: SchemaDraft, controlKey: string, labelKey: string): SchemaDraft {
  return mapControl(draft, controlKey, (c) => ({ ...c, labels: c.labels.filter((l) => l.key !== labelKey) }));
}

export function moveLabel(draft: SchemaDraft, controlKey: string, labelKey: string, delta: number): SchemaDraft {
  return mapControl(draft, controlKey, (c) => {
    const from = c.labels.findIndex((l) => l.key === labelKey);
    return { ...c, labels: move(c.labels, from, from + delta) };
  });
}

export type LabelPatch = Partial<Pick<LabelDraft, "name" | "color" | "hotkey">>;

export function updateLabel(draft: SchemaDraft, controlKey: string, labelKey: string, patch: LabelPatch): SchemaDraft {
  return mapControl(draft, controlKey, (c) => ({
    ...c,
    labels: c.labels.map((l) => (l.key === labelKey ? { ...l, ...patch } : l)),
  }));
}

/**
 * Adapt a draft to another project kind (only while creating): region types become the
 * other kind's region type (bbox/polygon/keypoint <-> span); class controls stay.
 */
export function changeKind(draft: SchemaDraft, kind: ProjectKind): SchemaDraft {
  const allowed = CONTROL_TYPES_BY_KIND[kind];
  return {
    controls: draft.controls.map((c) =>
      allowed.includes(c.type) ? c : { ...c, type: kind === "text" ? "span" : "bbox", multiple: false },
    ),
  };
}

// ------------------------------------------------------------------ validation

const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

/** Why `hotkey` cannot be a hotkey at all (uniqueness is checked across the schema). */
export function hotkeyProblem(hotkey: string): string | null {
  if (hotkey === "") return null;
  if (Array.from(hotkey).length !== 1) return "must be a single character";
  if (RESERVED_HOTKEYS.has(hotkey)) {
    return hotkey === " " ? "Space is reserved (it submits)" : `'${hotkey}' is reserved (it shows the shortcuts)`;
  }
  if (CONTROL_CHARS.test(hotkey)) return "must be a printable character";
  return null;
}

/** Problems in the draft, keyed like the inputs. Empty when the server should accept it. */
export function validateSchemaDraft(draft: SchemaDraft, kind: ProjectKind): FieldErrors {
  const errors: FieldErrors = {};
  if (draft.controls.length === 0) errors[SCHEMA_ERROR] = "Add at least one control.";
  if (draft.controls.length > MAX_CONTROLS) errors[SCHEMA_ERROR] = `At most ${MAX_CONTROLS} controls.`;
  const allowed = CONTROL_TYPES_BY_KIND[kind];
  const controlNames = new Map<string, string>();
  // Hotkeys are unique across the whole schema, case-insensitively.
  const hotkeys = new Map<string, string>();

  for (const control of draft.controls) {
    const name = control.name.trim();
    if (!CONTROL_NAME_PATTERN.test(name)) {
      errors[controlErrorKey(control.key, "name")] = name
        ? "Use 1–64 characters from A–Z, a–z, 0–9, '_' and '-'."
        : "Name the control.";
    } else if (controlNames.has(name)) {
      errors[controlErrorKey(control.key, "name")] = `Another control is already named '${name}'.`;
    } else {
      controlNames.set(name, control.key);
    }
    if (!allowed.includes(control.type)) {
      errors[controlErrorKey(control.key, "type")] = `${kind === "text" ? "Text" : "Image"} projects can't use this type.`;
    }
    if (control.labels.length === 0) errors[controlErrorKey(control.key, "labels")] = "Add at least one label.";
    if (control.labels.length > MAX_LABELS) errors[controlErrorKey(control.key, "labels")] = `At most ${MAX_LABELS} labels.`;

    const labelNames = new Set<string>();
    for (const label of control.labels) {
      const labelName = label.name.trim();
      const nameKey = labelErrorKey(label.key, "name");
      if (!labelName) errors[nameKey] = "Name the label.";
      else if (Array.from(labelName).length > MAX_LABEL_NAME) errors[nameKey] = `At most ${MAX_LABEL_NAME} characters.`;
      else if (CONTROL_CHARS.test(labelName)) errors[nameKey] = "No control characters.";
      else if (labelNames.has(labelName)) errors[nameKey] = `'${labelName}' is already a label of this control.`;
      labelNames.add(labelName);

      if (!COLOR_PATTERN.test(label.color)) errors[labelErrorKey(label.key, "color")] = "Use a colour like #e6194b.";

      const problem = hotkeyProblem(label.hotkey);
      const hotkeyKey = labelErrorKey(label.key, "hotkey");
      if (problem) {
        errors[hotkeyKey] = problem;
      } else if (label.hotkey !== "") {
        const folded = label.hotkey.toLowerCase();
        const owner = hotkeys.get(folded);
        if (owner !== undefined) errors[hotkeyKey] = `'${label.hotkey}' is already the hotkey of ${owner}.`;
        else hotkeys.set(folded, `${name || "a control"} › ${labelName || "a label"}`);
      }
    }
  }
  return errors;
}
