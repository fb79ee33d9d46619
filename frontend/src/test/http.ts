import { vi, type Mock } from "vitest";

export type FetchMock = Mock<(input: RequestInfo | URL, init?: RequestInit) => Promise<Response>>;

/** Replace global fetch with a mock (restored automatically: `unstubGlobals` in vite.config.ts). */
export function mockFetch(): FetchMock {
  const fn: FetchMock = vi.fn();
  vi.stubGlobal("fetch", fn);
  return fn;
}

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

export function apiErrorResponse(status: number, code: string, message: string, field: string | null = null): Response {
  return jsonResponse({ error: { code, message, field } }, status);
}

/** The `RequestInit` of the n-th fetch call, with headers normalised to a `Headers` object. */
export function requestOf(fetchMock: FetchMock, n = 0): { url: string; init: RequestInit; headers: Headers } {
  const call = fetchMock.mock.calls[n];
  if (!call) throw new Error(`fetch was called ${fetchMock.mock.calls.length} time(s), wanted call #${n}`);
  const [input, init = {}] = call;
  return { url: String(input), init, headers: new Headers(init.headers) };
}
