/** The dataset page's rules for branch names and its words for the server's refusals. */
import { isApiError } from "../../api/client";
import type { Branch } from "../../api/datasets";

export const MAIN_BRANCH = "main";
/** Snapshot jobs stage on `annolake-job-<id>`; the API refuses these names. */
export const RESERVED_PREFIX = "annolake-job-";
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;

/** Why a branch name would be refused before asking the server, or null when it looks fine. */
export function branchNameProblem(name: string, existing: readonly Branch[]): string | null {
  if (!name) return "Name the branch.";
  if (name.startsWith(RESERVED_PREFIX)) return `${RESERVED_PREFIX}… is reserved for snapshot jobs.`;
  if (!NAME.test(name)) return "Use letters, digits, '_' and '-', starting with a letter or digit.";
  if (existing.some((b) => b.name === name)) return `A branch named “${name}” exists.`;
  return null;
}

/** Only labeling rounds can be deleted: main holds the released history. */
export function canDeleteBranch(name: string): boolean {
  return name !== MAIN_BRANCH && !name.startsWith(RESERVED_PREFIX);
}

/** The server's refusal in words a data lead can act on. */
export function branchErrorText(error: unknown): string {
  if (isApiError(error)) {
    if (error.code === "snapshot_running") return "A snapshot is still being written into this branch; delete it when the snapshot is done.";
    if (error.code === "protected_branch") return "main holds the released history and cannot be deleted.";
    if (error.code === "exists") return "A branch with this name exists.";
    if (error.field === "from") return "There is no branch, tag or commit with that name to start from.";
    return error.message;
  }
  return "Something went wrong. Try again.";
}
