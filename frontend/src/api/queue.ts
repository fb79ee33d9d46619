/**
 * The annotator loop: the project as the labeling screens need it, `queue/next`, lease
 * heartbeat and release, submit, skip (labeling/api/queue.py).
 */
import { apiFetch } from "./client";
import type { ProjectKind, ProjectRole } from "./projects";

/** One region of a result as the API sends it (labeling/_result_checks.py). */
export type ResultJson = Record<string, unknown>[];

/** `ProjectOutSerializer`, the fields the labeling screens use. */
export interface LabelingProject {
  id: number;
  name: string;
  instructions: string;
  kind: ProjectKind;
  label_schema: unknown;
  schema_version: number;
  overlap: number;
  lease_seconds: number;
  review_required: boolean;
  role: ProjectRole | null;
}

/** `ItemOutSerializer`. */
export interface QueueItem {
  id: number;
  project: number;
  external_id: string | null;
  text: string;
  media_url: string | null;
  thumbnail_url: string | null;
  width: number | null;
  height: number | null;
  meta: Record<string, unknown>;
  state: "open" | "submitted" | "done";
  annotation_count: number;
  agreement: number | null;
  pre_annotation: ResultJson | null;
}

export interface Lease {
  id: number;
  kind: "annotate" | "review";
  /** ISO 8601. */
  expires_at: string;
}

export interface LeasedItem {
  item: QueueItem;
  lease: Lease;
}

export interface AnnotationIn {
  result: ResultJson | unknown[];
  lead_time_ms: number;
  /** Makes a retried submit safe: the same key answers 200 with the stored annotation. */
  idempotency_key: string;
}

/** `AnnotationOutSerializer`. */
export interface AnnotationOut {
  id: number;
  item: number;
  project: number;
  user: number;
  username: string;
  result: ResultJson;
  lead_time_ms: number;
  status: "pending" | "accepted" | "rejected";
  ground_truth_score: number | null;
  reviewed_by: string | null;
  review_comment: string;
  reviewed_at: string | null;
  created_at: string;
  updated_at: string;
}

/** `GET /api/projects/{id}/` */
export function getLabelingProject(projectId: number, signal?: AbortSignal): Promise<LabelingProject> {
  return apiFetch<LabelingProject>(`/api/projects/${projectId}/`, signal ? { signal } : {});
}

/** `POST /api/projects/{id}/queue/next`: the caller's leased item, or null when nothing is left. */
export async function queueNext(projectId: number): Promise<LeasedItem | null> {
  const body = await apiFetch<LeasedItem | undefined>(`/api/projects/${projectId}/queue/next`, { method: "POST" });
  return body ?? null;
}

/** `POST /api/leases/{id}/heartbeat` */
export function heartbeatLease(leaseId: number): Promise<Lease> {
  return apiFetch<Lease>(`/api/leases/${leaseId}/heartbeat`, { method: "POST" });
}

/** `DELETE /api/leases/{id}`; `keepalive` lets it finish while the page unloads. */
export async function releaseLease(leaseId: number, keepalive = false): Promise<void> {
  await apiFetch<void>(`/api/leases/${leaseId}`, keepalive ? { method: "DELETE", keepalive } : { method: "DELETE" });
}

/** `POST /api/items/{id}/annotations`: 201 created, or 200 when the idempotency key repeats. */
export function submitAnnotation(itemId: number, body: AnnotationIn): Promise<AnnotationOut> {
  return apiFetch<AnnotationOut>(`/api/items/${itemId}/annotations`, { method: "POST", body });
}

/** `POST /api/items/{id}/skip` */
export async function skipItem(itemId: number): Promise<void> {
  await apiFetch<void>(`/api/items/${itemId}/skip`, { method: "POST" });
}
