import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import { EditorStore } from "../../annotator/editor/store";
import type { EditorOptions, EditorState } from "../../annotator/editor/state";

/** One editor store for the component's lifetime, and its state. */
export function useEditor(options: () => EditorOptions): { store: EditorStore; state: EditorState } {
  const [store] = useState(() => new EditorStore(options()));
  const state = useSyncExternalStore(store.subscribe, store.getState);
  return { store, state };
}

/** Elements whose own keyboard handling must win over the labeling hotkeys. */
function typingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

function activatable(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && ["BUTTON", "A", "SUMMARY"].includes(target.tagName);
}

export interface HotkeyOptions {
  store: EditorStore | null;
  /** Screen keys tried first (submit, help, accept …); return true when used. */
  onKey?: (event: KeyboardEvent) => boolean;
  /** False while a dialog is open: only the dialog handles keys. */
  enabled?: boolean;
}

/**
 * The labeling keyboard, on the whole window so it works wherever focus is: the screen's keys,
 * then the editor's (label hotkeys, undo, delete …). Text fields keep their keys; a focused
 * button keeps Enter and Space.
 */
export function useLabelingKeys({ store, onKey, enabled = true }: HotkeyOptions): void {
  const latest = useRef({ store, onKey, enabled });
  latest.current = { store, onKey, enabled };

  useEffect(() => {
    const down = (event: KeyboardEvent) => {
      const { store: editor, onKey: screen, enabled: on } = latest.current;
      if (!on || event.defaultPrevented || event.isComposing) return;
      if (typingTarget(event.target)) return;
      if (screen?.(event)) {
        event.preventDefault();
        return;
      }
      if (!editor) return;
      if (activatable(event.target) && (event.key === "Enter" || event.key === " ")) return;
      const used = editor.key({
        key: event.key,
        ctrl: event.ctrlKey,
        meta: event.metaKey,
        shift: event.shiftKey,
        alt: event.altKey,
      });
      if (used) event.preventDefault();
    };
    const up = (event: KeyboardEvent) => latest.current.store?.keyUp(event.key);
    const blur = () => latest.current.store?.keyUp(" ");
    window.addEventListener("keydown", down);
    window.addEventListener("keyup", up);
    window.addEventListener("blur", blur);
    return () => {
      window.removeEventListener("keydown", down);
      window.removeEventListener("keyup", up);
      window.removeEventListener("blur", blur);
    };
  }, []);
}
