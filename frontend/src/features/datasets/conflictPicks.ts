/** The lead's picks on a conflicting merge: one side per conflicting item. Plain state, no React. */
import type { ConflictRow, ResolveInput, Side } from "../../api/datasets";

export type Picks = Readonly<Record<string, Side>>;

export type PickAction =
  | { type: "pick"; path: string; side: Side }
  | { type: "all"; paths: readonly string[]; side: Side }
  | { type: "clear" };

export function picksReducer(picks: Picks, action: PickAction): Picks {
  switch (action.type) {
    case "pick":
      return { ...picks, [action.path]: action.side };
    case "all": {
      const next: Record<string, Side> = {};
      for (const path of action.paths) next[path] = action.side;
      return next;
    }
    case "clear":
      return {};
  }
}

/** Conflicting items without a pick yet. */
export function unpicked(conflicts: readonly Pick<ConflictRow, "path">[], picks: Picks): string[] {
  return conflicts.map((c) => c.path).filter((path) => !picks[path]);
}

/** How many items take each side. */
export function pickCounts(conflicts: readonly Pick<ConflictRow, "path">[], picks: Picks): Record<Side, number> {
  const counts = { source: 0, target: 0 };
  for (const c of conflicts) {
    const side = picks[c.path];
    if (side) counts[side] += 1;
  }
  return counts;
}

/**
 * The body of `POST .../resolve`, or null while an item has no pick. One side for all becomes
 * `{choice}` (which also covers items beyond the ones shown); a mix sends every pick as `items`.
 */
export function resolvePayload(
  conflicts: readonly Pick<ConflictRow, "path">[],
  picks: Picks,
): ResolveInput | null {
  if (conflicts.length === 0 || unpicked(conflicts, picks).length > 0) return null;
  const counts = pickCounts(conflicts, picks);
  const sides = (Object.keys(counts) as Side[]).filter((side) => counts[side] > 0);
  if (sides.length === 1) return { choice: sides[0]! };
  const items: Record<string, Side> = {};
  for (const c of conflicts) items[c.path] = picks[c.path]!;
  return { items };
}
