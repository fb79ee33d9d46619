/**
 * Undo history as immutable snapshots: documents are small and never mutated, so keeping the
 * previous ones costs only the regions that changed.
 *
 * A drag changes the document on every pointer move; those changes `replace` the present, and
 * at the end `commitFrom(base)` records the whole gesture as one step.
 */

export interface History<T> {
  past: readonly T[];
  present: T;
  future: readonly T[];
}

export const HISTORY_LIMIT = 200;

export function createHistory<T>(present: T): History<T> {
  return { past: [], present, future: [] };
}

/** A new state as one undoable step. */
export function push<T>(history: History<T>, next: T): History<T> {
  if (next === history.present) return history;
  return { past: [...history.past, history.present].slice(-HISTORY_LIMIT), present: next, future: [] };
}

/** Change the present without a step (during a gesture). */
export function replace<T>(history: History<T>, next: T): History<T> {
  return next === history.present ? history : { ...history, present: next };
}

/** End a gesture that started at `base`: one step from `base` to the present. */
export function commitFrom<T>(history: History<T>, base: T): History<T> {
  if (base === history.present) return history;
  return { past: [...history.past, base].slice(-HISTORY_LIMIT), present: history.present, future: [] };
}

export function undo<T>(history: History<T>): History<T> {
  const previous = history.past[history.past.length - 1];
  if (previous === undefined) return history;
  return { past: history.past.slice(0, -1), present: previous, future: [history.present, ...history.future] };
}

export function redo<T>(history: History<T>): History<T> {
  const next = history.future[0];
  if (next === undefined) return history;
  return { past: [...history.past, history.present], present: next, future: history.future.slice(1) };
}

export function canUndo<T>(history: History<T>): boolean {
  return history.past.length > 0;
}

export function canRedo<T>(history: History<T>): boolean {
  return history.future.length > 0;
}
