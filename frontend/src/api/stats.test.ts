import { describe, expect, it } from "vitest";
import { jsonResponse, mockFetch, requestOf } from "../test/http";
import { getProjectStats, summarizeStats, type AnnotatorStats, type ProjectStats } from "./stats";

function row(patch: Partial<AnnotatorStats>): AnnotatorStats {
  return {
    user_id: 1,
    username: "a",
    annotations: 0,
    last_hour: 0,
    last_day: 0,
    accepted: 0,
    rejected: 0,
    mean_lead_time_ms: null,
    mean_agreement: null,
    mean_ground_truth_score: null,
    ground_truth_items: 0,
    ...patch,
  };
}

const base: ProjectStats = {
  items: { total: 0, open: 0, submitted: 0, done: 0, ground_truth: 0 },
  annotations: {},
  agreement: null,
  annotators: [],
  labels: {},
};

describe("stats", () => {
  it("GETs /api/projects/{id}/stats", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(jsonResponse(base));
    await getProjectStats(5);
    expect(requestOf(fetchMock).url).toBe("/api/projects/5/stats");
  });

  it("weights per-annotator means by their counts", () => {
    const summary = summarizeStats({
      ...base,
      annotators: [
        row({ annotations: 3, last_hour: 1, last_day: 3, mean_lead_time_ms: 1000, mean_ground_truth_score: 1, ground_truth_items: 1 }),
        row({ user_id: 2, annotations: 1, last_hour: 0, last_day: 1, mean_lead_time_ms: 5000, mean_ground_truth_score: 0.5, ground_truth_items: 3 }),
      ],
    });
    expect(summary).toEqual({ totalAnnotations: 4, meanLeadTimeMs: 2000, groundTruthScore: 0.625, lastHour: 1, lastDay: 4 });
  });

  it("has no means without data", () => {
    expect(summarizeStats(base)).toEqual({ totalAnnotations: 0, meanLeadTimeMs: null, groundTruthScore: null, lastHour: 0, lastDay: 0 });
  });
});
