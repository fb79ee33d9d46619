import { describe, expect, it, vi } from "vitest";
import { apiErrorResponse, jsonResponse, mockFetch, requestOf } from "../test/http";
import {
  ApiError,
  apiFetch,
  apiFetchPage,
  isAbortError,
  onUnauthorized,
  pageFromUrl,
  readCookie,
  withQuery,
} from "./client";

describe("apiFetch: requests", () => {
  it("GETs a same-origin path with credentials and JSON accept header", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(jsonResponse({ ok: true }));

    const data = await apiFetch<{ ok: boolean }>("/api/things/");

    expect(data).toEqual({ ok: true });
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const { url, init, headers } = requestOf(fetchMock);
    expect(url).toBe("/api/things/");
    expect(init.method).toBe("GET");
    expect(init.credentials).toBe("same-origin");
    expect(init.body).toBeUndefined();
    expect(headers.get("Accept")).toBe("application/json");
    expect(headers.has("Content-Type")).toBe(false);
  });

  it("does not send the CSRF header on GET even when the cookie exists", async () => {
    document.cookie = "csrftoken=tok123; path=/";
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(jsonResponse({}));

    await apiFetch("/api/things/");

    expect(requestOf(fetchMock).headers.has("X-CSRFToken")).toBe(false);
  });

  it("sends X-CSRFToken from the csrftoken cookie on POST", async () => {
    document.cookie = "sessionid=zzz; path=/";
    document.cookie = "csrftoken=tok123; path=/";
    document.cookie = "other=1; path=/";
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(jsonResponse({ id: 1 }, 201));

    await apiFetch("/api/things/", { method: "POST", body: { a: 1 } });

    expect(requestOf(fetchMock).headers.get("X-CSRFToken")).toBe("tok123");
  });

  it.each(["PUT", "PATCH", "DELETE"] as const)("sends X-CSRFToken on %s", async (method) => {
    document.cookie = "csrftoken=abc; path=/";
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(new Response(null, { status: 204 }));

    await apiFetch("/api/things/1", { method });

    const { init, headers } = requestOf(fetchMock);
    expect(init.method).toBe(method);
    expect(headers.get("X-CSRFToken")).toBe("abc");
  });

  it("reads the cookie at call time (Django rotates the token on login)", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockImplementation(async () => jsonResponse({}));

    document.cookie = "csrftoken=first; path=/";
    await apiFetch("/api/a", { method: "POST", body: {} });
    document.cookie = "csrftoken=second; path=/";
    await apiFetch("/api/a", { method: "POST", body: {} });

    expect(requestOf(fetchMock, 0).headers.get("X-CSRFToken")).toBe("first");
    expect(requestOf(fetchMock, 1).headers.get("X-CSRFToken")).toBe("second");
  });

  it("omits the CSRF header when there is no cookie (the server will reject; we don't invent one)", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(jsonResponse({}));

    await apiFetch("/api/a", { method: "POST", body: {} });

    expect(requestOf(fetchMock).headers.has("X-CSRFToken")).toBe(false);
  });

  it("encodes the body as JSON with a JSON content type", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(jsonResponse({}));
    const body = { name: "Cats", tags: ["a", "b"], nested: { n: 1, empty: null }, unicode: "héllo ✓" };

    await apiFetch("/api/projects/", { method: "POST", body });

    const { init, headers } = requestOf(fetchMock);
    expect(headers.get("Content-Type")).toBe("application/json");
    expect(typeof init.body).toBe("string");
    expect(JSON.parse(init.body as string)).toEqual(body);
  });

  it("encodes falsy-but-present bodies (null, 0, false, empty string)", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockImplementation(async () => jsonResponse({}));

    for (const body of [null, 0, false, ""]) {
      await apiFetch("/api/x", { method: "PUT", body });
    }

    expect(fetchMock.mock.calls.map(([, init]) => init?.body)).toEqual(["null", "0", "false", '""']);
  });

  it("passes FormData through untouched (browser sets the multipart boundary)", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(jsonResponse({}));
    const form = new FormData();
    form.append("file", "contents");

    await apiFetch("/api/upload", { method: "POST", body: form });

    const { init, headers } = requestOf(fetchMock);
    expect(init.body).toBe(form);
    expect(headers.has("Content-Type")).toBe(false);
  });

  it("forwards the abort signal and rethrows AbortError untouched", async () => {
    const fetchMock = mockFetch();
    const controller = new AbortController();
    fetchMock.mockImplementation(
      (_input, init) =>
        new Promise((_resolve, reject) => {
          init?.signal?.addEventListener("abort", () => reject(new DOMException("Aborted", "AbortError")));
        }),
    );

    const promise = apiFetch("/api/slow", { signal: controller.signal });
    controller.abort();

    const error = await promise.catch((e: unknown) => e);
    expect(isAbortError(error)).toBe(true);
    expect(error).not.toBeInstanceOf(ApiError);
    expect(requestOf(fetchMock).init.signal).toBe(controller.signal);
  });

  it.each(["https://evil.example/api", "//evil.example/api", "api/relative", "/\\evil.example"])(
    "refuses non same-origin path %s",
    async (path) => {
      const fetchMock = mockFetch();
      await expect(apiFetch(path)).rejects.toThrow(TypeError);
      expect(fetchMock).not.toHaveBeenCalled();
    },
  );
});

describe("apiFetch: responses", () => {
  it("returns undefined for 204 No Content", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(new Response(null, { status: 204 }));

    await expect(apiFetch("/api/auth/session", { method: "DELETE" })).resolves.toBeUndefined();
  });

  it("returns undefined for an empty 200 body", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(new Response("", { status: 200 }));

    await expect(apiFetch("/api/x")).resolves.toBeUndefined();
  });

  it("accepts JSON content types with parameters and +json suffixes", async () => {
    const fetchMock = mockFetch();
    fetchMock
      .mockResolvedValueOnce(new Response('{"a":1}', { headers: { "Content-Type": "application/json; charset=utf-8" } }))
      .mockResolvedValueOnce(new Response('{"b":2}', { headers: { "Content-Type": "application/problem+json" } }));

    await expect(apiFetch("/api/x")).resolves.toEqual({ a: 1 });
    await expect(apiFetch("/api/x")).resolves.toEqual({ b: 2 });
  });

  it("rejects a successful non-JSON body (e.g. the SPA's index.html) with invalid_response", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(
      new Response("<!doctype html><html></html>", { status: 200, headers: { "Content-Type": "text/html" } }),
    );

    const error = await apiFetch("/api/typo").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 200, code: "invalid_response" });
  });

  it("rejects malformed JSON on success with invalid_response", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(new Response("{nope", { headers: { "Content-Type": "application/json" } }));

    await expect(apiFetch("/api/x")).rejects.toMatchObject({ code: "invalid_response" });
  });
});

describe("apiFetch: errors", () => {
  it("parses the error envelope into ApiError with status, code, message and field", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(apiErrorResponse(400, "invalid", "Name is required.", "name"));

    const error = await apiFetch("/api/projects/", { method: "POST", body: {} }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toBeInstanceOf(Error);
    const apiError = error as ApiError;
    expect(apiError.name).toBe("ApiError");
    expect(apiError.status).toBe(400);
    expect(apiError.code).toBe("invalid");
    expect(apiError.message).toBe("Name is required.");
    expect(apiError.field).toBe("name");
  });

  it("maps a null field to null", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(apiErrorResponse(400, "invalid_credentials", "Wrong password."));

    await expect(apiFetch("/api/auth/session", { method: "POST", body: {} })).rejects.toMatchObject({
      status: 400,
      code: "invalid_credentials",
      message: "Wrong password.",
      field: null,
    });
  });

  it("fills in a readable message when the envelope lacks one", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(jsonResponse({ error: { code: "conflict" } }, 409));

    const error = (await apiFetch("/api/x").catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe("conflict");
    expect(error.message).toMatch(/409/);
  });

  it("uses DRF-style {detail} bodies as the message", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(jsonResponse({ detail: "Not found." }, 404));

    await expect(apiFetch("/api/x")).rejects.toMatchObject({ status: 404, code: "http_error", message: "Not found." });
  });

  it("turns an HTML error page (e.g. Django's CSRF 403) into a readable ApiError", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(
      new Response("<!DOCTYPE html><html><body><h1>Forbidden (403)</h1>CSRF verification failed.</body></html>", {
        status: 403,
        statusText: "Forbidden",
        headers: { "Content-Type": "text/html; charset=utf-8" },
      }),
    );

    const error = (await apiFetch("/api/x", { method: "POST", body: {} }).catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(403);
    expect(error.code).toBe("http_error");
    expect(error.field).toBeNull();
    expect(error.message).toBe("Request failed with HTTP 403 (Forbidden).");
    expect(error.message).not.toContain("<");
  });

  it("uses a short plain-text error body as the message", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(
      new Response("Service temporarily unavailable\n", { status: 503, headers: { "Content-Type": "text/plain" } }),
    );

    await expect(apiFetch("/api/x")).rejects.toMatchObject({
      status: 503,
      message: "Service temporarily unavailable",
    });
  });

  it("gives 5xx errors without a body a 'server had a problem' message", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(new Response(null, { status: 502, statusText: "Bad Gateway" }));

    const error = (await apiFetch("/api/x").catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(502);
    expect(error.message).toMatch(/server had a problem/i);
    expect(error.message).toContain("502");
  });

  it("wraps network failures as ApiError status 0 / network_error", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockRejectedValue(new TypeError("Failed to fetch"));

    await expect(apiFetch("/api/x")).rejects.toMatchObject({ status: 0, code: "network_error" });
  });

  it("notifies onUnauthorized listeners on 401 and still throws", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockImplementation(async () => apiErrorResponse(401, "not_authenticated", "Please sign in."));
    const listener = vi.fn();
    const unsubscribe = onUnauthorized(listener);

    await expect(apiFetch("/api/projects/")).rejects.toMatchObject({ status: 401 });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener.mock.calls[0]?.[0]).toMatchObject({ code: "not_authenticated" });

    unsubscribe();
    await expect(apiFetch("/api/projects/")).rejects.toMatchObject({ status: 401 });
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it("does not notify onUnauthorized listeners for 403", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(apiErrorResponse(403, "forbidden", "No."));
    const listener = vi.fn();
    const unsubscribe = onUnauthorized(listener);

    await expect(apiFetch("/api/x")).rejects.toMatchObject({ status: 403, code: "forbidden" });
    expect(listener).not.toHaveBeenCalled();
    unsubscribe();
  });
});

describe("pagination helpers", () => {
  it("apiFetchPage adds ?page=N and returns the envelope", async () => {
    const fetchMock = mockFetch();
    const page = { count: 3, next: null, previous: "/api/projects/", results: [{ id: 3 }] };
    fetchMock.mockResolvedValue(jsonResponse(page));

    await expect(apiFetchPage("/api/projects/", 2)).resolves.toEqual(page);
    expect(requestOf(fetchMock).url).toBe("/api/projects/?page=2");
  });

  it("apiFetchPage without a page leaves the query alone and keeps extra params", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockImplementation(async () => jsonResponse({ count: 0, next: null, previous: null, results: [] }));

    await apiFetchPage("/api/projects/");
    await apiFetchPage("/api/items/?status=open", 3, { params: { q: "cat dog" } });

    expect(requestOf(fetchMock, 0).url).toBe("/api/projects/");
    expect(requestOf(fetchMock, 1).url).toBe("/api/items/?status=open&q=cat+dog&page=3");
  });

  it("withQuery sets, replaces and removes params", () => {
    expect(withQuery("/a/", { page: 2 })).toBe("/a/?page=2");
    expect(withQuery("/a/?page=1&x=y", { page: 5 })).toBe("/a/?page=5&x=y");
    expect(withQuery("/a/?page=1", { page: null })).toBe("/a/");
    expect(withQuery("/a/", { flag: true, skip: undefined })).toBe("/a/?flag=true");
  });

  it("pageFromUrl reads the page number from next/previous links", () => {
    expect(pageFromUrl(null)).toBeNull();
    expect(pageFromUrl("http://testserver/api/projects/?page=3")).toBe(3);
    expect(pageFromUrl("/api/projects/?page=2&q=x")).toBe(2);
    expect(pageFromUrl("http://testserver/api/projects/")).toBe(1);
    expect(pageFromUrl("/api/projects/?page=zero")).toBeNull();
  });
});

describe("readCookie", () => {
  it("finds a cookie among others and decodes it", () => {
    document.cookie = "a=1; path=/";
    document.cookie = "csrftoken=x%2By; path=/";
    expect(readCookie("csrftoken")).toBe("x+y");
    expect(readCookie("missing")).toBeNull();
    expect(readCookie("csrf")).toBeNull();
  });
});
