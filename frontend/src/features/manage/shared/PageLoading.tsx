/** Placeholder while a lazily loaded screen or its data arrives (keeps the page height). */
export function PageLoading({ label = "Loading…" }: { label?: string }) {
  return (
    <div className="mg-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}
