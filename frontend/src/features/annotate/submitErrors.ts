/** Turn a refused submit into words next to what caused it. */

import { isApiError } from "../../api/client";
import { regionIndexOfField } from "../../annotator/core/result";
import type { AnnotationDoc, LabelSchema } from "../../annotator/core/types";
import { describeError } from "../../components/describeError";

export interface SubmitProblem {
  /** One sentence for the footer. */
  summary: string;
  /** Messages by region key (shown in the region list and drawn in the error style). */
  regions: Map<string, string>;
  /** The item cannot be submitted any more (taken by someone else, already done). */
  itemGone: boolean;
}

const TYPE_WORDS = { class: "class", bbox: "box", polygon: "polygon", keypoint: "point", span: "span" } as const;

/** `error` came from submitting `doc` (regions are named by their index in that document). */
export function describeSubmitError(error: unknown, doc: AnnotationDoc | null): SubmitProblem {
  const regions = new Map<string, string>();
  if (!isApiError(error)) return { summary: describeError(error), regions, itemGone: false };
  const index = regionIndexOfField(error.field);
  const region = index !== null ? doc?.regions[index] : undefined;
  if (region && error.field) {
    const where = error.field.replace(/^result\[\d+\]\.?/, "");
    const message = where ? `${where}: ${error.message}` : error.message;
    regions.set(region.key, message);
    const name = region.type === "class" ? region.control : region.label;
    return { summary: `${TYPE_WORDS[region.type]} ${index! + 1} (${name}): ${message}`, regions, itemGone: false };
  }
  const itemGone = error.code === "item_full" || error.code === "already_annotated" || error.status === 404;
  if (error.status === 0) {
    return { summary: `${error.message} Nothing is lost: press Submit again to retry.`, regions, itemGone };
  }
  return { summary: error.message, regions, itemGone };
}

/** Required controls the document has no region of (the server would refuse the submit). */
export function missingRequired(doc: AnnotationDoc, schema: LabelSchema): string[] {
  return schema.controls
    .filter((control) => control.required && !doc.regions.some((region) => region.control === control.name))
    .map((control) => control.name);
}
