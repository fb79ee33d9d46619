/** Pure operations on the annotation document; every one returns a new document. */

import type { AnnotationDoc, Region } from "./types";

export type NewRegion = Region extends infer R ? (R extends Region ? Omit<R, "key"> : never) : never;

export function findRegion(doc: AnnotationDoc, key: string | null): Region | undefined {
  return key === null ? undefined : doc.regions.find((region) => region.key === key);
}

/** Add a region at the end (it becomes `result[n]`); returns the document and the new key. */
export function addRegion(doc: AnnotationDoc, region: NewRegion): { doc: AnnotationDoc; key: string } {
  const seq = doc.seq + 1;
  const key = `r${seq}`;
  return { doc: { regions: [...doc.regions, { ...region, key } as Region], seq }, key };
}

/** Replace a region; an edited region loses its `score` (the model's confidence no longer applies). */
export function updateRegion(doc: AnnotationDoc, key: string, change: (region: Region) => Region): AnnotationDoc {
  let changed = false;
  const regions = doc.regions.map((region) => {
    if (region.key !== key) return region;
    const next = change(region);
    if (next === region) return region;
    changed = true;
    const { score: _score, ...rest } = next;
    return rest as Region;
  });
  return changed ? { ...doc, regions } : doc;
}

export function removeRegion(doc: AnnotationDoc, key: string): AnnotationDoc {
  const regions = doc.regions.filter((region) => region.key !== key);
  return regions.length === doc.regions.length ? doc : { ...doc, regions };
}

/** Give a shape or span region another label of its own control. */
export function relabelRegion(doc: AnnotationDoc, key: string, label: string): AnnotationDoc {
  return updateRegion(doc, key, (region) =>
    region.type === "class" || region.label === label ? region : { ...region, label },
  );
}
