/** The items browser's filters <-> URL search params (so a filtered view can be linked). */
import { ITEM_STATES, type ItemFilters, type ItemState } from "../../../api/items";

export function filtersFromParams(params: URLSearchParams): ItemFilters {
  const filters: ItemFilters = {};
  const state = params.get("state");
  if (state && (ITEM_STATES as readonly string[]).includes(state)) filters.state = state as ItemState;
  const annotator = params.get("annotator");
  if (annotator && /^\d+$/.test(annotator)) filters.annotator = Number(annotator);
  const below = params.get("agreement_below");
  if (below !== null && below !== "" && Number.isFinite(Number(below))) filters.agreementBelow = Number(below);
  const gt = params.get("ground_truth");
  if (gt === "true" || gt === "false") filters.groundTruth = gt === "true";
  return filters;
}

export function pageFromParams(params: URLSearchParams): number {
  const page = Number(params.get("page"));
  return Number.isInteger(page) && page >= 1 ? page : 1;
}

/** New params with `patch` applied; a changed filter goes back to page 1. */
export function withFilters(params: URLSearchParams, patch: Record<string, string | null>): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || value === "") next.delete(key);
    else next.set(key, value);
  }
  if (!("page" in patch)) next.delete("page");
  return next;
}
