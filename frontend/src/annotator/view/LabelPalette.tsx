import type { CSSProperties } from "react";
import type { Hotkey } from "../core/schema";
import type { LabelRef, LabelSchema, SchemaControl } from "../core/types";
import styles from "./annotator.module.css";

interface LabelPaletteProps {
  schema: LabelSchema;
  hotkeys: readonly Hotkey[];
  /** The label new shapes get. */
  active: LabelRef | null;
  /** Labels picked in class controls, by control. */
  classChoice: (control: string) => string[];
  /** Only these control types (e.g. the drawing ones in the toolbar, "class" in the side panel). */
  types: readonly SchemaControl["type"][];
  disabled?: boolean;
  onPick: (ref: LabelRef) => void;
}

const TYPE_HINT: Record<SchemaControl["type"], string> = {
  class: "choose",
  bbox: "draw boxes",
  polygon: "click points",
  keypoint: "click points",
  span: "select text",
};

/** Label buttons with their hotkeys; pressed = the label to draw with, or the picked class. */
export function LabelPalette({ schema, hotkeys, active, classChoice, types, disabled, onPick }: LabelPaletteProps) {
  const controls = schema.controls.filter((control) => types.includes(control.type));
  return (
    <div className={styles.palette}>
      {controls.map((control) => {
        const chosen = control.type === "class" ? classChoice(control.name) : [];
        return (
          <fieldset key={control.name} className={styles.paletteGroup}>
            <legend className={styles.paletteLegend}>
              {control.name}
              <span className={styles.paletteHint}>
                {" "}
                · {TYPE_HINT[control.type]}
                {control.type === "class" && control.multiple ? " (several)" : ""}
                {control.required ? " · required" : ""}
              </span>
            </legend>
            <div className={styles.paletteLabels}>
              {control.labels.map((label) => {
                const key = hotkeys.find((h) => h.control === control.name && h.label === label.name)?.key;
                const pressed =
                  control.type === "class"
                    ? chosen.includes(label.name)
                    : active?.control === control.name && active.label === label.name;
                return (
                  <button
                    key={label.name}
                    type="button"
                    className={styles.chip}
                    aria-pressed={pressed}
                    disabled={disabled}
                    onClick={() => onPick({ control: control.name, label: label.name })}
                    title={key ? `${label.name} (${key})` : label.name}
                    style={{ "--chip-color": label.color } as CSSProperties}
                  >
                    <span className={styles.swatch} style={{ background: label.color }} aria-hidden="true" />
                    {label.name}
                    {key ? <kbd className={styles.kbd}>{key}</kbd> : null}
                  </button>
                );
              })}
            </div>
          </fieldset>
        );
      })}
    </div>
  );
}
