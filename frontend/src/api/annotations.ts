/**
 * Annotations after submit: the annotator's history, reopening one for edit, revisions, and
 * the reviewers' queue and verdicts (labeling/api/annotations.py).
 */
import { apiFetch, apiFetchPage, type Paginated } from "./client";
import type { AnnotationOut, Lease, QueueItem, ResultJson } from "./queue";

export type { AnnotationOut } from "./queue";

export interface Revision {
  number: number;
  result: ResultJson;
  lead_time_ms: number;
  author: string | null;
  reason: "submit" | "edit" | "fix" | string;
  created_at: string;
}

export interface ReviewItem {
  item: QueueItem;
  lease: Lease;
  /** The item's pending and accepted annotations (rejected ones are left out). */
  annotations: AnnotationOut[];
}

export type Verdict = "accept" | "reject" | "fix";

export interface ReviewIn {
  verdict: Verdict;
  comment?: string;
  /** The corrected result (verdict "fix"). */
  result?: unknown[];
}

/** `GET /api/projects/{id}/annotations`: an annotator gets only their own, newest first. */
export function listProjectAnnotations(
  projectId: number,
  page?: number,
  options: { status?: AnnotationOut["status"]; signal?: AbortSignal } = {},
): Promise<Paginated<AnnotationOut>> {
  return apiFetchPage<AnnotationOut>(`/api/projects/${projectId}/annotations`, page, {
    ...(options.signal ? { signal: options.signal } : {}),
    params: { status: options.status },
  });
}

/** `GET /api/annotations/{id}` */
export function getAnnotation(annotationId: number, signal?: AbortSignal): Promise<AnnotationOut> {
  return apiFetch<AnnotationOut>(`/api/annotations/${annotationId}`, signal ? { signal } : {});
}

/** `PATCH /api/annotations/{id}`: edit one's own until accepted; resubmits a rejected one. */
export function updateAnnotation(
  annotationId: number,
  body: { result: unknown[]; lead_time_ms?: number },
): Promise<AnnotationOut> {
  return apiFetch<AnnotationOut>(`/api/annotations/${annotationId}`, { method: "PATCH", body });
}

/** `GET /api/annotations/{id}/revisions` (first page: oldest first). */
export function listRevisions(annotationId: number, signal?: AbortSignal): Promise<Paginated<Revision>> {
  return apiFetchPage<Revision>(`/api/annotations/${annotationId}/revisions`, undefined, signal ? { signal } : {});
}

/** `GET /api/items/{id}` */
export function getItem(itemId: number, signal?: AbortSignal): Promise<QueueItem> {
  return apiFetch<QueueItem>(`/api/items/${itemId}`, signal ? { signal } : {});
}

/** `POST /api/projects/{id}/review/next`: the next item to review, or null. */
export async function reviewNext(projectId: number): Promise<ReviewItem | null> {
  const body = await apiFetch<ReviewItem | undefined>(`/api/projects/${projectId}/review/next`, { method: "POST" });
  return body ?? null;
}

/** `POST /api/annotations/{id}/review` */
export function reviewAnnotation(annotationId: number, body: ReviewIn): Promise<AnnotationOut> {
  return apiFetch<AnnotationOut>(`/api/annotations/${annotationId}/review`, { method: "POST", body });
}
