/** The project form's settings fields as editable strings, their checks and their payload. */
import type { ProjectDetail, ProjectOrder, ProjectSettings } from "../../../api/manage";
import type { ProjectKind } from "../../../api/projects";
import type { FieldErrors } from "../schema/schemaDraft";

export interface SettingsDraft {
  name: string;
  description: string;
  instructions: string;
  kind: ProjectKind;
  overlap: string;
  /** Minutes, as typed (the API takes seconds). */
  leaseMinutes: string;
  order: ProjectOrder;
  reviewRequired: boolean;
  /** "" for no threshold. */
  agreementThreshold: string;
}

export const ORDER_LABELS: Record<ProjectOrder, string> = {
  sequential: "In import order",
  random: "Random",
  priority: "By priority (highest first)",
};

export function emptySettingsDraft(kind: ProjectKind = "image"): SettingsDraft {
  return {
    name: "",
    description: "",
    instructions: "",
    kind,
    overlap: "1",
    leaseMinutes: "10",
    order: "sequential",
    reviewRequired: false,
    agreementThreshold: "",
  };
}

function formatMinutes(seconds: number): string {
  return String(Math.round((seconds / 60) * 100) / 100);
}

export function settingsDraftFromProject(project: ProjectDetail): SettingsDraft {
  return {
    name: project.name,
    description: project.description,
    instructions: project.instructions,
    kind: project.kind,
    overlap: String(project.overlap),
    leaseMinutes: formatMinutes(project.lease_seconds),
    order: project.order,
    reviewRequired: project.review_required,
    agreementThreshold: project.agreement_threshold === null ? "" : String(project.agreement_threshold),
  };
}

const INTEGER = /^\d+$/;
const DECIMAL = /^(\d+(\.\d*)?|\.\d+)$/;

/** Client-side checks mirroring `ProjectSettingsSerializer`; keys are the API's field names. */
export function validateSettings(draft: SettingsDraft): FieldErrors {
  const errors: FieldErrors = {};
  const name = draft.name.trim();
  if (!name) errors.name = "Name the project.";
  else if (name.length > 200) errors.name = "At most 200 characters.";
  if (draft.description.length > 10_000) errors.description = "At most 10,000 characters.";
  if (draft.instructions.length > 100_000) errors.instructions = "At most 100,000 characters.";

  const overlap = draft.overlap.trim();
  if (!INTEGER.test(overlap) || Number(overlap) < 1 || Number(overlap) > 50) {
    errors.overlap = "A whole number from 1 to 50.";
  }
  const minutes = draft.leaseMinutes.trim();
  const seconds = Math.round(Number(minutes) * 60);
  if (!DECIMAL.test(minutes) || seconds < 30 || seconds > 24 * 3600) {
    errors.lease_seconds = "From 0.5 minutes to 1440 minutes (24 hours).";
  }
  const threshold = draft.agreementThreshold.trim();
  if (threshold !== "" && (!DECIMAL.test(threshold) || Number(threshold) > 1)) {
    errors.agreement_threshold = "A number from 0 to 1, or empty for none.";
  }
  return errors;
}

/** The settings as the API takes them (call after `validateSettings` found nothing). */
export function settingsPayload(draft: SettingsDraft): ProjectSettings {
  const threshold = draft.agreementThreshold.trim();
  return {
    name: draft.name.trim(),
    description: draft.description,
    instructions: draft.instructions,
    overlap: Number(draft.overlap.trim()),
    lease_seconds: Math.round(Number(draft.leaseMinutes.trim()) * 60),
    order: draft.order,
    review_required: draft.reviewRequired,
    agreement_threshold: threshold === "" ? null : Number(threshold),
  };
}

/** Only the settings that differ from the project (a PATCH sends just those). */
export function changedSettings(draft: SettingsDraft, project: ProjectDetail): Partial<ProjectSettings> {
  const next = settingsPayload(draft);
  const changed: Partial<ProjectSettings> = {};
  for (const key of Object.keys(next) as (keyof ProjectSettings)[]) {
    if (next[key] !== project[key]) (changed as Record<string, unknown>)[key] = next[key];
  }
  return changed;
}
