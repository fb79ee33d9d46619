/** Where labels removed by a schema edit may go (`check_schema_change` in labeling/schemas.py). */
import { splitLabelRef, type LabelSchema } from "../../../api/manage";

export interface MappingTarget {
  /** `"control:label"`. */
  ref: string;
  text: string;
}

/**
 * The labels of `newSchema` an orphan `ref` may be mapped to: those of controls with the
 * same type as the orphan's control had in `oldSchema`.
 */
export function mappingTargets(ref: string, oldSchema: LabelSchema, newSchema: LabelSchema): MappingTarget[] {
  const parts = splitLabelRef(ref);
  const oldControl = parts ? oldSchema.controls.find((c) => c.name === parts.control) : undefined;
  if (!oldControl) return [];
  return newSchema.controls
    .filter((control) => control.type === oldControl.type)
    .flatMap((control) =>
      control.labels.map((label) => ({
        ref: `${control.name}:${label.name}`,
        text: control.name === oldControl.name ? label.name : `${control.name} › ${label.name}`,
      })),
    );
}

/** The `label_mapping` the API takes from the choices (`delete` marker -> null). */
export function buildLabelMapping(
  orphaned: readonly string[],
  choices: Record<string, string>,
  deleteMarker: string,
): Record<string, string | null> {
  const mapping: Record<string, string | null> = {};
  for (const ref of orphaned) {
    const choice = choices[ref];
    if (!choice) continue;
    mapping[ref] = choice === deleteMarker ? null : choice;
  }
  return mapping;
}
