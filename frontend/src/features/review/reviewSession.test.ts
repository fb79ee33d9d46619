import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../../api/client";
import type { AnnotationOut, ReviewIn, ReviewItem } from "../../api/annotations";
import { ReviewSession, pendingAnnotations, type ReviewApi } from "./reviewSession";

function annotation(id: number, status: AnnotationOut["status"] = "pending"): AnnotationOut {
  return {
    id,
    item: 1,
    project: 1,
    user: id,
    username: `a${id}`,
    result: [],
    lead_time_ms: 1000,
    status,
    ground_truth_score: null,
    reviewed_by: null,
    review_comment: "",
    reviewed_at: null,
    created_at: "2030-01-01T00:00:00Z",
    updated_at: "2030-01-01T00:00:00Z",
  };
}

function reviewItem(itemId: number, annotations: AnnotationOut[]): ReviewItem {
  return {
    item: { id: itemId, project: 1, external_id: null, text: "t", media_url: null, thumbnail_url: null, width: null, height: null, meta: {}, state: "submitted", annotation_count: annotations.length, agreement: 0.5, pre_annotation: null },
    lease: { id: itemId * 10, kind: "review", expires_at: "2030-01-01T00:00:00Z" },
    annotations,
  };
}

function setup(queue: (ReviewItem | null)[], overrides: Partial<ReviewApi> = {}) {
  const calls: string[] = [];
  const api: ReviewApi = {
    reviewNext: vi.fn(async () => {
      calls.push("next");
      return queue.shift() ?? null;
    }),
    reviewAnnotation: vi.fn(async (id: number, body: ReviewIn): Promise<AnnotationOut> => {
      calls.push(`${body.verdict} ${id}`);
      return { ...annotation(id), status: body.verdict === "reject" ? "rejected" : "accepted", review_comment: body.comment ?? "" };
    }),
    heartbeatLease: vi.fn(async () => undefined),
    releaseLease: vi.fn(async (id: number, keepalive?: boolean) => {
      calls.push(`release ${id}${keepalive ? " keepalive" : ""}`);
    }),
    ...overrides,
  };
  const session = new ReviewSession(1, 90, { api, preload: async () => undefined, setInterval: () => 1, clearInterval: () => undefined });
  return { session, calls, api };
}

describe("review session", () => {
  it("moves to the next item once every pending annotation has a verdict", async () => {
    const { session, calls } = setup([reviewItem(1, [annotation(11), annotation(12), annotation(13, "accepted")]), null]);
    await session.next();
    expect(pendingAnnotations(session.getSnapshot().current).map((a) => a.id)).toEqual([11, 12]);
    await session.verdict(11, { verdict: "accept" });
    expect(session.getSnapshot().current?.item.id).toBe(1);
    expect(pendingAnnotations(session.getSnapshot().current).map((a) => a.id)).toEqual([12]);
    await session.verdict(12, { verdict: "reject", comment: "wrong label" });
    expect(calls).toEqual(["next", "accept 11", "reject 12", "next"]);
    expect(session.getSnapshot()).toMatchObject({ phase: "empty", reviewed: 2 });
  });

  it("keeps the item and reports which annotation a failed verdict was for", async () => {
    const error = new ApiError(400, "validation_failed", "say what is wrong so the annotator can fix it", "comment");
    const { session } = setup([reviewItem(1, [annotation(11)])], { reviewAnnotation: vi.fn(async () => Promise.reject(error)) });
    await session.next();
    expect(await session.verdict(11, { verdict: "reject", comment: "" })).toBe(false);
    expect(session.getSnapshot()).toMatchObject({ phase: "ready", actionError: { annotationId: 11, error } });
  });

  it("releases the held review lease when the page goes away", async () => {
    const { session, calls } = setup([reviewItem(1, [annotation(11)])]);
    await session.next();
    session.dispose();
    expect(calls).toContain("release 10 keepalive");
  });
});
