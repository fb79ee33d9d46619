/** Project members: `/api/projects/{id}/members/`. Managers add, change and remove. */
import { apiFetch, apiFetchPage, type Paginated } from "./client";
import type { ProjectRole } from "./projects";

export interface Member {
  user_id: number;
  username: string;
  role: ProjectRole;
  created_at: string;
}

export const ROLES: readonly ProjectRole[] = ["annotator", "reviewer", "manager"];

const membersPath = (projectId: number) => `/api/projects/${projectId}/members/`;

export function listMembers(projectId: number, page?: number, signal?: AbortSignal): Promise<Paginated<Member>> {
  return apiFetchPage<Member>(membersPath(projectId), page, signal ? { signal } : {});
}

/** Every member (walks all pages; projects have few members). */
export async function listAllMembers(projectId: number, signal?: AbortSignal): Promise<Member[]> {
  const members: Member[] = [];
  for (let page = 1; ; page += 1) {
    const data = await listMembers(projectId, page, signal);
    members.push(...data.results);
    if (data.next === null || data.results.length === 0) return members;
  }
}

/** Add a user by username, or change an existing member's role (the same POST). */
export function setMember(projectId: number, username: string, role: ProjectRole): Promise<Member> {
  return apiFetch<Member>(membersPath(projectId), { method: "POST", body: { username, role } });
}

export async function removeMember(projectId: number, userId: number): Promise<void> {
  await apiFetch<void>(`${membersPath(projectId)}${userId}`, { method: "DELETE" });
}
