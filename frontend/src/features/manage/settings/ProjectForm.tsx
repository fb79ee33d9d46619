import { useMemo, useRef, useState, type FormEvent, type ReactNode } from "react";
import { isApiError } from "../../../api/client";
import type { ProjectOrder } from "../../../api/manage";
import type { ProjectKind } from "../../../api/projects";
import { ErrorMessage } from "../../../components/ErrorMessage";
import { FieldMessage, invalidProps } from "../shared/FieldMessage";
import { errorId, errorKeyForField, focusErrorInput, inputId } from "../schema/fieldErrors";
import { SchemaEditor } from "../schema/SchemaEditor";
import { SchemaPreview } from "../schema/SchemaPreview";
import { SCHEMA_ERROR, changeKind, emptySchemaDraft, validateSchemaDraft, type FieldErrors, type SchemaDraft } from "../schema/schemaDraft";
import { ORDER_LABELS, validateSettings, type SettingsDraft } from "./settingsDraft";

export interface ProjectFormValues {
  settings: SettingsDraft;
  schema: SchemaDraft;
}

interface ProjectFormProps {
  mode: "create" | "edit";
  initialSettings: SettingsDraft;
  initialSchema: SchemaDraft;
  submitLabel: string;
  busyLabel: string;
  /** Save; throw the ApiError to have its message put next to the field it names. */
  onSubmit: (values: ProjectFormValues) => Promise<void>;
  /** Shown next to the submit button (e.g. a Cancel link or "Saved"). */
  actions?: ReactNode;
  /** Shown above the form (e.g. the label mapping step). */
  banner?: ReactNode;
}

/** "must be a colour" -> "Must be a colour" (API messages name the field separately). */
function sentence(message: string): string {
  return message ? message[0]!.toUpperCase() + message.slice(1) : message;
}

/** Settings, schema editor and live preview: the create and the settings screens share it. */
export function ProjectForm(props: ProjectFormProps) {
  const { mode, submitLabel, busyLabel, onSubmit } = props;
  const [settings, setSettings] = useState(props.initialSettings);
  const [schema, setSchema] = useState(props.initialSchema);
  /** Whether the manager edited the schema (an untouched one is replaced on a kind change). */
  const [schemaEdited, setSchemaEdited] = useState(false);
  const [submitted, setSubmitted] = useState(false);
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const formErrorRef = useRef<HTMLDivElement>(null);

  const clientErrors = useMemo(
    () => ({ ...validateSettings(settings), ...validateSchemaDraft(schema, settings.kind) }),
    [settings, schema],
  );
  // A field's problems show once it was left (blur) or the form was submitted; hotkey
  // clashes show at once, since the key is typed in one stroke.
  const visibleErrors = useMemo(() => {
    const visible: FieldErrors = {};
    for (const [key, message] of Object.entries(clientErrors)) {
      if (submitted || touched.has(key) || key.endsWith(":hotkey")) visible[key] = message;
    }
    return { ...visible, ...serverErrors };
  }, [clientErrors, serverErrors, submitted, touched]);

  const touch = (key: string) => setTouched((prev) => (prev.has(key) ? prev : new Set(prev).add(key)));
  const clearServerError = (key: string | undefined) => {
    if (!key) return;
    setServerErrors((prev) => {
      if (!(key in prev) && !(SCHEMA_ERROR in prev)) return prev;
      const next = { ...prev };
      delete next[key];
      delete next[SCHEMA_ERROR];
      return next;
    });
  };

  function setField<K extends keyof SettingsDraft>(key: K, value: SettingsDraft[K], errorKey: string = key) {
    setSettings((prev) => ({ ...prev, [key]: value }));
    clearServerError(errorKey);
  }

  function setKind(kind: ProjectKind) {
    setSettings((prev) => ({ ...prev, kind }));
    setSchema((prev) => (schemaEdited ? changeKind(prev, kind) : emptySchemaDraft(kind)));
  }

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setSubmitted(true);
    setFormError(null);
    const firstProblem = Object.keys(clientErrors)[0];
    if (firstProblem) {
      focusErrorInput(firstProblem);
      return;
    }
    const sent = schema;
    setBusy(true);
    try {
      await onSubmit({ settings, schema: sent });
      setServerErrors({});
    } catch (error) {
      const key = isApiError(error) ? errorKeyForField(error.field, sent) : null;
      if (key && isApiError(error)) {
        setServerErrors({ [key]: sentence(error.message) });
        requestAnimationFrame(() => focusErrorInput(key));
      } else {
        setFormError(error);
        requestAnimationFrame(() => formErrorRef.current?.focus());
      }
    } finally {
      setBusy(false);
    }
  }

  const e = visibleErrors;
  const errorCount = Object.keys(e).length;

  return (
    <form className="mg-form" onSubmit={handleSubmit} noValidate aria-busy={busy}>
      {props.banner}
      <div ref={formErrorRef} tabIndex={-1} className="mg-form__error">
        {formError ? <ErrorMessage title="Couldn't save the project" error={formError} /> : null}
        {submitted && errorCount > 0 && !formError ? (
          <p className="mg-form__summary" role="status">
            {errorCount === 1 ? "One field needs attention." : `${errorCount} fields need attention.`}
          </p>
        ) : null}
      </div>

      <section className="mg-card" aria-labelledby="settings-title">
        <h2 id="settings-title" className="mg-card__title">
          Project
        </h2>
        <div className="mg-grid">
          <Field label="Name" errorKey="name" error={e.name} wide>
            <input
              id={inputId("name")}
              className="input"
              value={settings.name}
              maxLength={200}
              onChange={(ev) => setField("name", ev.target.value)}
              onBlur={() => touch("name")}
              {...invalidProps("name", e.name)}
            />
          </Field>
          <Field label="Description" errorKey="description" error={e.description} wide>
            <input
              id={inputId("description")}
              className="input"
              value={settings.description}
              onChange={(ev) => setField("description", ev.target.value)}
              {...invalidProps("description", e.description)}
            />
          </Field>
          <Field
            label="Instructions"
            hint="Markdown. Annotators see this next to their work."
            errorKey="instructions"
            error={e.instructions}
            wide
          >
            <textarea
              id={inputId("instructions")}
              className="input mg-textarea"
              rows={5}
              value={settings.instructions}
              onChange={(ev) => setField("instructions", ev.target.value)}
              {...invalidProps("instructions", e.instructions)}
            />
          </Field>
          <fieldset className="mg-fieldset mg-wide" aria-describedby={e.kind ? errorId("kind") : undefined}>
            <legend className="form-field__label">Items are</legend>
            <div className="mg-segmented">
              {(["image", "text"] as const).map((kind) => (
                <label key={kind} className={`mg-segmented__option${settings.kind === kind ? " is-selected" : ""}`}>
                  <input
                    type="radio"
                    name="kind"
                    value={kind}
                    id={kind === "image" ? inputId("kind") : undefined}
                    checked={settings.kind === kind}
                    disabled={mode === "edit"}
                    onChange={() => setKind(kind)}
                  />
                  {kind === "image" ? "Images" : "Texts"}
                </label>
              ))}
            </div>
            {mode === "edit" ? <p className="muted mg-small">The kind of items can't change after creation.</p> : null}
            <FieldMessage errorKey="kind" message={e.kind} />
          </fieldset>
          <Field label="Annotations per item" hint="How many annotators label each item (1–50)." errorKey="overlap" error={e.overlap}>
            <input
              id={inputId("overlap")}
              className="input mg-number"
              inputMode="numeric"
              value={settings.overlap}
              onChange={(ev) => setField("overlap", ev.target.value)}
              onBlur={() => touch("overlap")}
              {...invalidProps("overlap", e.overlap)}
            />
          </Field>
          <Field
            label="Lease time (minutes)"
            hint="How long an item stays reserved for an annotator."
            errorKey="lease_seconds"
            error={e.lease_seconds}
          >
            <input
              id={inputId("lease_seconds")}
              className="input mg-number"
              inputMode="decimal"
              value={settings.leaseMinutes}
              onChange={(ev) => setField("leaseMinutes", ev.target.value, "lease_seconds")}
              onBlur={() => touch("lease_seconds")}
              {...invalidProps("lease_seconds", e.lease_seconds)}
            />
          </Field>
          <Field label="Order" hint="Which items annotators get first." errorKey="order" error={e.order}>
            <select
              id={inputId("order")}
              className="input mg-select"
              value={settings.order}
              onChange={(ev) => setField("order", ev.target.value as ProjectOrder)}
              {...invalidProps("order", e.order)}
            >
              {(Object.keys(ORDER_LABELS) as ProjectOrder[]).map((order) => (
                <option key={order} value={order}>
                  {ORDER_LABELS[order]}
                </option>
              ))}
            </select>
          </Field>
          <Field
            label="Agreement threshold"
            hint="0–1. Items agreeing less are reviewed first. Empty: none."
            errorKey="agreement_threshold"
            error={e.agreement_threshold}
          >
            <input
              id={inputId("agreement_threshold")}
              className="input mg-number"
              inputMode="decimal"
              placeholder="none"
              value={settings.agreementThreshold}
              onChange={(ev) => setField("agreementThreshold", ev.target.value, "agreement_threshold")}
              onBlur={() => touch("agreement_threshold")}
              {...invalidProps("agreement_threshold", e.agreement_threshold)}
            />
          </Field>
          <div className="form-field mg-wide">
            <label className="mg-check">
              <input
                id={inputId("review_required")}
                type="checkbox"
                checked={settings.reviewRequired}
                onChange={(ev) => setField("reviewRequired", ev.target.checked, "review_required")}
              />
              Review required: a reviewer accepts or rejects every annotation
            </label>
            <FieldMessage errorKey="review_required" message={e.review_required} />
          </div>
        </div>
      </section>

      <section className="mg-card" aria-labelledby="schema-title">
        <div className="mg-card__head">
          <h2 id="schema-title" className="mg-card__title">
            Label schema
          </h2>
          <p className="muted mg-small">
            Controls are what annotators fill in; each has labels with a colour and an optional one-key shortcut.
          </p>
        </div>
        <div className="mg-schema-layout">
          <SchemaEditor
            draft={schema}
            kind={settings.kind}
            errors={e}
            onTouch={touch}
            onChange={(next, changedKey) => {
              setSchema(next);
              setSchemaEdited(true);
              clearServerError(changedKey);
            }}
          />
          <SchemaPreview draft={schema} kind={settings.kind} />
        </div>
      </section>

      <div className="mg-form__actions">
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? <span className="spinner spinner--on-accent" aria-hidden="true" /> : null}
          {busy ? busyLabel : submitLabel}
        </button>
        {props.actions}
      </div>
    </form>
  );
}

interface FieldProps {
  label: string;
  hint?: string;
  errorKey: string;
  error: string | undefined;
  wide?: boolean;
  children: ReactNode;
}

function Field({ label, hint, errorKey, error, wide, children }: FieldProps) {
  return (
    <div className={`form-field${wide ? " mg-wide" : ""}`}>
      <label className="form-field__label" htmlFor={inputId(errorKey)}>
        {label}
      </label>
      {children}
      {hint && !error ? <p className="muted mg-small">{hint}</p> : null}
      <FieldMessage errorKey={errorKey} message={error} />
    </div>
  );
}
