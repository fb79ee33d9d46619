/**
 * A tiny external store for React's useSyncExternalStore: one immutable snapshot that is
 * replaced on every change, and the listeners to tell. The queue and review sessions share it.
 */
export abstract class SnapshotStore<S extends object> {
  private readonly listeners = new Set<() => void>();
  /** Set by dispose(): later updates are dropped, so nothing re-renders an unmounted page. */
  protected disposed = false;

  protected constructor(protected snapshot: S) {}

  readonly getSnapshot = (): S => this.snapshot;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  protected update(change: Partial<S>): void {
    if (this.disposed) return;
    this.snapshot = { ...this.snapshot, ...change };
    for (const listener of [...this.listeners]) listener();
  }

  /** Stop notifying: the page that listened is gone. */
  protected close(): void {
    this.disposed = true;
    this.listeners.clear();
  }
}
