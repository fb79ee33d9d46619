/** The project dashboard's numbers: `GET /api/projects/{id}/stats` (`labeling/stats.py`). */
import { apiFetch } from "./client";

export interface AnnotatorStats {
  user_id: number;
  username: string;
  annotations: number;
  last_hour: number;
  last_day: number;
  accepted: number;
  rejected: number;
  mean_lead_time_ms: number | null;
  mean_agreement: number | null;
  mean_ground_truth_score: number | null;
  ground_truth_items: number;
}

export interface ProjectStats {
  items: { total: number; open: number; submitted: number; done: number; ground_truth: number };
  /** Annotation counts by status (absent statuses are missing). */
  annotations: Partial<Record<"pending" | "accepted" | "rejected", number>>;
  /** Mean agreement over items that have one; null when none has. */
  agreement: number | null;
  annotators: AnnotatorStats[];
  /** `"control:label"` -> count, most common first. */
  labels: Record<string, number>;
}

export function getProjectStats(projectId: number, signal?: AbortSignal): Promise<ProjectStats> {
  return apiFetch<ProjectStats>(`/api/projects/${projectId}/stats`, signal ? { signal } : {});
}

export interface StatsSummary {
  totalAnnotations: number;
  /** Mean lead time over all annotations (weighted by each annotator's count). */
  meanLeadTimeMs: number | null;
  /** Mean ground-truth score over scored annotations. */
  groundTruthScore: number | null;
  lastHour: number;
  lastDay: number;
}

/** Project-wide figures derived from the per-annotator rows. */
export function summarizeStats(stats: ProjectStats): StatsSummary {
  let total = 0;
  let leadSum = 0;
  let leadCount = 0;
  let gtSum = 0;
  let gtCount = 0;
  let lastHour = 0;
  let lastDay = 0;
  for (const row of stats.annotators) {
    total += row.annotations;
    lastHour += row.last_hour;
    lastDay += row.last_day;
    if (row.mean_lead_time_ms !== null) {
      leadSum += row.mean_lead_time_ms * row.annotations;
      leadCount += row.annotations;
    }
    if (row.mean_ground_truth_score !== null && row.ground_truth_items > 0) {
      gtSum += row.mean_ground_truth_score * row.ground_truth_items;
      gtCount += row.ground_truth_items;
    }
  }
  return {
    totalAnnotations: total,
    meanLeadTimeMs: leadCount > 0 ? leadSum / leadCount : null,
    groundTruthScore: gtCount > 0 ? gtSum / gtCount : null,
    lastHour,
    lastDay,
  };
}
