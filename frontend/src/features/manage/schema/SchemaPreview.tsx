import type { ProjectKind } from "../../../api/projects";
import { CONTROL_TYPE_LABELS, type ControlDraft, type SchemaDraft } from "./schemaDraft";

const TOOL_HINTS: Record<ControlDraft["type"], string> = {
  class: "",
  bbox: "Pick a label, then drag a box on the image.",
  polygon: "Pick a label, then click the outline's points.",
  keypoint: "Pick a label, then click a point.",
  span: "Pick a label, then select text.",
};

/** What the annotator will see: per control, its label buttons with colours and hotkeys. */
export function SchemaPreview({ draft, kind }: { draft: SchemaDraft; kind: ProjectKind }) {
  return (
    <section className="mg-preview" aria-labelledby="schema-preview-title">
      <div className="mg-preview__head">
        <h3 id="schema-preview-title" className="mg-preview__title">
          Annotator preview
        </h3>
        <span className="muted mg-small">Updates as you edit</span>
      </div>
      <div className={`mg-preview__canvas mg-preview__canvas--${kind}`} aria-hidden="true">
        {kind === "image" ? (
          <svg viewBox="0 0 120 60" className="mg-preview__image">
            <rect width="120" height="60" fill="#e4e7ec" />
            <path d="M0 48 L30 30 L52 42 L78 22 L120 46 V60 H0 Z" fill="#cdd3dc" />
            <circle cx="96" cy="14" r="6" fill="#f2f4f7" />
          </svg>
        ) : (
          <p className="mg-preview__text">
            The new release fixed the <span className="mg-preview__mark">login bug</span> we reported last week.
          </p>
        )}
      </div>
      {draft.controls.length === 0 ? <p className="muted mg-small">No controls yet.</p> : null}
      {draft.controls.map((control, index) => (
        <div key={control.key} className="mg-preview__control">
          <div className="mg-preview__control-head">
            <span className="mg-preview__control-name">{control.name.trim() || `Control ${index + 1}`}</span>
            <span className="badge badge--neutral">{CONTROL_TYPE_LABELS[control.type]}</span>
            {control.type === "class" ? (
              <span className="muted mg-small">{control.multiple ? "pick any" : "pick one"}</span>
            ) : null}
            {control.required ? <span className="mg-required">required</span> : null}
          </div>
          {TOOL_HINTS[control.type] ? <p className="muted mg-small">{TOOL_HINTS[control.type]}</p> : null}
          <div className="mg-preview__labels" role="list">
            {control.labels.map((label, labelIndex) => (
              <span
                key={label.key}
                role="listitem"
                className={`mg-label-chip${control.type === "class" ? " mg-label-chip--class" : ""}`}
                style={{ ["--chip-color" as string]: label.color }}
              >
                <span className="mg-label-chip__swatch" aria-hidden="true" />
                <span className="mg-label-chip__name">{label.name.trim() || `Label ${labelIndex + 1}`}</span>
                {label.hotkey ? (
                  <kbd className="mg-kbd" aria-label={`hotkey ${label.hotkey}`}>
                    {label.hotkey}
                  </kbd>
                ) : null}
              </span>
            ))}
          </div>
        </div>
      ))}
      <p className="muted mg-small mg-preview__foot">
        <kbd className="mg-kbd">Space</kbd> submits · <kbd className="mg-kbd">?</kbd> shows all shortcuts
      </p>
    </section>
  );
}
