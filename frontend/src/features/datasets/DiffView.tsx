import { useEffect, useState } from "react";
import { getDiff, type Diff, type DiffRow, type DiffSummary } from "../../api/datasets";
import { isAbortError } from "../../api/client";
import { ErrorMessage } from "../../components/ErrorMessage";
import { formatCount } from "../manage/shared/format";
import { DeltaChart } from "./DeltaChart";
import { DocView } from "./DocView";
import { changedTotal, histogramRows, labelChange, signed } from "./diffMath";

const PAGE_SIZE = 10;
const KIND_LABELS = { added: "Added", removed: "Removed", changed: "Changed", conflict: "Conflict" } as const;

/** What `head` changes relative to `base`: counts, the label delta chart and the changed items, paged. */
export function DiffView({ slug, base, head, version }: { slug: string; base: string; head: string; version: number }) {
  const [page, setPage] = useState(1);
  const [diff, setDiff] = useState<Diff | null>(null);
  const [summary, setSummary] = useState<DiffSummary | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    setPage(1);
    setSummary(null);
    setDiff(null);
  }, [slug, base, head, version]);

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    setError(null);
    const wantSummary = page === 1 || summary === null;
    getDiff(slug, { base, head, page, pageSize: PAGE_SIZE, summary: wantSummary }, controller.signal).then(
      (answer) => {
        setDiff(answer);
        if (answer.summary) setSummary(answer.summary);
        setLoading(false);
      },
      (err: unknown) => {
        if (isAbortError(err)) return;
        setError(err);
        setLoading(false);
      },
    );
    return () => controller.abort();
    // `summary` is read only to skip recounting on later pages.
  }, [slug, base, head, page, version, attempt]);

  if (error) return <ErrorMessage title={`Couldn't compare ${head} with ${base}`} error={error} onRetry={() => setAttempt((n) => n + 1)} />;
  if (!diff || !summary) {
    return (
      <div className="mg-loading ds-diff-loading" role="status">
        <span className="spinner" aria-hidden="true" /> Comparing {head} with {base}…
      </div>
    );
  }

  const rows = histogramRows(summary.histogram_before, summary.histogram_after);
  const total = changedTotal(summary);
  return (
    <div className="mg-stack" aria-busy={loading}>
      <dl className="mg-tiles" aria-label="Changed items">
        {(["added", "removed", "changed", "conflict"] as const).map((kind) => (
          <div key={kind} className={`mg-tile ds-tile ds-tile--${kind}${summary[kind] > 0 ? " is-nonzero" : ""}`}>
            <dt className="mg-tile__label">{KIND_LABELS[kind]}</dt>
            <dd className="mg-tile__value">{formatCount(summary[kind])}</dd>
          </div>
        ))}
      </dl>
      <div>
        <h3 className="ds-subtitle">Label counts</h3>
        {rows.length === 0 ? (
          <p className="muted mg-small">No label count changes.</p>
        ) : (
          <DeltaChart rows={rows} title={`Label count change, ${base} → ${head}`} />
        )}
      </div>
      <div>
        <h3 className="ds-subtitle">Items</h3>
        {total === 0 ? (
          <p className="muted mg-small">
            {head} has nothing that {base} lacks.
          </p>
        ) : (
          <ul className="ds-rows">
            {diff.items.map((row) => (
              <DiffRowView key={row.path} row={row} base={base} head={head} />
            ))}
          </ul>
        )}
        {page > 1 || diff.has_more ? (
          <nav className="pagination" aria-label="Changed items pages">
            <button type="button" className="button button--secondary button--small" disabled={page <= 1 || loading} onClick={() => setPage(page - 1)}>
              Previous
            </button>
            <span className="pagination__status">
              Page {page} of {Math.max(page, Math.ceil(total / PAGE_SIZE))}
            </span>
            <button type="button" className="button button--secondary button--small" disabled={!diff.has_more || loading} onClick={() => setPage(page + 1)}>
              Next
            </button>
          </nav>
        ) : null}
      </div>
    </div>
  );
}

function DiffRowView({ row, base, head }: { row: DiffRow; base: string; head: string }) {
  const change = labelChange(row.before, row.after);
  const doc = row.after ?? row.before;
  const name = doc?.external_id ? `${doc.external_id}` : `Item ${row.item ?? "?"}`;
  return (
    <li className="ds-row">
      <div className="ds-row__head">
        <span className={`ds-kind ds-kind--${row.kind}`}>{KIND_LABELS[row.kind]}</span>
        <span className="ds-row__name">{name}</span>
        <span className="muted mg-small mg-mono mg-truncate">{row.path}</span>
        <span className="ds-row__labels mg-small">
          {change.removed.map((k, i) => (
            <span key={`r${i}`} className="ds-delta ds-delta--minus">
              {signed(-1)} {k}
            </span>
          ))}
          {change.added.map((k, i) => (
            <span key={`a${i}`} className="ds-delta ds-delta--plus">
              {signed(1)} {k}
            </span>
          ))}
        </span>
      </div>
      <div className="ds-sides ds-sides--2">
        <DocView doc={row.before} caption={`Before (${base})`} />
        <DocView doc={row.after} caption={`After (${head})`} />
      </div>
    </li>
  );
}
