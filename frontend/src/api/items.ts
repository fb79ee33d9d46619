/**
 * The items browser: `GET /api/projects/{id}/items` (filters), `GET|PATCH /api/items/{id}`
 * (ground truth), an item's annotations and their revisions.
 */
import { apiFetch, apiFetchPage, type Paginated, type QueryParams } from "./client";

export type ItemState = "open" | "submitted" | "done";
export const ITEM_STATES: readonly ItemState[] = ["open", "submitted", "done"];

/** One region of an annotation result (`labeling/_result_checks.py`); fields by `type`. */
export interface Region {
  control: string;
  type: string;
  id?: string;
  score?: number;
  labels?: string[];
  label?: string;
  bbox?: { x: number; y: number; w: number; h: number };
  points?: [number, number][];
  point?: { x: number; y: number };
  visible?: boolean;
  start?: number;
  end?: number;
  text?: string;
}

export type Result = Region[];

export interface Item {
  id: number;
  project: number;
  external_id: string | null;
  text: string;
  media_url: string | null;
  thumbnail_url: string | null;
  width: number | null;
  height: number | null;
  meta: Record<string, unknown>;
  priority: number;
  state: ItemState;
  annotation_count: number;
  agreement: number | null;
  pre_annotation: Result | null;
  /** Only in managers' view of one item. */
  ground_truth?: Result | null;
}

export type AnnotationStatus = "pending" | "accepted" | "rejected";

export interface Annotation {
  id: number;
  item: number;
  project: number;
  user: number;
  username: string;
  result: Result;
  lead_time_ms: number;
  status: AnnotationStatus;
  ground_truth_score: number | null;
  reviewed_by: string | null;
  review_comment: string;
  reviewed_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface Revision {
  number: number;
  result: Result;
  lead_time_ms: number;
  author: string | null;
  reason: string;
  created_at: string;
}

export interface ItemFilters {
  state?: ItemState | undefined;
  annotator?: number | undefined;
  /** Items whose agreement is below this (0..1). */
  agreementBelow?: number | undefined;
  /** true: only ground-truth items; false: only the others. */
  groundTruth?: boolean | undefined;
}

export function itemFilterParams(filters: ItemFilters): QueryParams {
  return {
    state: filters.state,
    annotator: filters.annotator,
    agreement_below: filters.agreementBelow,
    ground_truth: filters.groundTruth === undefined ? undefined : String(filters.groundTruth),
  };
}

export function listItems(
  projectId: number,
  filters: ItemFilters,
  page?: number,
  options: { signal?: AbortSignal; pageSize?: number } = {},
): Promise<Paginated<Item>> {
  const params: QueryParams = { ...itemFilterParams(filters), page_size: options.pageSize };
  return apiFetchPage<Item>(`/api/projects/${projectId}/items`, page, {
    params,
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

export function getItem(itemId: number, signal?: AbortSignal): Promise<Item> {
  return apiFetch<Item>(`/api/items/${itemId}`, signal ? { signal } : {});
}

/** Mark the item as ground truth with this result, or unmark it with null. */
export function setGroundTruth(itemId: number, groundTruth: Result | null): Promise<Item> {
  return apiFetch<Item>(`/api/items/${itemId}`, { method: "PATCH", body: { ground_truth: groundTruth } });
}

/** Walk every page of a list endpoint (an item has few annotations, an annotation few revisions). */
async function allPages<T>(path: string, params: QueryParams, signal?: AbortSignal): Promise<T[]> {
  const out: T[] = [];
  for (let page = 1; ; page += 1) {
    const data = await apiFetchPage<T>(path, page, { params, ...(signal ? { signal } : {}) });
    out.push(...data.results);
    if (data.next === null || data.results.length === 0) return out;
  }
}

/** All annotations of one item, newest first. */
export function listItemAnnotations(projectId: number, itemId: number, signal?: AbortSignal): Promise<Annotation[]> {
  return allPages<Annotation>(`/api/projects/${projectId}/annotations`, { item: itemId }, signal);
}

/** An annotation's revisions, oldest first. */
export function listRevisions(annotationId: number, signal?: AbortSignal): Promise<Revision[]> {
  return allPages<Revision>(`/api/annotations/${annotationId}/revisions`, {}, signal);
}
