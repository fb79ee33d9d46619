/**
 * Versioned datasets (`datasets/api/views.py`, `datasets/api/history.py`): datasets, branches,
 * snapshots (a background job), diffs of two refs, merges with their conflicts, versions.
 */
import { apiFetch, apiFetchPage, isApiError, withQuery, type Paginated } from "./client";
import type { Job } from "./jobs";
import type { Result } from "./items";

export interface Dataset {
  slug: string;
  name: string;
  description: string;
  projects: number[];
  split_ratios: unknown;
  created_at: string;
}

export interface DatasetInput {
  slug: string;
  name: string;
  description?: string;
  projects: number[];
}

export interface Branch {
  name: string;
  commit: string;
}

/** One item object of a dataset commit (`datasets/layout.py` `item_document`). */
export interface ItemDocument {
  id: number;
  project: number;
  external_id: string | null;
  kind: string;
  text: string | null;
  media: { path: string; sha256: string; width: number | null; height: number | null } | null;
  label: Result | null;
  annotations: { annotator: string; status: string; result: Result }[];
  state: string;
  agreement: number | null;
  meta: Record<string, unknown>;
}

export type Histogram = Record<string, number>;

export interface DiffSummary {
  added: number;
  removed: number;
  changed: number;
  conflict: number;
  histogram_before: Histogram;
  histogram_after: Histogram;
  histogram_delta: Histogram;
}

export type ChangeKind = "added" | "removed" | "changed" | "conflict";

export interface DiffRow {
  path: string;
  kind: ChangeKind;
  project: number | null;
  item: number | null;
  before: ItemDocument | null;
  after: ItemDocument | null;
}

export interface Diff {
  base: string;
  head: string;
  summary: DiffSummary | null;
  page: number;
  has_more: boolean;
  items: DiffRow[];
}

export interface SnapshotInput {
  branch: string;
  from?: string;
  message?: string;
  projects?: number[];
  include: "accepted" | "completed";
}

export interface SnapshotResult {
  changed: boolean;
  commit: string | null;
  items: number;
  labelled: number;
  uploaded: number;
  deleted: number;
}

export interface Merge {
  id: number;
  source: string;
  target: string;
  message: string;
  status: "merged" | "conflict";
  commit: string;
  conflicts: number;
  created_at: string;
}

export interface ConflictRow {
  path: string;
  project: number;
  item: number;
  base: ItemDocument | null;
  source: ItemDocument | null;
  target: ItemDocument | null;
}

export interface MergeConflict {
  merge: number;
  count: number;
  conflicts: ConflictRow[];
  message: string;
}

export type Side = "source" | "target";

export interface ResolveInput {
  choice?: Side;
  items?: Record<string, Side>;
}

export interface Version {
  name: string;
  commit: string;
  notes: string;
  counts: { items?: number; labelled?: number } & Record<string, unknown>;
  label_histogram: Histogram;
  created_at: string;
}

const base = (slug: string) => `/api/datasets/${encodeURIComponent(slug)}`;

export function listDatasets(page?: number, signal?: AbortSignal): Promise<Paginated<Dataset>> {
  return apiFetchPage<Dataset>("/api/datasets/", page, signal ? { signal } : {});
}

export function createDataset(input: DatasetInput): Promise<Dataset> {
  return apiFetch<Dataset>("/api/datasets/", { method: "POST", body: input });
}

export function getDataset(slug: string, signal?: AbortSignal): Promise<Dataset> {
  return apiFetch<Dataset>(`${base(slug)}/`, signal ? { signal } : {});
}

export function listBranches(slug: string, signal?: AbortSignal): Promise<Branch[]> {
  return apiFetch<Branch[]>(`${base(slug)}/branches`, signal ? { signal } : {});
}

export function createBranch(slug: string, input: { name: string; from: string }): Promise<Branch> {
  return apiFetch<Branch>(`${base(slug)}/branches`, { method: "POST", body: { name: input.name, from: input.from } });
}

export async function deleteBranch(slug: string, name: string): Promise<void> {
  await apiFetch<void>(`${base(slug)}/branches/${encodeURIComponent(name)}`, { method: "DELETE" });
}

export async function startSnapshot(slug: string, input: SnapshotInput): Promise<Job> {
  const body: Record<string, unknown> = { branch: input.branch, include: input.include };
  if (input.from) body.from = input.from;
  if (input.message) body.message = input.message;
  if (input.projects && input.projects.length) body.projects = input.projects;
  const answer = await apiFetch<{ job: Job }>(`${base(slug)}/snapshots`, { method: "POST", body });
  return answer.job;
}

function num(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

/** A succeeded snapshot job's `result`, tolerant of missing fields. */
export function parseSnapshotResult(result: unknown): SnapshotResult {
  const r = (typeof result === "object" && result !== null ? result : {}) as Record<string, unknown>;
  return {
    changed: r.changed === true,
    commit: typeof r.commit === "string" && r.commit ? r.commit : null,
    items: num(r.items),
    labelled: num(r.labelled),
    uploaded: num(r.uploaded),
    deleted: num(r.deleted),
  };
}

export interface DiffQuery {
  base?: string;
  head: string;
  page?: number;
  pageSize?: number;
  summary?: boolean;
}

export function getDiff(slug: string, query: DiffQuery, signal?: AbortSignal): Promise<Diff> {
  const url = withQuery(`${base(slug)}/diff`, {
    base: query.base ?? "main",
    head: query.head,
    page: query.page,
    page_size: query.pageSize,
    summary: query.summary === false ? "false" : undefined,
  });
  return apiFetch<Diff>(url, signal ? { signal } : {});
}

export function listMerges(slug: string, signal?: AbortSignal): Promise<Paginated<Merge>> {
  return apiFetchPage<Merge>(`${base(slug)}/merges`, undefined, signal ? { signal } : {});
}

/** `POST .../merges`. A conflict rejects with an ApiError (409, code `merge_conflict`): see `mergeConflictOf`. */
export function createMerge(slug: string, input: { source: string; target?: string; message?: string }): Promise<Merge> {
  return apiFetch<Merge>(`${base(slug)}/merges`, {
    method: "POST",
    body: { source: input.source, target: input.target ?? "main", message: input.message ?? "" },
  });
}

/** The conflicts carried by a 409 `merge_conflict` error; null for any other error. */
export function mergeConflictOf(error: unknown): MergeConflict | null {
  if (!isApiError(error) || error.status !== 409 || error.code !== "merge_conflict") return null;
  const details = (typeof error.details === "object" && error.details !== null ? error.details : {}) as Record<string, unknown>;
  if (typeof details.merge !== "number") return null;
  const conflicts = Array.isArray(details.conflicts) ? (details.conflicts as ConflictRow[]) : [];
  return { merge: details.merge, count: num(details.count) || conflicts.length, conflicts, message: error.message };
}

export function resolveMerge(slug: string, mergeId: number, input: ResolveInput): Promise<Merge> {
  return apiFetch<Merge>(`${base(slug)}/merges/${mergeId}/resolve`, { method: "POST", body: input });
}

export function listVersions(slug: string, signal?: AbortSignal): Promise<Paginated<Version>> {
  return apiFetchPage<Version>(`${base(slug)}/versions`, undefined, signal ? { signal } : {});
}

export function releaseVersion(slug: string, input: { notes: string; ref?: string }): Promise<Version> {
  return apiFetch<Version>(`${base(slug)}/versions`, { method: "POST", body: input });
}
