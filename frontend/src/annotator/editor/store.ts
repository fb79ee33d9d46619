/** A small external store around the editor reducer, for `useSyncExternalStore`. */

import type { Region } from "../core/types";
import { editorKey, editorKeyUp, type KeyInput } from "./keys";
import { editorReduce, type EditorEvent } from "./reduce";
import { createEditorState, type EditorOptions, type EditorState } from "./state";

export class EditorStore {
  private state: EditorState;
  private readonly listeners = new Set<() => void>();

  constructor(options: EditorOptions) {
    this.state = createEditorState(options);
  }

  readonly getState = (): EditorState => this.state;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  private set(next: EditorState): void {
    if (next === this.state) return;
    this.state = next;
    for (const listener of [...this.listeners]) listener();
  }

  readonly dispatch = (event: EditorEvent): void => {
    this.set(editorReduce(this.state, event));
  };

  /** Returns true when the editor used the key. */
  readonly key = (input: KeyInput): boolean => {
    const { state, handled } = editorKey(this.state, input);
    this.set(state);
    return handled;
  };

  readonly keyUp = (key: string): void => {
    this.set(editorKeyUp(this.state, key));
  };

  get regions(): readonly Region[] {
    return this.state.history.present.regions;
  }
}
