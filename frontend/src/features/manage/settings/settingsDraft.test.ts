import { describe, expect, it } from "vitest";
import type { ProjectDetail } from "../../../api/manage";
import { changedSettings, emptySettingsDraft, settingsDraftFromProject, settingsPayload, validateSettings } from "./settingsDraft";

const PROJECT: ProjectDetail = {
  id: 1,
  name: "Cats",
  description: "",
  instructions: "Be nice",
  kind: "image",
  label_schema: { controls: [] },
  schema_version: 1,
  overlap: 2,
  lease_seconds: 90,
  order: "random",
  review_required: true,
  agreement_threshold: 0.7,
  role: "manager",
  item_count: 0,
  created_at: "",
  updated_at: "",
};

describe("settings draft", () => {
  it("shows the lease in minutes and converts back to seconds", () => {
    const draft = settingsDraftFromProject(PROJECT);
    expect(draft.leaseMinutes).toBe("1.5");
    expect(settingsPayload(draft).lease_seconds).toBe(90);
  });

  it("sends an empty threshold as null", () => {
    const draft = { ...emptySettingsDraft(), name: " Dogs " };
    expect(settingsPayload(draft)).toMatchObject({ name: "Dogs", agreement_threshold: null, overlap: 1, lease_seconds: 600 });
  });

  it("validates like the API serializer", () => {
    const errors = validateSettings({
      ...emptySettingsDraft(),
      name: "",
      overlap: "0",
      leaseMinutes: "0.2",
      agreementThreshold: "1.5",
    });
    expect(Object.keys(errors).sort()).toEqual(["agreement_threshold", "lease_seconds", "name", "overlap"]);
    expect(validateSettings({ ...emptySettingsDraft(), name: "ok", overlap: "50", leaseMinutes: "1440", agreementThreshold: "0" })).toEqual({});
    expect(validateSettings({ ...emptySettingsDraft(), name: "ok", overlap: "2.5" })).toHaveProperty("overlap");
  });

  it("patches only what changed", () => {
    const draft = { ...settingsDraftFromProject(PROJECT), name: "Kittens", agreementThreshold: "" };
    expect(changedSettings(draft, PROJECT)).toEqual({ name: "Kittens", agreement_threshold: null });
  });
});
