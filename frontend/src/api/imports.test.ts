import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, isAbortError, onUnauthorized } from "./client";
import {
  pastedFile,
  parseImportFailure,
  parseImportReport,
  unsupportedFiles,
  uploadImport,
} from "./imports";
import type { Job } from "./jobs";

/** A scriptable stand-in for XMLHttpRequest (jsdom's would really send). */
class FakeXhr {
  static last: FakeXhr | null = null;
  method = "";
  url = "";
  headers: Record<string, string> = {};
  body: unknown = null;
  status = 0;
  statusText = "";
  responseText = "";
  responseHeaders: Record<string, string> = {};
  aborted = false;
  private listeners: Record<string, (() => void)[]> = {};
  private uploadListeners: ((e: { lengthComputable: boolean; loaded: number; total: number }) => void)[] = [];
  upload = {
    addEventListener: (_type: string, fn: (e: { lengthComputable: boolean; loaded: number; total: number }) => void) => {
      this.uploadListeners.push(fn);
    },
  };
  constructor() {
    FakeXhr.last = this;
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  addEventListener(type: string, fn: () => void) {
    (this.listeners[type] ??= []).push(fn);
  }
  getResponseHeader(name: string) {
    return this.responseHeaders[name] ?? null;
  }
  send(body: unknown) {
    this.body = body;
  }
  abort() {
    this.aborted = true;
    this.fire("abort");
  }
  // --- test controls
  progress(loaded: number, total: number) {
    for (const fn of this.uploadListeners) fn({ lengthComputable: true, loaded, total });
  }
  respond(status: number, body: unknown, contentType = "application/json") {
    this.status = status;
    this.responseText = typeof body === "string" ? body : JSON.stringify(body);
    this.responseHeaders = { "Content-Type": contentType };
    this.fire("load");
  }
  fail() {
    this.fire("error");
  }
  private fire(type: string) {
    for (const fn of this.listeners[type] ?? []) fn();
  }
}

function useFakeXhr(): () => FakeXhr {
  vi.stubGlobal("XMLHttpRequest", FakeXhr);
  return () => {
    if (!FakeXhr.last) throw new Error("no XHR was opened");
    return FakeXhr.last;
  };
}

const png = () => new File([new Uint8Array([1, 2, 3])], "a.png", { type: "image/png" });

afterEach(() => {
  FakeXhr.last = null;
});

describe("uploadImport", () => {
  it("POSTs the files as multipart field 'file' with the CSRF token and reports upload progress", async () => {
    document.cookie = "csrftoken=t0k; path=/";
    const xhr = useFakeXhr();
    const progress = vi.fn();
    const files = [png(), new File(["x"], "b.zip")];

    const answer = uploadImport(4, files, { onUploadProgress: progress });
    const request = xhr();
    expect(request.method).toBe("POST");
    expect(request.url).toBe("/api/projects/4/import");
    expect(request.headers["X-CSRFToken"]).toBe("t0k");
    expect(request.headers.Accept).toBe("application/json");
    const form = request.body as FormData;
    expect(form.getAll("file").map((f) => (f as File).name)).toEqual(["a.png", "b.zip"]);

    request.progress(10, 40);
    request.progress(40, 40);
    expect(progress.mock.calls).toEqual([
      [10, 40],
      [40, 40],
    ]);
    request.respond(201, { created: 2, skipped_duplicates: 0, duplicates: [], rejected: [], pre_annotations: 0, thumbnail_job: 9 });
    await expect(answer).resolves.toEqual({
      kind: "report",
      report: { created: 2, skippedDuplicates: 0, duplicates: [], rejected: [], preAnnotations: 0, thumbnailJob: 9 },
    });
  });

  it("hands back the job when the server answers 202", async () => {
    const xhr = useFakeXhr();
    const answer = uploadImport(4, [png()]);
    xhr().respond(202, { job: { id: 31, status: "queued", progress_done: 0, progress_total: null } });
    await expect(answer).resolves.toMatchObject({ kind: "job", job: { id: 31, status: "queued" } });
  });

  it("rejects with the API error, its details included", async () => {
    const xhr = useFakeXhr();
    const answer = uploadImport(4, [png()]);
    const rejected = [{ row: 1, field: "file", message: "not an image", name: "a.png" }];
    xhr().respond(400, { error: { code: "import_rejected", message: "1 row rejected; nothing was imported", field: null, details: { rejected, rejected_count: 1 } } });
    const error = (await answer.catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code: "import_rejected" });
    expect(error.details).toEqual({ rejected, rejected_count: 1 });
  });

  it("tells the 401 listeners, like apiFetch", async () => {
    const xhr = useFakeXhr();
    const listener = vi.fn();
    const unsubscribe = onUnauthorized(listener);
    const answer = uploadImport(4, [png()]);
    xhr().respond(401, { error: { code: "not_authenticated", message: "Please sign in.", field: null } });
    await expect(answer).rejects.toMatchObject({ status: 401 });
    expect(listener).toHaveBeenCalledTimes(1);
    unsubscribe();
  });

  it("turns an HTML error page into a readable message", async () => {
    const xhr = useFakeXhr();
    const answer = uploadImport(4, [png()]);
    xhr().respond(413, "<html>too big</html>", "text/html");
    await expect(answer).rejects.toMatchObject({ status: 413, message: "Request failed with HTTP 413." });
  });

  it("maps a network failure to status 0 and an abort to an AbortError", async () => {
    const xhr = useFakeXhr();
    const failed = uploadImport(4, [png()]);
    xhr().fail();
    await expect(failed).rejects.toMatchObject({ status: 0, code: "network_error" });

    const controller = new AbortController();
    const aborted = uploadImport(4, [png()], { signal: controller.signal }).catch((e: unknown) => e);
    controller.abort();
    expect(xhr().aborted).toBe(true);
    expect(isAbortError(await aborted)).toBe(true);
  });
});

describe("parseImportReport", () => {
  it("reads an image report with duplicates of existing items and of the upload", () => {
    const report = parseImportReport({
      created: 3,
      skipped_duplicates: 2,
      duplicates: [
        { row: 2, sha256: "ab", item_id: 17 },
        { row: "z/dup.jpg", sha256: "cd", same_as_row: 1 },
      ],
      rejected: [],
      pre_annotations: 0,
      thumbnail_job: 12,
    });
    expect(report).toEqual({
      created: 3,
      skippedDuplicates: 2,
      duplicates: [
        { row: 2, sha256: "ab", itemId: 17, sameAsRow: null },
        { row: "z/dup.jpg", sha256: "cd", itemId: null, sameAsRow: 1 },
      ],
      rejected: [],
      preAnnotations: 0,
      thumbnailJob: 12,
    });
  });

  it("tolerates a text report (no duplicates list) and garbage", () => {
    expect(parseImportReport({ created: 5, skipped_duplicates: 1, rejected: [], pre_annotations: 2 })).toMatchObject({
      created: 5,
      skippedDuplicates: 1,
      duplicates: [],
      preAnnotations: 2,
      thumbnailJob: null,
    });
    expect(parseImportReport(null)).toMatchObject({ created: 0, duplicates: [], rejected: [] });
    expect(parseImportReport({ created: -1, rejected: "x" })).toMatchObject({ created: 0, rejected: [] });
  });
});

describe("parseImportFailure", () => {
  it("reads the rejected rows of an import_rejected error", () => {
    const error = new ApiError(400, "import_rejected", "2 rows rejected; nothing was imported", null, {
      rejected: [
        { row: 2, field: "text", message: "must be a non-empty string" },
        { row: 2, field: "meta", message: "must be an object" },
        { row: "cats.zip/x.gif", field: "file", message: "not an image", archive: "cats.zip" },
      ],
      rejected_count: 2,
    });
    expect(parseImportFailure(error)).toEqual({
      code: "import_rejected",
      message: "2 rows rejected; nothing was imported",
      field: null,
      rejected: [
        { row: 2, field: "text", message: "must be a non-empty string", source: null },
        { row: 2, field: "meta", message: "must be an object", source: null },
        { row: "cats.zip/x.gif", field: "file", message: "not an image", source: "cats.zip" },
      ],
      rejectedCount: 2,
      line: null,
    });
  });

  it("counts distinct rows when the server gives no count, and reads a malformed file's line", () => {
    const error = new ApiError(400, "import_rejected", "x", null, { rejected: [{ row: 1 }, { row: 1 }, { row: 3 }] });
    expect(parseImportFailure(error).rejectedCount).toBe(2);
    const malformed = new ApiError(400, "import_malformed", "malformed CSV", null, { line: 12 });
    expect(parseImportFailure(malformed)).toMatchObject({ code: "import_malformed", line: 12, rejected: [] });
  });

  it("reads a failed job's stored error envelope, or falls back to its error text", () => {
    const failed = {
      id: 1,
      status: "failed",
      error: "1 row rejected; nothing was imported",
      result: { error: { code: "import_rejected", message: "1 row rejected; nothing was imported", field: null, details: { rejected: [{ row: 2, field: "file", message: "bad" }], rejected_count: 1 } } },
    } as unknown as Job;
    expect(parseImportFailure(failed)).toMatchObject({ code: "import_rejected", rejectedCount: 1, rejected: [{ row: 2, field: "file", message: "bad" }] });
    const crashed = { id: 2, status: "failed", error: "OSError: disk full", result: null } as unknown as Job;
    expect(parseImportFailure(crashed)).toMatchObject({ code: "job_failed", message: "OSError: disk full", rejected: [] });
  });
});

describe("file helpers", () => {
  it("refuses files a project kind cannot import", () => {
    const files = [new File([""], "a.JPG"), new File([""], "b.csv"), new File([""], "c.zip"), new File([""], "d.gif")];
    expect(unsupportedFiles("image", files).map((f) => f.name)).toEqual(["b.csv", "d.gif"]);
    expect(unsupportedFiles("text", files).map((f) => f.name)).toEqual(["a.JPG", "c.zip", "d.gif"]);
  });

  it("names pasted text by its shape: an array is JSON, anything else JSON Lines", () => {
    expect(pastedFile('  [{"text": "a"}]')).toMatchObject({ name: "pasted.json", type: "application/json" });
    expect(pastedFile('{"text": "a"}\n{"text": "b"}')).toMatchObject({ name: "pasted.jsonl", type: "application/x-ndjson" });
  });
});
