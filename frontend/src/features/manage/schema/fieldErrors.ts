/**
 * Put the API's validation errors next to the input that caused them.
 *
 * The server names the offending field as a path, e.g. `overlap`,
 * `label_schema.controls[1].labels[0].color` or `mapping.objects:car`. `errorKeyForField`
 * turns a path into the editor's error key, resolving indexes against the draft that was
 * sent, so the message stays on the right control even if the manager reorders afterwards.
 */
import { SCHEMA_ERROR, controlErrorKey, labelErrorKey, type SchemaDraft } from "./schemaDraft";

/** Top-level settings the API may name as `field`. */
export const SETTINGS_FIELDS = [
  "name",
  "description",
  "instructions",
  "kind",
  "overlap",
  "lease_seconds",
  "order",
  "review_required",
  "agreement_threshold",
] as const;

const CONTROL_PATH = /^label_schema\.controls\[(\d+)\](?:\.([A-Za-z_]+)(?:\[(\d+)\](?:\.([A-Za-z_]+))?)?)?/;
const CONTROL_FIELDS = new Set(["name", "type", "multiple", "required", "labels"]);
const LABEL_FIELDS = new Set(["name", "color", "hotkey"]);

export const mappingErrorKey = (ref: string) => `mapping:${ref}`;

/**
 * The error key for an API `field` path, or null when no input matches (the message then
 * goes to the top of the form).
 */
export function errorKeyForField(field: string | null, sent: SchemaDraft): string | null {
  if (!field) return null;
  if ((SETTINGS_FIELDS as readonly string[]).includes(field)) return field;
  if (field === "label_schema" || field === "label_schema.controls") return SCHEMA_ERROR;
  if (field.startsWith("mapping.")) return mappingErrorKey(field.slice("mapping.".length));
  if (field.startsWith("label_mapping")) return SCHEMA_ERROR;

  const match = CONTROL_PATH.exec(field);
  if (!match) return field.startsWith("label_schema") ? SCHEMA_ERROR : null;
  const control = sent.controls[Number(match[1])];
  if (!control) return SCHEMA_ERROR;
  const [, , sub, labelIndex, labelField] = match;
  if (sub === undefined) return controlErrorKey(control.key, "general");
  if (sub === "labels" && labelIndex !== undefined) {
    const label = control.labels[Number(labelIndex)];
    if (!label) return controlErrorKey(control.key, "labels");
    return labelErrorKey(label.key, labelField && LABEL_FIELDS.has(labelField) ? labelField : "name");
  }
  return controlErrorKey(control.key, CONTROL_FIELDS.has(sub) ? sub : "general");
}

/** A DOM id for the input that shows `errorKey` (ids must be unique and CSS-safe). */
export function inputId(errorKey: string): string {
  return `pf-${errorKey.replace(/[^A-Za-z0-9_-]/g, (ch) => `_${ch.codePointAt(0)?.toString(16) ?? "0"}`)}`;
}

/** The id of the message element for `errorKey` (referenced by `aria-describedby`). */
export function errorId(errorKey: string): string {
  return `${inputId(errorKey)}-error`;
}

/** Focus (and scroll to) the input showing `errorKey`, if it is on the page. */
export function focusErrorInput(errorKey: string): void {
  const element = document.getElementById(inputId(errorKey));
  if (element instanceof HTMLElement) {
    element.focus({ preventScroll: true });
    element.scrollIntoView?.({ block: "center", behavior: "smooth" });
  }
}
