/**
 * Item imports: `POST /api/projects/{id}/import` (multipart field `file`).
 *
 * The upload uses XMLHttpRequest: fetch cannot report upload progress. This is the one
 * exception to "only api/client.ts talks to the network"; it keeps the same contract
 * (same origin, session cookie, `X-CSRFToken`, the error envelope and the 401 listeners via
 * `apiErrorFromResponse`).
 *
 * The server answers 201 with the import report, or 202 `{"job": ...}` when a job imports
 * the upload (poll it with `pollJob`; its `result` is the report). Rejected imports are all
 * or nothing: 400 `import_rejected` with `details.rejected` = [{row, field, message}].
 */
import {
  ApiError,
  CLIENT_ERROR_CODES,
  CSRF_COOKIE_NAME,
  CSRF_HEADER_NAME,
  apiErrorFromResponse,
  isApiError,
  readCookie,
} from "./client";
import type { Job } from "./jobs";
import type { ProjectKind } from "./projects";

export interface DuplicateImage {
  row: number | string;
  sha256: string;
  /** The existing item with the same image. */
  itemId: number | null;
  /** An earlier row of the same upload with the same image. */
  sameAsRow: number | string | null;
}

export interface RejectedRow {
  row: number | string | null;
  field: string | null;
  message: string;
  /** The uploaded file or archive the row came from, when known. */
  source: string | null;
}

/** The server lists at most this many problems (`MAX_LISTED`). */
export const MAX_LISTED_PROBLEMS = 1000;

export interface ImportReport {
  created: number;
  skippedDuplicates: number;
  duplicates: DuplicateImage[];
  rejected: RejectedRow[];
  preAnnotations: number;
  thumbnailJob: number | null;
}

export interface ImportFailure {
  code: string;
  message: string;
  field: string | null;
  /** The problems found, one per row and field (the server lists at most 1000). */
  rejected: RejectedRow[];
  /** Rows rejected in all (a row may have several problems). */
  rejectedCount: number;
  /** The line of a malformed input, when the server names it. */
  line: number | null;
}

export type ImportAnswer = { kind: "report"; report: ImportReport } | { kind: "job"; job: Job };

/** File types offered by the picker, per project kind. */
export const IMPORT_ACCEPT: Record<ProjectKind, string> = {
  text: ".json,.jsonl,.ndjson,.csv,application/json,text/csv",
  image: ".jpg,.jpeg,.png,.webp,.zip,image/jpeg,image/png,image/webp,application/zip",
};

const TEXT_EXTENSIONS = [".json", ".jsonl", ".ndjson", ".csv"];
const IMAGE_EXTENSIONS = [".jpg", ".jpeg", ".png", ".webp", ".zip"];

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : 0;
}

function rowRef(value: unknown): number | string | null {
  return typeof value === "number" || typeof value === "string" ? value : null;
}

function str(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

export function parseRejectedRows(value: unknown): RejectedRow[] {
  if (!Array.isArray(value)) return [];
  return value.map((raw) => {
    const row = record(raw);
    return {
      row: rowRef(row.row),
      field: str(row.field),
      message: str(row.message) ?? "rejected",
      source: str(row.name) ?? str(row.archive),
    };
  });
}

/** Read a report (201 body, or a finished job's `result`), tolerating missing keys. */
export function parseImportReport(value: unknown): ImportReport {
  const raw = record(value);
  const duplicates = Array.isArray(raw.duplicates)
    ? raw.duplicates.map((d) => {
        const dup = record(d);
        return {
          row: rowRef(dup.row) ?? "?",
          sha256: typeof dup.sha256 === "string" ? dup.sha256 : "",
          itemId: typeof dup.item_id === "number" ? dup.item_id : null,
          sameAsRow: rowRef(dup.same_as_row),
        };
      })
    : [];
  return {
    created: count(raw.created),
    skippedDuplicates: count(raw.skipped_duplicates),
    duplicates,
    rejected: parseRejectedRows(raw.rejected),
    preAnnotations: count(raw.pre_annotations),
    thumbnailJob: typeof raw.thumbnail_job === "number" ? raw.thumbnail_job : null,
  };
}

function failureFrom(code: string, message: string, field: string | null, details: unknown): ImportFailure {
  const d = record(details);
  const rejected = parseRejectedRows(d.rejected);
  return {
    code,
    message,
    field,
    rejected,
    rejectedCount: count(d.rejected_count) || new Set(rejected.map((r) => String(r.row))).size,
    line: typeof d.line === "number" ? d.line : null,
  };
}

/** Why an import failed: from the upload's ApiError, or from a failed job. */
export function parseImportFailure(source: ApiError | Job): ImportFailure {
  if (isApiError(source)) return failureFrom(source.code, source.message, source.field, source.details);
  const envelope = record(record(source.result).error);
  const message = str(envelope.message) ?? (source.error || "The import failed.");
  return failureFrom(str(envelope.code) ?? "job_failed", message, str(envelope.field), envelope.details);
}

/** Files a project of `kind` cannot import (by extension), to refuse before uploading. */
export function unsupportedFiles(kind: ProjectKind, files: readonly File[]): File[] {
  const allowed = kind === "text" ? TEXT_EXTENSIONS : IMAGE_EXTENSIONS;
  return files.filter((file) => !allowed.some((ext) => file.name.toLowerCase().endsWith(ext)));
}

/** Wrap pasted JSON (an array) or JSON Lines as a file the import endpoint understands. */
export function pastedFile(text: string): File {
  const isArray = text.trimStart().startsWith("[");
  return isArray
    ? new File([text], "pasted.json", { type: "application/json" })
    : new File([text], "pasted.jsonl", { type: "application/x-ndjson" });
}

export interface UploadOptions {
  /** Bytes sent so far and in all (the multipart body, slightly more than the files). */
  onUploadProgress?: (loaded: number, total: number) => void;
  signal?: AbortSignal;
}

/** Upload files to import; resolves with the report (201) or the job (202). */
export function uploadImport(projectId: number, files: readonly File[], options: UploadOptions = {}): Promise<ImportAnswer> {
  const form = new FormData();
  for (const file of files) form.append("file", file, file.name);
  const { onUploadProgress, signal } = options;

  return new Promise<ImportAnswer>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new DOMException("The upload was aborted.", "AbortError"));
      return;
    }
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/projects/${projectId}/import`);
    xhr.setRequestHeader("Accept", "application/json");
    const token = readCookie(CSRF_COOKIE_NAME);
    if (token) xhr.setRequestHeader(CSRF_HEADER_NAME, token);

    const onAbort = () => xhr.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    const done = () => signal?.removeEventListener("abort", onAbort);

    if (onUploadProgress) {
      xhr.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) onUploadProgress(event.loaded, event.total);
      });
    }
    xhr.addEventListener("abort", () => {
      done();
      reject(new DOMException("The upload was aborted.", "AbortError"));
    });
    xhr.addEventListener("error", () => {
      done();
      reject(
        new ApiError(0, CLIENT_ERROR_CODES.network, "Can't reach the server. Check your connection and try again."),
      );
    });
    xhr.addEventListener("load", () => {
      done();
      void settle(xhr).then(resolve, reject);
    });
    xhr.send(form);
  });
}

async function settle(xhr: XMLHttpRequest): Promise<ImportAnswer> {
  const contentType = xhr.getResponseHeader("Content-Type") ?? "";
  if (xhr.status < 200 || xhr.status >= 300) {
    const headers = contentType ? { "Content-Type": contentType } : undefined;
    throw await apiErrorFromResponse(
      new Response(xhr.responseText || null, { status: xhr.status, statusText: xhr.statusText, ...(headers ? { headers } : {}) }),
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(xhr.responseText);
  } catch {
    throw new ApiError(xhr.status, CLIENT_ERROR_CODES.invalidResponse, "The server sent an unexpected response (not JSON).");
  }
  if (xhr.status === 202) {
    const job = record(body).job;
    if (typeof record(job).id !== "number") {
      throw new ApiError(xhr.status, CLIENT_ERROR_CODES.invalidResponse, "The server started a job but did not name it.");
    }
    return { kind: "job", job: job as Job };
  }
  return { kind: "report", report: parseImportReport(body) };
}
