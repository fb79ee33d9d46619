/**
 * The annotator's side of the queue, without React: one leased item at a time, its lease kept
 * alive by a heartbeat and released when the page goes away; submit (safe to retry: the same
 * idempotency key until it succeeds), skip, and the next item shown only once its image is
 * decoded, so the screen swaps in one frame.
 */

import { isApiError } from "../../api/client";
import { SnapshotStore } from "./snapshotStore";
import * as queueApi from "../../api/queue";
import type { LeasedItem, QueueItem } from "../../api/queue";

export type QueuePhase = "loading" | "ready" | "submitting" | "skipping" | "empty" | "error";

export interface CurrentItem {
  item: QueueItem;
  leaseId: number;
  /** Sent with every submit attempt of this item. */
  idempotencyKey: string;
  /** `performance.now()` when the item was shown (lead time starts here). */
  shownAt: number;
}

export interface QueueSnapshot {
  phase: QueuePhase;
  current: CurrentItem | null;
  /** Why loading the next item failed (phase "error"). */
  error: unknown;
  /** The last submit or skip failure; cleared by the next attempt. */
  actionError: unknown;
  /** The lease was lost (expired and taken, or released elsewhere). */
  leaseLost: string | null;
  /** Items submitted in this session. */
  submitted: number;
}

export interface QueueApi {
  queueNext(projectId: number): Promise<LeasedItem | null>;
  heartbeatLease(leaseId: number): Promise<unknown>;
  releaseLease(leaseId: number, keepalive?: boolean): Promise<void>;
  submitAnnotation(itemId: number, body: queueApi.AnnotationIn): Promise<queueApi.AnnotationOut>;
  skipItem(itemId: number): Promise<void>;
}

export interface QueueDeps {
  api: QueueApi;
  /** Fetch and decode an image so that showing it is instant. */
  preload: (url: string) => Promise<void>;
  now: () => number;
  newKey: () => string;
  setInterval: (fn: () => void, ms: number) => unknown;
  clearInterval: (handle: unknown) => void;
}

/** Resolve once the image is in the memory cache and decoded (failures resolve too: the view shows them). */
export function preloadImage(url: string): Promise<void> {
  if (typeof Image === "undefined") return Promise.resolve();
  const image = new Image();
  image.decoding = "async";
  image.src = url;
  if (typeof image.decode !== "function") return Promise.resolve();
  return image.decode().catch(() => undefined);
}

/** A random UUID v4; `crypto.randomUUID` needs a secure context, `getRandomValues` does not. */
export function newIdempotencyKey(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === "function") return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (c?.getRandomValues) c.getRandomValues(bytes);
  else for (let i = 0; i < 16; i += 1) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const defaultDeps: QueueDeps = {
  api: queueApi,
  preload: preloadImage,
  now: () => performance.now(),
  newKey: newIdempotencyKey,
  setInterval: (fn, ms) => window.setInterval(fn, ms),
  clearInterval: (handle) => window.clearInterval(handle as number),
};

export class QueueSession extends SnapshotStore<QueueSnapshot> {
  private heartbeat: unknown = null;
  /** The lease we hold and must give back (null once submitted, skipped or released). */
  private heldLease: number | null = null;
  private readonly deps: QueueDeps;

  constructor(
    private readonly projectId: number,
    private readonly leaseSeconds: number,
    /** Called with each new item before listeners hear about it (load the editor here). */
    private readonly onItem: (current: CurrentItem) => void,
    deps: Partial<QueueDeps> = {},
  ) {
    super({
      phase: "loading",
      current: null,
      error: null,
      actionError: null,
      leaseLost: null,
      submitted: 0,
    });
    this.deps = { ...defaultDeps, ...deps };
  }

  /** Lease the next item (or the one already leased to us) and show it once its image is ready. */
  async next(): Promise<void> {
    this.stopHeartbeat();
    if (this.snapshot.phase !== "submitting" && this.snapshot.phase !== "skipping") {
      this.update({ phase: this.snapshot.current ? this.snapshot.phase : "loading", error: null });
    }
    let leased: LeasedItem | null;
    try {
      leased = await this.deps.api.queueNext(this.projectId);
      if (leased?.item.media_url) await this.deps.preload(leased.item.media_url);
    } catch (error) {
      this.update({ phase: "error", error });
      return;
    }
    if (this.disposed) {
      // Not handed to anyone: a later `next` returns the same lease, so it is not released here.
      return;
    }
    if (!leased) {
      this.heldLease = null;
      this.update({ phase: "empty", current: null, error: null, actionError: null, leaseLost: null });
      return;
    }
    const sameItem = this.snapshot.current?.item.id === leased.item.id;
    const current: CurrentItem = sameItem
      ? { ...this.snapshot.current!, item: leased.item, leaseId: leased.lease.id }
      : { item: leased.item, leaseId: leased.lease.id, idempotencyKey: this.deps.newKey(), shownAt: this.deps.now() };
    this.heldLease = leased.lease.id;
    if (!sameItem) this.onItem(current);
    this.update({ phase: "ready", current, error: null, actionError: null, leaseLost: null });
    this.startHeartbeat();
  }

  /** Submit the current item's result, then move on. Returns false when the submit failed
   * (the error is in `actionError`; the drawing stays and a retry reuses the key). */
  async submit(result: unknown[]): Promise<boolean> {
    const current = this.snapshot.current;
    if (!current || this.snapshot.phase !== "ready") return false;
    this.update({ phase: "submitting", actionError: null });
    try {
      await this.deps.api.submitAnnotation(current.item.id, {
        result,
        lead_time_ms: Math.max(0, Math.round(this.deps.now() - current.shownAt)),
        idempotency_key: current.idempotencyKey,
      });
    } catch (error) {
      this.update({ phase: "ready", actionError: error });
      return false;
    }
    this.heldLease = null; // the server ended the lease with the submit
    this.update({ submitted: this.snapshot.submitted + 1 });
    await this.next();
    return true;
  }

  async skip(): Promise<boolean> {
    const current = this.snapshot.current;
    if (!current || this.snapshot.phase !== "ready") return false;
    this.update({ phase: "skipping", actionError: null });
    try {
      await this.deps.api.skipItem(current.item.id);
    } catch (error) {
      this.update({ phase: "ready", actionError: error });
      return false;
    }
    this.heldLease = null;
    await this.next();
    return true;
  }

  /** Drop the current item after its lease was lost, and take the next. */
  async moveOn(): Promise<void> {
    this.heldLease = null;
    this.update({ current: null, phase: "loading" });
    await this.next();
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    const every = Math.max(5, this.leaseSeconds / 3) * 1000;
    this.heartbeat = this.deps.setInterval(() => void this.beat(), every);
  }

  private stopHeartbeat(): void {
    if (this.heartbeat !== null) this.deps.clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  /** One heartbeat; public for tests. */
  async beat(): Promise<void> {
    const lease = this.heldLease;
    if (lease === null) return;
    try {
      await this.deps.api.heartbeatLease(lease);
    } catch (error) {
      if (lease !== this.heldLease) return;
      if (isApiError(error) && (error.status === 404 || error.status === 409)) {
        this.stopHeartbeat();
        this.update({
          leaseLost:
            error.status === 409
              ? error.message
              : "This item is no longer reserved for you. You can still try to submit, or take the next item.",
        });
      }
      // Network hiccups: the next beat tries again; the lease lasts lease_seconds.
    }
  }

  /** Give the lease back (page closed or left). `keepalive` for `pagehide`. */
  release(keepalive = false): void {
    this.stopHeartbeat();
    const lease = this.heldLease;
    this.heldLease = null;
    if (lease !== null) void this.deps.api.releaseLease(lease, keepalive).catch(() => undefined);
  }

  dispose(): void {
    this.release(true);
    this.close();
  }

  /** After the page came back from the back/forward cache: the lease was released on pagehide. */
  resume(): void {
    if (this.disposed || this.heldLease !== null) return;
    void this.next();
  }
}
