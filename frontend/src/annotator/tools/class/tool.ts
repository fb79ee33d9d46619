/**
 * Class choice: a hotkey or a button picks a label of a class control. There is no pointer
 * gesture; the one region per class control is created, changed or removed.
 */

import { addRegion, removeRegion, updateRegion } from "../../core/document";
import type { AnnotationDoc, LabelSchema, Region } from "../../core/types";

/**
 * Single choice: the label replaces the current one, and picking the current one again clears
 * the control. Multiple choice: the label is toggled. Labels stay in schema order (the
 * server's canonical order).
 */
export function toggleClassLabel(
  doc: AnnotationDoc,
  schema: LabelSchema,
  control: string,
  label: string,
): AnnotationDoc {
  const spec = schema.controls.find((c) => c.name === control);
  if (!spec || spec.type !== "class" || !spec.labels.some((l) => l.name === label)) return doc;
  const existing = doc.regions.find((r) => r.type === "class" && r.control === control);
  const current = existing?.type === "class" ? existing.labels : [];
  let labels: string[];
  if (current.includes(label)) labels = current.filter((name) => name !== label);
  else labels = spec.multiple ? [...current, label] : [label];
  const order = spec.labels.map((l) => l.name);
  labels.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  if (!existing) return labels.length ? addRegion(doc, { control, type: "class", labels }).doc : doc;
  if (!labels.length) return removeRegion(doc, existing.key);
  return updateRegion(doc, existing.key, (region) => ({ ...region, labels }) as Region);
}

/** The labels picked for a class control (empty when none). */
export function classLabels(doc: AnnotationDoc, control: string): string[] {
  const region = doc.regions.find((r) => r.type === "class" && r.control === control);
  return region?.type === "class" ? region.labels : [];
}
