import { useEffect, useState } from "react";
import { isAbortError } from "../../api/client";
import { getLabelingProject, type LabelingProject } from "../../api/queue";

/** Load the project the labeling screens need (schema, instructions, lease length, role). */
export function useLabelingProject(projectId: number) {
  const [project, setProject] = useState<LabelingProject | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!Number.isInteger(projectId) || projectId <= 0) {
      setError(new Error("This is not a project address."));
      return;
    }
    const controller = new AbortController();
    setError(null);
    getLabelingProject(projectId, controller.signal).then(setProject, (e: unknown) => {
      if (!isAbortError(e)) setError(e);
    });
    return () => controller.abort();
  }, [projectId, attempt]);

  return { project, error, retry: () => setAttempt((n) => n + 1) };
}

export function canReview(project: LabelingProject | null): boolean {
  return project?.role === "reviewer" || project?.role === "manager";
}
