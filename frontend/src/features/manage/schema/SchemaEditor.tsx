import { useEffect, useState } from "react";
import { CONTROL_TYPES_BY_KIND } from "../../../api/manage";
import type { ProjectKind } from "../../../api/projects";
import { FieldMessage, invalidProps } from "../shared/FieldMessage";
import { inputId } from "./fieldErrors";
import { ArrowIcon, IconButton, PlusIcon, TrashIcon } from "./icons";
import { LabelRow } from "./LabelRow";
import {
  CONTROL_TYPE_LABELS,
  SCHEMA_ERROR,
  addControl,
  addLabel,
  controlErrorKey,
  labelErrorKey,
  moveControl,
  moveLabel,
  removeControl,
  removeLabel,
  updateControl,
  updateLabel,
  type ControlDraft,
  type FieldErrors,
  type LabelDraft,
  type SchemaDraft,
} from "./schemaDraft";

interface SchemaEditorProps {
  draft: SchemaDraft;
  kind: ProjectKind;
  onChange: (draft: SchemaDraft, changedKey?: string) => void;
  /** Visible errors, keyed by error key. */
  errors: FieldErrors;
  /** An input lost focus: its errors may show from now on. */
  onTouch: (errorKey: string) => void;
}

/** Add, remove and reorder controls and their labels. */
export function SchemaEditor({ draft, kind, onChange, errors, onTouch }: SchemaEditorProps) {
  // After adding something, move the keyboard focus to its first input.
  const [focusKey, setFocusKey] = useState<string | null>(null);
  useEffect(() => {
    if (focusKey === null) return;
    document.getElementById(inputId(focusKey))?.focus();
    setFocusKey(null);
  }, [focusKey]);

  function handleAddControl() {
    const next = addControl(draft, kind);
    const added = next.controls[next.controls.length - 1];
    onChange(next, SCHEMA_ERROR);
    if (added) setFocusKey(controlErrorKey(added.key, "name"));
  }

  function handleAddLabel(control: ControlDraft) {
    const next = addLabel(draft, control.key);
    const labels = next.controls.find((c) => c.key === control.key)?.labels ?? [];
    const added = labels[labels.length - 1];
    onChange(next, controlErrorKey(control.key, "labels"));
    if (added) setFocusKey(labelErrorKey(added.key, "name"));
  }

  return (
    <div className="mg-schema">
      {errors[SCHEMA_ERROR] ? (
        <p className="mg-field-error" id={inputId(SCHEMA_ERROR)} tabIndex={-1}>
          {errors[SCHEMA_ERROR]}
        </p>
      ) : null}
      <ol className="mg-controls">
        {draft.controls.map((control, index) => (
          <ControlCard
            key={control.key}
            control={control}
            index={index}
            count={draft.controls.length}
            kind={kind}
            errors={errors}
            onTouch={onTouch}
            onUpdate={(patch, changedKey) => onChange(updateControl(draft, control.key, patch), changedKey)}
            onMove={(delta) => onChange(moveControl(draft, control.key, delta))}
            onRemove={() => {
              onChange(removeControl(draft, control.key), SCHEMA_ERROR);
              setFocusKey("add-control");
            }}
            onAddLabel={() => handleAddLabel(control)}
            onLabelChange={(label, patch, changedKey) =>
              onChange(updateLabel(draft, control.key, label.key, patch), changedKey)
            }
            onLabelMove={(label, delta) => onChange(moveLabel(draft, control.key, label.key, delta))}
            onLabelRemove={(label, labelIndex) => {
              onChange(removeLabel(draft, control.key, label.key), controlErrorKey(control.key, "labels"));
              const neighbour = control.labels[labelIndex + 1] ?? control.labels[labelIndex - 1];
              setFocusKey(neighbour ? labelErrorKey(neighbour.key, "name") : `add-label-${control.key}`);
            }}
          />
        ))}
      </ol>
      <button
        type="button"
        id={inputId("add-control")}
        className="button button--secondary button--small"
        onClick={handleAddControl}
      >
        <PlusIcon /> Add control
      </button>
    </div>
  );
}

interface ControlCardProps {
  control: ControlDraft;
  index: number;
  count: number;
  kind: ProjectKind;
  errors: FieldErrors;
  onTouch: (errorKey: string) => void;
  onUpdate: (patch: Partial<Pick<ControlDraft, "name" | "type" | "multiple" | "required">>, changedKey: string) => void;
  onMove: (delta: number) => void;
  onRemove: () => void;
  onAddLabel: () => void;
  onLabelChange: (label: LabelDraft, patch: Partial<Pick<LabelDraft, "name" | "color" | "hotkey">>, changedKey: string) => void;
  onLabelMove: (label: LabelDraft, delta: number) => void;
  onLabelRemove: (label: LabelDraft, index: number) => void;
}

function ControlCard(props: ControlCardProps) {
  const { control, index, count, kind, errors, onTouch, onUpdate } = props;
  const nameKey = controlErrorKey(control.key, "name");
  const typeKey = controlErrorKey(control.key, "type");
  const labelsKey = controlErrorKey(control.key, "labels");
  const generalKey = controlErrorKey(control.key, "general");
  const title = control.name.trim() || `Control ${index + 1}`;

  return (
    <li className="mg-control" aria-label={`Control ${index + 1}: ${title}`}>
      <div className="mg-control__head">
        <span className="mg-control__index" aria-hidden="true">
          {index + 1}
        </span>
        <div className="mg-control__fields">
          <div className="form-field mg-grow">
            <label className="form-field__label" htmlFor={inputId(nameKey)}>
              Control name
            </label>
            <input
              id={inputId(nameKey)}
              className="input mg-mono"
              value={control.name}
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => onUpdate({ name: e.target.value }, nameKey)}
              onBlur={() => onTouch(nameKey)}
              {...invalidProps(nameKey, errors[nameKey])}
            />
            <FieldMessage errorKey={nameKey} message={errors[nameKey]} />
          </div>
          <div className="form-field">
            <label className="form-field__label" htmlFor={inputId(typeKey)}>
              Type
            </label>
            <select
              id={inputId(typeKey)}
              className="input mg-select"
              value={control.type}
              onChange={(e) => onUpdate({ type: e.target.value as ControlDraft["type"] }, typeKey)}
              {...invalidProps(typeKey, errors[typeKey])}
            >
              {CONTROL_TYPES_BY_KIND[kind].map((type) => (
                <option key={type} value={type}>
                  {CONTROL_TYPE_LABELS[type]}
                </option>
              ))}
            </select>
            <FieldMessage errorKey={typeKey} message={errors[typeKey]} />
          </div>
        </div>
        <div className="mg-control__actions">
          <IconButton label={`Move ${title} up`} disabled={index === 0} onClick={() => props.onMove(-1)}>
            <ArrowIcon up />
          </IconButton>
          <IconButton label={`Move ${title} down`} disabled={index === count - 1} onClick={() => props.onMove(1)}>
            <ArrowIcon />
          </IconButton>
          <IconButton label={`Remove ${title}`} onClick={props.onRemove} danger>
            <TrashIcon />
          </IconButton>
        </div>
      </div>
      <div className="mg-control__options">
        {control.type === "class" ? (
          <label className="mg-check">
            <input
              type="checkbox"
              checked={control.multiple}
              onChange={(e) => onUpdate({ multiple: e.target.checked }, controlErrorKey(control.key, "multiple"))}
            />
            Several labels may be picked
          </label>
        ) : null}
        <label className="mg-check">
          <input
            type="checkbox"
            checked={control.required}
            onChange={(e) => onUpdate({ required: e.target.checked }, controlErrorKey(control.key, "required"))}
          />
          Required (every annotation needs {control.type === "class" ? "a choice" : "at least one region"})
        </label>
      </div>
      <FieldMessage errorKey={generalKey} message={errors[generalKey]} />

      <table className="mg-labels">
        <caption className="visually-hidden">Labels of {title}</caption>
        <thead>
          <tr>
            <th scope="col">Label</th>
            <th scope="col" className="mg-labels__color">
              Colour
            </th>
            <th scope="col" className="mg-labels__hotkey">
              Hotkey
            </th>
            <th scope="col" className="mg-labels__actions">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {control.labels.map((label, labelIndex) => (
            <LabelRow
              key={label.key}
              label={label}
              index={labelIndex}
              count={control.labels.length}
              errors={errors}
              onTouch={onTouch}
              onChange={(patch, changedKey) => props.onLabelChange(label, patch, changedKey)}
              onMove={(delta) => props.onLabelMove(label, delta)}
              onRemove={() => props.onLabelRemove(label, labelIndex)}
            />
          ))}
        </tbody>
      </table>
      {errors[labelsKey] ? (
        <p className="mg-field-error" id={inputId(labelsKey)} tabIndex={-1}>
          {errors[labelsKey]}
        </p>
      ) : null}
      <button
        type="button"
        id={inputId(`add-label-${control.key}`)}
        className="button button--ghost button--small mg-add-label"
        onClick={props.onAddLabel}
      >
        <PlusIcon /> Add label
      </button>
    </li>
  );
}
