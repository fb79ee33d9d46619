/**
 * Project settings and label schemas, for managers: `GET|PATCH /api/projects/{id}/`
 * and `POST /api/projects/`. The schema format is `labeling/schemas.py`.
 */
import { apiFetch } from "./client";
import type { ProjectKind, ProjectRole } from "./projects";

export type ControlType = "class" | "bbox" | "polygon" | "keypoint" | "span";
export type ProjectOrder = "sequential" | "random" | "priority";

/** Control types allowed per project kind (`CONTROL_TYPES_BY_KIND`). */
export const CONTROL_TYPES_BY_KIND: Record<ProjectKind, readonly ControlType[]> = {
  image: ["class", "bbox", "polygon", "keypoint"],
  text: ["class", "span"],
};

/** Hotkeys bound by the annotation UI (`RESERVED_HOTKEYS`): `?` shows help, space submits. */
export const RESERVED_HOTKEYS: ReadonlySet<string> = new Set(["?", " "]);
export const MAX_CONTROLS = 64;
export const MAX_LABELS = 200;
export const MAX_LABEL_NAME = 100;
export const CONTROL_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const COLOR_PATTERN = /^#[0-9A-Fa-f]{6}$/;

/** The server's default palette: a label without a colour gets one by its position. */
export const DEFAULT_COLORS: readonly string[] = [
  "#e6194b", "#3cb44b", "#ffe119", "#4363d8", "#f58231", "#911eb4", "#46f0f0",
  "#f032e6", "#bcf60c", "#fabebe", "#008080", "#e6beff", "#9a6324", "#fffac8",
  "#800000", "#aaffc3", "#808000", "#ffd8b1", "#000075", "#808080",
];

export interface SchemaLabel {
  name: string;
  color: string;
  hotkey: string | null;
}

export interface SchemaControl {
  name: string;
  type: ControlType;
  /** Class controls only: several labels in one region. */
  multiple?: boolean;
  required?: boolean;
  labels: SchemaLabel[];
}

export interface LabelSchema {
  controls: SchemaControl[];
}

/** `ProjectOutSerializer`: the full project as a manager sees it. */
export interface ProjectDetail {
  id: number;
  name: string;
  description: string;
  instructions: string;
  kind: ProjectKind;
  label_schema: LabelSchema;
  schema_version: number;
  overlap: number;
  lease_seconds: number;
  order: ProjectOrder;
  review_required: boolean;
  agreement_threshold: number | null;
  role: ProjectRole | null;
  item_count: number;
  created_at: string;
  updated_at: string;
}

export interface ProjectSettings {
  name: string;
  description: string;
  instructions: string;
  overlap: number;
  lease_seconds: number;
  order: ProjectOrder;
  review_required: boolean;
  agreement_threshold: number | null;
}

export interface ProjectCreateInput extends ProjectSettings {
  kind: ProjectKind;
  label_schema: LabelSchema;
}

export interface ProjectUpdateInput extends Partial<ProjectSettings> {
  label_schema?: LabelSchema;
  /** Where removed labels in use go: `{"control:label": "control:label" | null}` (null deletes). */
  label_mapping?: Record<string, string | null>;
}

const projectPath = (id: number) => `/api/projects/${id}/`;

export function getProject(id: number, signal?: AbortSignal): Promise<ProjectDetail> {
  return apiFetch<ProjectDetail>(projectPath(id), signal ? { signal } : {});
}

/**
 * Create a project; the caller becomes its manager.
 *
 * The create endpoint currently fails (HTTP 500) when `agreement_threshold` is sent
 * (`project_create` does not accept it), so a threshold is set by a follow-up PATCH.
 */
export async function createProject(input: ProjectCreateInput): Promise<ProjectDetail> {
  const { agreement_threshold, ...rest } = input;
  const created = await apiFetch<ProjectDetail>("/api/projects/", { method: "POST", body: rest });
  if (agreement_threshold === null || agreement_threshold === undefined) return created;
  return updateProject(created.id, { agreement_threshold });
}

export function updateProject(id: number, input: ProjectUpdateInput): Promise<ProjectDetail> {
  return apiFetch<ProjectDetail>(projectPath(id), { method: "PATCH", body: input });
}

/** `details.orphaned` of a `schema_orphans` error: the `"control:label"` refs in use that a schema edit removes. */
export function orphanedLabels(details: unknown): string[] {
  if (typeof details !== "object" || details === null) return [];
  const orphaned = (details as { orphaned?: unknown }).orphaned;
  return Array.isArray(orphaned) ? orphaned.filter((ref): ref is string => typeof ref === "string") : [];
}

/** Split a `"control:label"` reference at the first colon (control names have none). */
export function splitLabelRef(ref: string): { control: string; label: string } | null {
  const at = ref.indexOf(":");
  if (at <= 0) return null;
  return { control: ref.slice(0, at), label: ref.slice(at + 1) };
}
