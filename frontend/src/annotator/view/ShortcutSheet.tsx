import type { Hotkey } from "../core/schema";
import type { ItemKind } from "../core/types";
import { Dialog } from "./Dialog";
import styles from "./annotator.module.css";

export interface Shortcut {
  keys: string;
  what: string;
}

const IMAGE_KEYS: Shortcut[] = [
  { keys: "Label key", what: "Pick the label to draw with; relabel the selected shape; toggle a class" },
  { keys: "Drag", what: "Draw a box with the current label" },
  { keys: "Click", what: "Polygon: add a point (click the first point or Enter to close); select a shape" },
  { keys: "Shift + Click", what: "Start a polygon or point on top of another shape" },
  { keys: "Drag a handle", what: "Resize the selected box / move a vertex" },
  { keys: "← ↑ → ↓", what: "Nudge the selected shape (Shift: 10 px)" },
  { keys: "Del / Backspace", what: "Delete the selected shape (while drawing a polygon: its last point)" },
  { keys: "Esc", what: "Cancel drawing / deselect" },
  { keys: "Wheel", what: "Zoom around the pointer" },
  { keys: "Space + Drag", what: "Pan (or drag with the middle button)" },
  { keys: "F", what: "Fit the image to the screen" },
  { keys: "+ / −", what: "Zoom in / out" },
];

const TEXT_KEYS: Shortcut[] = [
  { keys: "Drag", what: "Select text" },
  { keys: "Shift + ← →", what: "Extend the selection by a character (Ctrl: by a word)" },
  { keys: "← → / Home / End", what: "Move the caret" },
  { keys: "Label key", what: "Make the selection a span with that label; relabel the selected span; toggle a class" },
  { keys: "Click a span", what: "Select it (then a label key relabels it, Del deletes it)" },
  { keys: "Esc", what: "Clear the selection" },
];

const COMMON_KEYS: Shortcut[] = [
  { keys: "Ctrl/⌘ + Z", what: "Undo" },
  { keys: "Ctrl/⌘ + Shift + Z, Ctrl + Y", what: "Redo" },
  { keys: "?", what: "This list" },
];

interface ShortcutSheetProps {
  kind: ItemKind;
  hotkeys: readonly Hotkey[];
  /** Screen-specific keys (submit, skip, accept …), listed first. */
  screenKeys: Shortcut[];
  onClose: () => void;
}

export function ShortcutSheet({ kind, hotkeys, screenKeys, onClose }: ShortcutSheetProps) {
  const rows = [...screenKeys, ...(kind === "image" ? IMAGE_KEYS : TEXT_KEYS), ...COMMON_KEYS];
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose}>
      <div className={styles.shortcutColumns}>
        <table className={styles.shortcuts}>
          <caption>Labels</caption>
          <tbody>
            {hotkeys.map((hotkey) => (
              <tr key={`${hotkey.control}:${hotkey.label}`}>
                <td>
                  <kbd className={styles.kbd}>{hotkey.key}</kbd>
                </td>
                <td>
                  {hotkey.label} <span className={styles.muted}>({hotkey.control})</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <table className={styles.shortcuts}>
          <caption>Keys</caption>
          <tbody>
            {rows.map((row) => (
              <tr key={row.keys + row.what}>
                <td>
                  <kbd className={styles.kbd}>{row.keys}</kbd>
                </td>
                <td>{row.what}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Dialog>
  );
}
