/**
 * The single HTTP entry point of the app: every request to the Django API goes
 * through `apiFetch`. Nothing else in `src/` may call `fetch` directly.
 *
 * Contract with the server:
 * - same origin, session cookie auth (`credentials: "same-origin"`);
 * - JSON request and response bodies;
 * - unsafe methods carry `X-CSRFToken`, read from the `csrftoken` cookie;
 * - errors use `{"error": {"code": string, "message": string, "field": string | null}}`.
 */

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface ApiFetchOptions {
  method?: HttpMethod;
  /** Encoded as JSON, unless it is a `FormData` (sent as multipart as-is). */
  body?: unknown;
  signal?: AbortSignal;
  /** Let the request outlive the page (`fetch` keepalive), e.g. releasing a lease on `pagehide`. */
  keepalive?: boolean;
}

/** Error codes produced by the client itself (server codes are free-form strings). */
export const CLIENT_ERROR_CODES = {
  network: "network_error",
  http: "http_error",
  invalidResponse: "invalid_response",
} as const;

export class ApiError extends Error {
  override readonly name = "ApiError";
  /** HTTP status; 0 when the server could not be reached. */
  readonly status: number;
  readonly code: string;
  readonly field: string | null;
  /** The envelope's optional `details` (e.g. `{rejected: [...]}` of an import, `{orphaned}`). */
  readonly details: unknown;

  constructor(status: number, code: string, message: string, field: string | null = null, details?: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
    this.details = details;
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

/** True when `error` comes from an aborted request (e.g. a component unmounted). */
export function isAbortError(error: unknown): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    "name" in error &&
    (error as { name: unknown }).name === "AbortError"
  );
}

const UNSAFE_METHODS: ReadonlySet<HttpMethod> = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export const CSRF_COOKIE_NAME = "csrftoken";
export const CSRF_HEADER_NAME = "X-CSRFToken";

export function readCookie(name: string): string | null {
  if (typeof document === "undefined" || !document.cookie) return null;
  for (const part of document.cookie.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return null;
}

type UnauthorizedListener = (error: ApiError) => void;
const unauthorizedListeners = new Set<UnauthorizedListener>();

/**
 * Subscribe to 401 responses from any API call (the session expired or was
 * revoked). Returns an unsubscribe function.
 */
export function onUnauthorized(listener: UnauthorizedListener): () => void {
  unauthorizedListeners.add(listener);
  return () => {
    unauthorizedListeners.delete(listener);
  };
}

function assertRelativePath(path: string): void {
  // Same-origin only: an absolute URL or protocol-relative "//host" would leak
  // the CSRF token and cookies' intent to another origin.
  if (!path.startsWith("/") || path.startsWith("//") || path.startsWith("/\\")) {
    throw new TypeError(`apiFetch expects a same-origin path starting with "/", got ${JSON.stringify(path)}`);
  }
}

function isJsonContentType(contentType: string | null): boolean {
  if (!contentType) return false;
  const mime = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return mime === "application/json" || mime.endsWith("+json");
}

function statusText(response: Response): string {
  return response.statusText ? ` (${response.statusText})` : "";
}

/** Turn any non-2xx response into an ApiError, whatever its body looks like. */
async function errorFromResponse(response: Response): Promise<ApiError> {
  const status = response.status;
  const fallbackMessage =
    status >= 500
      ? `The server had a problem handling this request (HTTP ${status}${statusText(response)}). Please try again.`
      : `Request failed with HTTP ${status}${statusText(response)}.`;

  let text = "";
  try {
    text = await response.text();
  } catch {
    // Body unreadable: fall through to the generic message.
  }

  if (text) {
    let parsed: unknown;
    let isJson = false;
    try {
      parsed = JSON.parse(text);
      isJson = true;
    } catch {
      isJson = false;
    }

    if (isJson && typeof parsed === "object" && parsed !== null) {
      const envelope = (parsed as { error?: unknown }).error;
      if (typeof envelope === "object" && envelope !== null) {
        const { code, message, field, details } = envelope as Record<string, unknown>;
        return new ApiError(
          status,
          typeof code === "string" && code ? code : CLIENT_ERROR_CODES.http,
          typeof message === "string" && message ? message : fallbackMessage,
          typeof field === "string" && field ? field : null,
          details,
        );
      }
      // Tolerate Django REST framework's default `{"detail": "..."}`.
      const detail = (parsed as { detail?: unknown }).detail;
      if (typeof detail === "string" && detail) {
        return new ApiError(status, CLIENT_ERROR_CODES.http, detail);
      }
    }

    // Short plain-text bodies are usually a readable reason; HTML error pages are not.
    const contentType = response.headers.get("Content-Type") ?? "";
    const trimmed = text.trim();
    if (
      !isJson &&
      contentType.toLowerCase().startsWith("text/plain") &&
      trimmed.length > 0 &&
      trimmed.length <= 200
    ) {
      return new ApiError(status, CLIENT_ERROR_CODES.http, trimmed);
    }
  }

  return new ApiError(status, CLIENT_ERROR_CODES.http, fallbackMessage);
}

/**
 * The ApiError for a non-2xx response, with the 401 listeners notified, exactly as
 * `apiFetch` does. For the one other transport: XMLHttpRequest uploads that need upload
 * progress (api/imports.ts), which wrap the XHR's answer in a `Response`.
 */
export async function apiErrorFromResponse(response: Response): Promise<ApiError> {
  const error = await errorFromResponse(response);
  if (error.status === 401) {
    for (const listener of [...unauthorizedListeners]) listener(error);
  }
  return error;
}

/**
 * Call the API and return its decoded JSON body (`undefined` for 204 / empty bodies).
 * Throws `ApiError` for HTTP errors, network failures and non-JSON success bodies.
 * An aborted request rejects with the original `AbortError` (check `isAbortError`).
 */
export async function apiFetch<T>(path: string, options: ApiFetchOptions = {}): Promise<T> {
  assertRelativePath(path);
  const method: HttpMethod = options.method ?? "GET";

  const headers = new Headers({ Accept: "application/json" });
  let body: BodyInit | undefined;
  if (options.body !== undefined) {
    if (typeof FormData !== "undefined" && options.body instanceof FormData) {
      body = options.body; // the browser sets the multipart boundary
    } else {
      headers.set("Content-Type", "application/json");
      body = JSON.stringify(options.body);
    }
  }
  if (UNSAFE_METHODS.has(method)) {
    const token = readCookie(CSRF_COOKIE_NAME);
    if (token) headers.set(CSRF_HEADER_NAME, token);
  }

  const init: RequestInit = { method, headers, credentials: "same-origin" };
  if (body !== undefined) init.body = body;
  if (options.signal) init.signal = options.signal;
  if (options.keepalive) init.keepalive = true;

  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    if (isAbortError(error) || options.signal?.aborted) throw error;
    throw new ApiError(
      0,
      CLIENT_ERROR_CODES.network,
      "Can't reach the server. Check your connection and try again.",
    );
  }

  if (!response.ok) throw await apiErrorFromResponse(response);

  if (response.status === 204 || response.status === 205) {
    return undefined as T;
  }

  const text = await response.text();
  if (!text.trim()) return undefined as T;
  if (!isJsonContentType(response.headers.get("Content-Type"))) {
    throw new ApiError(
      response.status,
      CLIENT_ERROR_CODES.invalidResponse,
      "The server sent an unexpected response (not JSON).",
    );
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(
      response.status,
      CLIENT_ERROR_CODES.invalidResponse,
      "The server sent a malformed JSON response.",
    );
  }
}

// ---------------------------------------------------------------------------
// Pagination
// ---------------------------------------------------------------------------

/** Page-number pagination envelope used by every list endpoint. */
export interface Paginated<T> {
  count: number;
  /** Absolute or relative URL of the next page, or null on the last page. */
  next: string | null;
  previous: string | null;
  results: T[];
}

export type QueryParams = Record<string, string | number | boolean | null | undefined>;

/** Append `page=N` (and other query params) to a path, keeping existing ones. */
export function withQuery(path: string, params: QueryParams): string {
  const [base = "", existing = ""] = path.split("?", 2);
  const search = new URLSearchParams(existing);
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined) search.delete(key);
    else search.set(key, String(value));
  }
  const query = search.toString();
  return query ? `${base}?${query}` : base;
}

/**
 * Page number carried by a `next`/`previous` link. A link without a `page`
 * parameter means page 1 (that is how Django REST framework renders it).
 */
export function pageFromUrl(url: string | null): number | null {
  if (url === null) return null;
  try {
    const parsed = new URL(url, "http://placeholder.invalid");
    const raw = parsed.searchParams.get("page");
    if (raw === null) return 1;
    const page = Number(raw);
    return Number.isInteger(page) && page >= 1 ? page : null;
  } catch {
    return null;
  }
}

/**
 * Fetch one page (1-based) of a paginated list endpoint. Without `page` the
 * server's default (the first page) is returned.
 */
export function apiFetchPage<T>(
  path: string,
  page?: number,
  options: { signal?: AbortSignal; params?: QueryParams } = {},
): Promise<Paginated<T>> {
  const url = withQuery(path, { ...options.params, page });
  return apiFetch<Paginated<T>>(url, options.signal ? { signal: options.signal } : {});
}
