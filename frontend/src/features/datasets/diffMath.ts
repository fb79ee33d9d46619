/** Pure helpers for the diff view: histogram deltas, summary totals, label changes, colours. */
import type { DiffSummary, Histogram, ItemDocument } from "../../api/datasets";
import type { Result } from "../../api/items";

export interface HistogramRow {
  /** `control:label`, as the dataset card counts it. */
  key: string;
  before: number;
  after: number;
  delta: number;
}

/**
 * Every label of either histogram with before, after and delta (after - before), the biggest
 * changes first, then by name. Unchanged labels are left out unless `withUnchanged`.
 */
export function histogramRows(before: Histogram, after: Histogram, withUnchanged = false): HistogramRow[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const rows: HistogramRow[] = [];
  for (const key of keys) {
    const b = before[key] ?? 0;
    const a = after[key] ?? 0;
    if (a === b && !withUnchanged) continue;
    rows.push({ key, before: b, after: a, delta: a - b });
  }
  return rows.sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || x.key.localeCompare(y.key));
}

/** Items the diff touches (added + removed + changed + conflict). */
export function changedTotal(summary: Pick<DiffSummary, "added" | "removed" | "changed" | "conflict">): number {
  return summary.added + summary.removed + summary.changed + summary.conflict;
}

/** Net change of labels: sum of the deltas. */
export function netLabelDelta(delta: Histogram): number {
  return Object.values(delta).reduce((sum, n) => sum + n, 0);
}

/** "+3", "−2", "0" (with a real minus sign). */
export function signed(n: number): string {
  if (n > 0) return `+${n}`;
  if (n < 0) return `\u2212${Math.abs(n)}`;
  return "0";
}

/** Symmetric domain for a diverging chart: the largest |delta|, at least 1. */
export function deltaExtent(rows: readonly Pick<HistogramRow, "delta">[]): number {
  return Math.max(1, ...rows.map((r) => Math.abs(r.delta)));
}

/** The `control:label` keys of a result, counted like the dataset card does. */
export function labelKeys(result: Result | null | undefined): string[] {
  const keys: string[] = [];
  for (const region of result ?? []) {
    const names = region.labels ?? (region.label !== undefined ? [region.label] : []);
    for (const name of names) keys.push(`${region.control}:${name}`);
  }
  return keys;
}

export interface LabelChange {
  added: string[];
  removed: string[];
}

/** Which label keys an item gained and lost between two versions (multiset difference). */
export function labelChange(before: ItemDocument | null, after: ItemDocument | null): LabelChange {
  const count = (keys: string[]) => keys.reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map<string, number>());
  const b = count(labelKeys(before?.label));
  const a = count(labelKeys(after?.label));
  const added: string[] = [];
  const removed: string[] = [];
  for (const [key, n] of a) for (let i = b.get(key) ?? 0; i < n; i += 1) added.push(key);
  for (const [key, n] of b) for (let i = a.get(key) ?? 0; i < n; i += 1) removed.push(key);
  return { added: added.sort(), removed: removed.sort() };
}

const PALETTE = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#469990", "#9a6324", "#800000"];

/** A stable colour for a label name (datasets may merge projects with different schemas). */
export function labelColor(control: string, label: string | undefined): string {
  if (label === undefined) return "#808080";
  const key = `${control}:${label}`;
  let hash = 0;
  for (let i = 0; i < key.length; i += 1) hash = (hash * 31 + key.charCodeAt(i)) >>> 0;
  return PALETTE[hash % PALETTE.length]!;
}

/** A colour lookup from the source projects' schemas, falling back to `labelColor` for unknown labels. */
export function schemaColors(schemas: readonly { controls: readonly { name: string; labels: readonly { name: string; color: string }[] }[] }[]) {
  const colors = new Map<string, string>();
  for (const schema of schemas) {
    for (const control of schema.controls) {
      for (const label of control.labels) if (!colors.has(`${control.name}:${label.name}`)) colors.set(`${control.name}:${label.name}`, label.color);
    }
  }
  return (control: string, label: string | undefined): string =>
    label === undefined ? labelColor(control, label) : (colors.get(`${control}:${label}`) ?? labelColor(control, label));
}

/** The domain of a delta chart: from 0 when nothing decreased, to 0 when nothing increased, else symmetric. */
export function deltaDomain(rows: readonly Pick<HistogramRow, "delta">[]): [number, number] {
  const extent = deltaExtent(rows);
  const anyDown = rows.some((r) => r.delta < 0);
  const anyUp = rows.some((r) => r.delta > 0);
  if (anyUp && !anyDown) return [0, extent];
  if (anyDown && !anyUp) return [-extent, 0];
  return [-extent, extent];
}

/** Short commit id for display. */
export function shortCommit(commit: string | null | undefined): string {
  return commit ? commit.slice(0, 10) : "—";
}

/** A branch name the server will accept as a ref name (letters, digits, `-`, `_`, `.`, `/`). */
export function branchNameError(name: string): string | null {
  const trimmed = name.trim();
  if (!trimmed) return "Name the branch, e.g. round-1.";
  if (trimmed === "main") return "Snapshots go to a round branch; merge it into main afterwards.";
  if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(trimmed)) return "Use letters, digits, “-”, “_”, “.” or “/”.";
  return null;
}
