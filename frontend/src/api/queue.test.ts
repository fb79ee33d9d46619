import { describe, expect, it } from "vitest";
import { jsonResponse, mockFetch, requestOf } from "../test/http";
import { getLabelingProject, heartbeatLease, queueNext, releaseLease, skipItem, submitAnnotation } from "./queue";

describe("queue API", () => {
  it("POSTs queue/next and turns 204 into null", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValueOnce(jsonResponse({ item: { id: 3 }, lease: { id: 9, kind: "annotate", expires_at: "x" } }));
    fetchMock.mockResolvedValueOnce(new Response(null, { status: 204 }));
    expect(await queueNext(5)).toMatchObject({ item: { id: 3 }, lease: { id: 9 } });
    expect(await queueNext(5)).toBeNull();
    expect(requestOf(fetchMock).url).toBe("/api/projects/5/queue/next");
    expect(requestOf(fetchMock).init.method).toBe("POST");
  });

  it("submits the result with its idempotency key and the CSRF header", async () => {
    document.cookie = "csrftoken=tok";
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(jsonResponse({ id: 1 }, 201));
    const body = { result: [{ control: "c", type: "class", labels: ["a"] }], lead_time_ms: 1200, idempotency_key: "k-1" };
    await submitAnnotation(7, body);
    const { url, init, headers } = requestOf(fetchMock);
    expect(url).toBe("/api/items/7/annotations");
    expect(JSON.parse(String(init.body))).toEqual(body);
    expect(headers.get("X-CSRFToken")).toBe("tok");
  });

  it("releases a lease with DELETE, keepalive when the page unloads", async () => {
    document.cookie = "csrftoken=tok";
    const fetchMock = mockFetch();
    fetchMock.mockImplementation(async () => new Response(null, { status: 204 }));
    await releaseLease(4, true);
    await releaseLease(4);
    expect(requestOf(fetchMock, 0)).toMatchObject({ url: "/api/leases/4", init: { method: "DELETE", keepalive: true } });
    expect(requestOf(fetchMock, 0).headers.get("X-CSRFToken")).toBe("tok");
    expect(requestOf(fetchMock, 1).init.keepalive).toBeUndefined();
  });

  it("heartbeats, skips and reads the project", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockImplementation(async (input) =>
      String(input).endsWith("/skip") ? new Response(null, { status: 204 }) : jsonResponse({ id: 1 }),
    );
    await heartbeatLease(4);
    await skipItem(8);
    await getLabelingProject(2);
    expect(fetchMock.mock.calls.map((_, i) => [requestOf(fetchMock, i).init.method ?? "GET", requestOf(fetchMock, i).url])).toEqual([
      ["POST", "/api/leases/4/heartbeat"],
      ["POST", "/api/items/8/skip"],
      ["GET", "/api/projects/2/"],
    ]);
  });
});
