import { useState } from "react";
import { isApiError } from "../../../api/client";
import { orphanedLabels, updateProject, type LabelSchema, type ProjectUpdateInput } from "../../../api/manage";
import { ErrorMessage } from "../../../components/ErrorMessage";
import { mappingErrorKey } from "../schema/fieldErrors";
import { draftFromSchema, draftToSchema } from "../schema/schemaDraft";
import { useManagedProject } from "../shared/context";
import { buildLabelMapping } from "./labelMapping";
import { DELETE_REGIONS, OrphanMapping } from "./OrphanMapping";
import { ProjectForm } from "./ProjectForm";
import { changedSettings, settingsDraftFromProject } from "./settingsDraft";

interface PendingMapping {
  orphaned: string[];
  payload: ProjectUpdateInput;
  oldSchema: LabelSchema;
  choices: Record<string, string>;
  errors: Record<string, string>;
  error: unknown;
}

/** `/projects/:id/settings`: edit settings and schema; map labels in use that the edit removes. */
export function ProjectSettingsPage() {
  const { project, setProject, canManage } = useManagedProject();
  const [initialSettings] = useState(() => settingsDraftFromProject(project));
  const [initialSchema] = useState(() => draftFromSchema(project.label_schema));
  const [mapping, setMapping] = useState<PendingMapping | null>(null);
  const [mappingBusy, setMappingBusy] = useState(false);
  const [savedAt, setSavedAt] = useState<Date | null>(null);

  if (!canManage) {
    return <ErrorMessage title="Managers only" message="Only the project's managers can change its settings." />;
  }

  async function save(payload: ProjectUpdateInput) {
    const updated = await updateProject(project.id, payload);
    setProject(updated);
    setSavedAt(new Date());
  }

  async function applyMapping() {
    if (!mapping) return;
    setMappingBusy(true);
    const label_mapping = buildLabelMapping(mapping.orphaned, mapping.choices, DELETE_REGIONS);
    try {
      await save({ ...mapping.payload, label_mapping });
      setMapping(null);
    } catch (error) {
      setMapping((prev) => {
        if (!prev) return prev;
        if (isApiError(error) && error.code === "schema_orphans") {
          // Someone used more labels meanwhile: ask about those too.
          return { ...prev, orphaned: orphanedLabels(error.details), errors: {}, error: null };
        }
        if (isApiError(error) && error.field?.startsWith("mapping.")) {
          const ref = error.field.slice("mapping.".length);
          return { ...prev, errors: { [mappingErrorKey(ref)]: error.message }, error: null };
        }
        return { ...prev, errors: {}, error };
      });
    } finally {
      setMappingBusy(false);
    }
  }

  return (
    <ProjectForm
      mode="edit"
      initialSettings={initialSettings}
      initialSchema={initialSchema}
      submitLabel="Save changes"
      busyLabel="Saving…"
      onSubmit={async ({ settings, schema }) => {
        setSavedAt(null);
        const payload: ProjectUpdateInput = { ...changedSettings(settings, project), label_schema: draftToSchema(schema) };
        try {
          await save(payload);
          setMapping(null);
        } catch (error) {
          if (isApiError(error) && error.code === "schema_orphans") {
            setMapping({
              orphaned: orphanedLabels(error.details),
              payload,
              oldSchema: project.label_schema,
              choices: {},
              errors: {},
              error: null,
            });
            return;
          }
          throw error;
        }
      }}
      banner={
        mapping ? (
          <>
            <OrphanMapping
              orphaned={mapping.orphaned}
              oldSchema={mapping.oldSchema}
              newSchema={mapping.payload.label_schema ?? project.label_schema}
              choices={mapping.choices}
              errors={mapping.errors}
              busy={mappingBusy}
              onChoose={(ref, target) =>
                setMapping((prev) => (prev ? { ...prev, choices: { ...prev.choices, [ref]: target }, errors: {} } : prev))
              }
              onApply={() => void applyMapping()}
              onCancel={() => setMapping(null)}
            />
            {mapping.error ? <ErrorMessage title="Couldn't save the project" error={mapping.error} /> : null}
          </>
        ) : null
      }
      actions={
        <span className="mg-saved" role="status" aria-live="polite">
          {savedAt ? `Saved · schema version ${project.schema_version}` : ""}
        </span>
      }
    />
  );
}
