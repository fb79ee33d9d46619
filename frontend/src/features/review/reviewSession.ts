/**
 * The reviewer's side of the review queue, without React: one leased item with its
 * annotations, the lease kept alive and released like the annotator's; a verdict per pending
 * annotation, and the next item once none is left pending.
 */

import { isApiError } from "../../api/client";
import { SnapshotStore } from "../annotate/snapshotStore";
import * as annotationsApi from "../../api/annotations";
import * as queueApi from "../../api/queue";
import type { AnnotationOut, ReviewIn, ReviewItem } from "../../api/annotations";
import { preloadImage } from "../annotate/queueSession";

export type ReviewPhase = "loading" | "ready" | "sending" | "empty" | "error";

export interface ReviewSnapshot {
  phase: ReviewPhase;
  current: ReviewItem | null;
  error: unknown;
  /** The last verdict failure, with the annotation it was for. */
  actionError: { annotationId: number; error: unknown } | null;
  leaseLost: string | null;
  reviewed: number;
}

export interface ReviewApi {
  reviewNext(projectId: number): Promise<ReviewItem | null>;
  reviewAnnotation(annotationId: number, body: ReviewIn): Promise<AnnotationOut>;
  heartbeatLease(leaseId: number): Promise<unknown>;
  releaseLease(leaseId: number, keepalive?: boolean): Promise<void>;
}

export interface ReviewDeps {
  api: ReviewApi;
  preload: (url: string) => Promise<void>;
  setInterval: (fn: () => void, ms: number) => unknown;
  clearInterval: (handle: unknown) => void;
}

const defaultDeps: ReviewDeps = {
  api: {
    reviewNext: annotationsApi.reviewNext,
    reviewAnnotation: annotationsApi.reviewAnnotation,
    heartbeatLease: queueApi.heartbeatLease,
    releaseLease: queueApi.releaseLease,
  },
  preload: preloadImage,
  setInterval: (fn, ms) => window.setInterval(fn, ms),
  clearInterval: (handle) => window.clearInterval(handle as number),
};

export function pendingAnnotations(current: ReviewItem | null): AnnotationOut[] {
  return current?.annotations.filter((a) => a.status === "pending") ?? [];
}

export class ReviewSession extends SnapshotStore<ReviewSnapshot> {
  private heartbeat: unknown = null;
  private heldLease: number | null = null;
  private readonly deps: ReviewDeps;

  constructor(
    private readonly projectId: number,
    private readonly leaseSeconds: number,
    deps: Partial<ReviewDeps> = {},
  ) {
    super({ phase: "loading", current: null, error: null, actionError: null, leaseLost: null, reviewed: 0 });
    this.deps = { ...defaultDeps, ...deps };
  }

  async next(): Promise<void> {
    this.stopHeartbeat();
    if (!this.snapshot.current) this.update({ phase: "loading", error: null });
    let next: ReviewItem | null;
    try {
      next = await this.deps.api.reviewNext(this.projectId);
      if (next?.item.media_url) await this.deps.preload(next.item.media_url);
    } catch (error) {
      this.update({ phase: "error", error });
      return;
    }
    if (this.disposed) return;
    this.heldLease = next?.lease.id ?? null;
    this.update({ phase: next ? "ready" : "empty", current: next, error: null, actionError: null, leaseLost: null });
    if (next) {
      const every = Math.max(5, this.leaseSeconds / 3) * 1000;
      this.heartbeat = this.deps.setInterval(() => void this.beat(), every);
    }
  }

  /** Send a verdict; the next item comes once no annotation of this one is pending. */
  async verdict(annotationId: number, body: ReviewIn): Promise<boolean> {
    const current = this.snapshot.current;
    if (!current || this.snapshot.phase !== "ready") return false;
    this.update({ phase: "sending", actionError: null });
    let reviewed: AnnotationOut;
    try {
      reviewed = await this.deps.api.reviewAnnotation(annotationId, body);
    } catch (error) {
      this.update({ phase: "ready", actionError: { annotationId, error } });
      return false;
    }
    const annotations = current.annotations.map((a) => (a.id === annotationId ? { ...a, ...reviewed } : a));
    const updated = { ...current, annotations };
    this.update({ current: updated, reviewed: this.snapshot.reviewed + 1 });
    if (pendingAnnotations(updated).length === 0) {
      this.heldLease = null; // the server ends the review lease with the last verdict
      await this.next();
    } else {
      this.update({ phase: "ready" });
    }
    return true;
  }

  private stopHeartbeat(): void {
    if (this.heartbeat !== null) this.deps.clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  async beat(): Promise<void> {
    const lease = this.heldLease;
    if (lease === null) return;
    try {
      await this.deps.api.heartbeatLease(lease);
    } catch (error) {
      if (lease === this.heldLease && isApiError(error) && (error.status === 404 || error.status === 409)) {
        this.stopHeartbeat();
        this.update({ leaseLost: "This item is no longer reserved for your review; another reviewer may take it." });
      }
    }
  }

  release(keepalive = false): void {
    this.stopHeartbeat();
    const lease = this.heldLease;
    this.heldLease = null;
    if (lease !== null) void this.deps.api.releaseLease(lease, keepalive).catch(() => undefined);
  }

  resume(): void {
    if (!this.disposed && this.heldLease === null) void this.next();
  }

  dispose(): void {
    this.release(true);
    this.close();
  }
}
