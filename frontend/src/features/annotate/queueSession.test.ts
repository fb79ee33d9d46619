import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../../api/client";
import type { LeasedItem, QueueItem } from "../../api/queue";
import { QueueSession, newIdempotencyKey, type QueueApi, type QueueDeps } from "./queueSession";

function item(id: number): QueueItem {
  return {
    id,
    project: 1,
    external_id: `scene-${id}`,
    text: "",
    media_url: `/api/items/${id}/media`,
    thumbnail_url: null,
    width: 640,
    height: 480,
    meta: {},
    state: "open",
    annotation_count: 0,
    agreement: null,
    pre_annotation: null,
  };
}

function leased(id: number, lease = id * 10): LeasedItem {
  return { item: item(id), lease: { id: lease, kind: "annotate", expires_at: "2030-01-01T00:00:00Z" } };
}

function setup(queue: (LeasedItem | null)[], overrides: Partial<QueueApi> = {}) {
  const calls: string[] = [];
  const api: QueueApi = {
    queueNext: vi.fn(async () => {
      calls.push("next");
      return queue.shift() ?? null;
    }),
    heartbeatLease: vi.fn(async (id: number) => {
      calls.push(`beat ${id}`);
    }),
    releaseLease: vi.fn(async (id: number, keepalive?: boolean) => {
      calls.push(`release ${id}${keepalive ? " keepalive" : ""}`);
    }),
    submitAnnotation: vi.fn(async (id: number) => {
      calls.push(`submit ${id}`);
      return {} as never;
    }),
    skipItem: vi.fn(async (id: number) => {
      calls.push(`skip ${id}`);
    }),
    ...overrides,
  };
  const timers: { fn: () => void; ms: number }[] = [];
  let keys = 0;
  let now = 1000;
  const deps: Partial<QueueDeps> = {
    api,
    preload: vi.fn(async (url: string) => {
      calls.push(`preload ${url}`);
    }),
    now: () => now,
    newKey: () => `key-${(keys += 1)}`,
    setInterval: (fn, ms) => timers.push({ fn, ms }),
    clearInterval: () => timers.splice(0),
  };
  const shown: number[] = [];
  const session = new QueueSession(1, 600, (current) => shown.push(current.item.id), deps);
  return { session, api, calls, timers, shown, advance: (ms: number) => (now += ms) };
}

describe("queue session", () => {
  it("shows an item only after its image is preloaded, then submits and shows the next", async () => {
    const { session, api, calls, shown, advance } = setup([leased(1), leased(2)]);
    await session.next();
    expect(calls).toEqual(["next", "preload /api/items/1/media"]);
    expect(shown).toEqual([1]);
    expect(session.getSnapshot()).toMatchObject({ phase: "ready", current: { item: { id: 1 }, leaseId: 10, idempotencyKey: "key-1" } });
    advance(2500);
    expect(await session.submit([{ control: "c", type: "class", labels: ["a"] }])).toBe(true);
    expect(api.submitAnnotation).toHaveBeenCalledWith(1, { result: [{ control: "c", type: "class", labels: ["a"] }], lead_time_ms: 2500, idempotency_key: "key-1" });
    expect(calls.slice(2)).toEqual(["submit 1", "next", "preload /api/items/2/media"]);
    expect(shown).toEqual([1, 2]);
    expect(session.getSnapshot()).toMatchObject({ phase: "ready", submitted: 1, current: { item: { id: 2 }, idempotencyKey: "key-2" } });
  });

  it("keeps the item and the idempotency key when a submit fails, so a retry is safe", async () => {
    let attempts = 0;
    const { session, api } = setup([leased(1), leased(2)], {
      submitAnnotation: vi.fn(async () => {
        attempts += 1;
        if (attempts === 1) throw new ApiError(0, "network_error", "Can't reach the server.");
        return {} as never;
      }),
    });
    await session.next();
    expect(await session.submit([])).toBe(false);
    expect(session.getSnapshot()).toMatchObject({ phase: "ready", current: { item: { id: 1 } } });
    expect(session.getSnapshot().actionError).toBeInstanceOf(ApiError);
    expect(await session.submit([])).toBe(true);
    const keys = vi.mocked(api.submitAnnotation).mock.calls.map(([, body]) => body.idempotency_key);
    expect(keys).toEqual(["key-1", "key-1"]);
    expect(session.getSnapshot()).toMatchObject({ current: { item: { id: 2 } }, actionError: null });
  });

  it("says when the queue is empty", async () => {
    const { session } = setup([null]);
    await session.next();
    expect(session.getSnapshot()).toMatchObject({ phase: "empty", current: null });
  });

  it("keeps the lease alive every lease_seconds/3 and reports a lost lease", async () => {
    const { session, timers, calls } = setup([leased(1)], {
      heartbeatLease: vi.fn(async () => {
        throw new ApiError(409, "lease_expired", "The lease expired and the item was given to someone else.");
      }),
    });
    await session.next();
    expect(timers).toHaveLength(1);
    expect(timers[0]!.ms).toBe(200_000);
    await session.beat();
    expect(session.getSnapshot().leaseLost).toBe("The lease expired and the item was given to someone else.");
    expect(timers).toHaveLength(0);
    expect(calls).not.toContain("release 10");
  });

  it("releases the lease on page hide (keepalive) and not after a submit", async () => {
    const first = setup([leased(1)]);
    await first.session.next();
    first.session.release(true);
    expect(first.calls).toContain("release 10 keepalive");

    const second = setup([leased(1), null]);
    await second.session.next();
    await second.session.submit([]);
    second.session.dispose();
    expect(second.calls.some((c) => c.startsWith("release"))).toBe(false);
  });

  it("skips an item and moves on", async () => {
    const { session, calls } = setup([leased(1), leased(2)]);
    await session.next();
    expect(await session.skip()).toBe(true);
    expect(calls).toContain("skip 1");
    expect(session.getSnapshot().current?.item.id).toBe(2);
  });

  it("does not hand out an item to a disposed session (React's double mount)", async () => {
    const { session, shown, calls } = setup([leased(1)]);
    const pending = session.next();
    session.dispose();
    await pending;
    expect(shown).toEqual([]);
    expect(calls.some((c) => c.startsWith("release"))).toBe(false);
  });

  it("reports a failed next as an error phase with retry", async () => {
    const { session } = setup([], { queueNext: vi.fn(async () => Promise.reject(new ApiError(500, "http_error", "boom"))) });
    await session.next();
    expect(session.getSnapshot()).toMatchObject({ phase: "error" });
  });
});

describe("idempotency keys", () => {
  it("are UUID v4 and differ", () => {
    const a = newIdempotencyKey();
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newIdempotencyKey()).not.toBe(a);
  });
});
