import { useCallback, useEffect, useReducer, useRef } from "react";
import { isAbortError, isApiError } from "../../../api/client";
import { parseImportFailure, parseImportReport, uploadImport } from "../../../api/imports";
import { pollJob } from "../../../api/jobs";
import { describeError } from "../../../components/describeError";
import { idleRun, importReducer, isRunning, type ImportRun } from "./importRun";

/** Upload files, follow the import job if the server starts one, end with a report. */
export function useImportRun(projectId: number): {
  run: ImportRun;
  start: (files: File[]) => void;
  reset: () => void;
} {
  const [run, dispatch] = useReducer(importReducer, idleRun);
  const controller = useRef<AbortController | null>(null);

  useEffect(() => () => controller.current?.abort(), []);

  const start = useCallback(
    (files: File[]) => {
      if (isRunning(run)) return;
      controller.current?.abort();
      const abort = new AbortController();
      controller.current = abort;
      const total = files.reduce((sum, f) => sum + f.size, 0);
      dispatch({ type: "start", files: files.length, total });

      const fail = (error: unknown) => {
        if (isAbortError(error)) return;
        const failure = isApiError(error)
          ? parseImportFailure(error)
          : { code: "error", message: describeError(error), field: null, rejected: [], rejectedCount: 0, line: null };
        dispatch({ type: "failed", failure });
      };

      uploadImport(projectId, files, {
        signal: abort.signal,
        onUploadProgress: (loaded, size) => dispatch({ type: "progress", loaded, total: size }),
      }).then((answer) => {
        if (answer.kind === "report") {
          dispatch({ type: "report", report: answer.report });
          return;
        }
        dispatch({ type: "uploaded" });
        dispatch({ type: "job", job: answer.job });
        return pollJob(answer.job, {
          signal: abort.signal,
          onUpdate: (job) => dispatch({ type: "job", job }),
        }).then((job) => {
          if (job.status === "succeeded") dispatch({ type: "report", report: parseImportReport(job.result) });
          else dispatch({ type: "failed", failure: parseImportFailure(job) });
        });
      }).catch(fail);
    },
    [projectId, run],
  );

  const reset = useCallback(() => {
    controller.current?.abort();
    dispatch({ type: "reset" });
  }, []);

  return { run, start, reset };
}
