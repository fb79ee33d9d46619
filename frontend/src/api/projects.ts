import { apiFetchPage, type Paginated } from "./client";

export type ProjectKind = "image" | "text";
export type ProjectRole = "annotator" | "reviewer" | "manager";

export interface Project {
  id: number;
  name: string;
  description: string;
  kind: ProjectKind;
  /** The current user's role in the project; null e.g. for staff without a membership. */
  role: ProjectRole | null;
  item_count: number;
  /** ISO 8601 timestamp. */
  created_at: string;
}

/** `GET /api/projects/?page=N` — the projects visible to the current user. */
export function listProjects(page?: number, signal?: AbortSignal): Promise<Paginated<Project>> {
  return apiFetchPage<Project>("/api/projects/", page, signal ? { signal } : {});
}
