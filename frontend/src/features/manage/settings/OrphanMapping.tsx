import { useEffect, useRef } from "react";
import { splitLabelRef, type LabelSchema } from "../../../api/manage";
import { FieldMessage, invalidProps } from "../shared/FieldMessage";
import { inputId } from "../schema/fieldErrors";
import { mappingErrorKey } from "../schema/fieldErrors";
import { mappingTargets } from "./labelMapping";

export const DELETE_REGIONS = "__delete__";

interface OrphanMappingProps {
  orphaned: readonly string[];
  /** The schema before the edit (to know each orphan's control type). */
  oldSchema: LabelSchema;
  /** The schema being saved (the targets). */
  newSchema: LabelSchema;
  /** orphan ref -> target ref, DELETE_REGIONS, or "" (not chosen yet). */
  choices: Record<string, string>;
  onChoose: (ref: string, target: string) => void;
  errors: Record<string, string>;
  busy: boolean;
  onApply: () => void;
  onCancel: () => void;
}

/**
 * The schema edit removes labels that stored annotations use: say where each goes
 * (another label of a control of the same type) or delete those regions.
 */
export function OrphanMapping(props: OrphanMappingProps) {
  const { orphaned, oldSchema, newSchema, choices, errors, busy } = props;
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);
  const ready = orphaned.every((ref) => (choices[ref] ?? "") !== "");

  return (
    <section className="mg-card mg-mapping" aria-labelledby="mapping-title">
      <h2 id="mapping-title" className="mg-card__title" ref={headingRef} tabIndex={-1}>
        {orphaned.length === 1 ? "A removed label is in use" : `${orphaned.length} removed labels are in use`}
      </h2>
      <p className="muted">
        Annotations already use {orphaned.length === 1 ? "this label" : "these labels"}. Choose where each one's regions go,
        then save again. Every changed annotation gets a new revision.
      </p>
      <table className="mg-mapping__table">
        <thead>
          <tr>
            <th scope="col">Removed label</th>
            <th scope="col">Becomes</th>
          </tr>
        </thead>
        <tbody>
          {orphaned.map((ref) => {
            const parts = splitLabelRef(ref);
            const targets = mappingTargets(ref, oldSchema, newSchema);
            const key = mappingErrorKey(ref);
            return (
              <tr key={ref}>
                <td>
                  <span className="mg-mono">{parts ? parts.control : ref}</span>
                  {parts ? (
                    <>
                      <span className="muted"> › </span>
                      <strong>{parts.label}</strong>
                    </>
                  ) : null}
                </td>
                <td>
                  <select
                    id={inputId(key)}
                    className="input mg-select"
                    aria-label={`New label for ${ref}`}
                    value={choices[ref] ?? ""}
                    onChange={(e) => props.onChoose(ref, e.target.value)}
                    {...invalidProps(key, errors[key])}
                  >
                    <option value="" disabled>
                      Choose…
                    </option>
                    {targets.map((target) => (
                      <option key={target.ref} value={target.ref}>
                        {target.text}
                      </option>
                    ))}
                    <option value={DELETE_REGIONS}>Delete those regions</option>
                  </select>
                  <FieldMessage errorKey={key} message={errors[key]} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="mg-form__actions">
        <button type="button" className="button button--primary" disabled={!ready || busy} onClick={props.onApply}>
          {busy ? <span className="spinner spinner--on-accent" aria-hidden="true" /> : null}
          Save with this mapping
        </button>
        <button type="button" className="button button--ghost" onClick={props.onCancel} disabled={busy}>
          Keep editing
        </button>
      </div>
    </section>
  );
}
