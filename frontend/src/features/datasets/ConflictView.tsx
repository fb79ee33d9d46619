import { useReducer, useState } from "react";
import { resolveMerge, type Merge, type MergeConflict, type Side } from "../../api/datasets";
import { ErrorMessage } from "../../components/ErrorMessage";
import { plural } from "../manage/shared/format";
import { DocView } from "./DocView";
import { pickCounts, picksReducer, resolvePayload, unpicked } from "./conflictPicks";

/** A merge that stopped on conflicts: pick the source's or the target's version per item (or for all), then merge. */
export function ConflictView({
  slug,
  source,
  target,
  conflict,
  onResolved,
  onCancel,
}: {
  slug: string;
  source: string;
  target: string;
  conflict: MergeConflict;
  onResolved: (merge: Merge) => void;
  onCancel: () => void;
}) {
  const [picks, dispatch] = useReducer(picksReducer, {});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const paths = conflict.conflicts.map((c) => c.path);
  const payload = resolvePayload(conflict.conflicts, picks);
  const left = unpicked(conflict.conflicts, picks).length;
  const counts = pickCounts(conflict.conflicts, picks);
  const sideName = (side: Side) => (side === "source" ? source : target);

  async function resolve() {
    if (!payload) return;
    setBusy(true);
    setError(null);
    try {
      onResolved(await resolveMerge(slug, conflict.merge, payload));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <section className="mg-card ds-conflicts" aria-labelledby="conflicts-title">
      <div className="mg-card__head">
        <h2 id="conflicts-title" className="mg-card__title">
          Resolve conflicts: {source} → {target}
        </h2>
        <p className="muted mg-small">
          {conflict.message} For each item keep the version of {source} (source) or of {target} (target).
        </p>
      </div>
      <div className="mg-form__actions">
        <button type="button" className="button button--secondary button--small" disabled={busy} onClick={() => dispatch({ type: "all", paths, side: "source" })}>
          Keep {source} for all
        </button>
        <button type="button" className="button button--secondary button--small" disabled={busy} onClick={() => dispatch({ type: "all", paths, side: "target" })}>
          Keep {target} for all
        </button>
      </div>
      <ul className="ds-rows">
        {conflict.conflicts.map((row) => {
          const pick = picks[row.path];
          const name = (row.source ?? row.target ?? row.base)?.external_id ?? `Item ${row.item}`;
          return (
            <li key={row.path} className="ds-row">
              <fieldset className="ds-fieldset-plain">
                <legend className="ds-row__head">
                  <span className="ds-kind ds-kind--conflict">Conflict</span>
                  <span className="ds-row__name">{name}</span>
                  <span className="muted mg-small mg-mono">{row.path}</span>
                </legend>
                <div className="ds-sides ds-sides--3">
                  <DocView doc={row.base} caption="Base (where they parted)" emptyText="Not in the base." />
                  {(["source", "target"] as const).map((side) => (
                    <label key={side} className={`ds-pick${pick === side ? " is-picked" : ""}`}>
                      <span className="ds-pick__choice">
                        <input
                          type="radio"
                          name={`pick-${row.path}`}
                          value={side}
                          checked={pick === side}
                          disabled={busy}
                          onChange={() => dispatch({ type: "pick", path: row.path, side })}
                        />
                        Keep {side} ({sideName(side)})
                      </span>
                      <DocView doc={row[side]} caption={side === "source" ? `Source: ${source}` : `Target: ${target}`} emptyText="Removed on this side." />
                    </label>
                  ))}
                </div>
              </fieldset>
            </li>
          );
        })}
      </ul>
      <div className="mg-form__actions ds-resolve-actions">
        <button type="button" className="button button--primary" disabled={!payload || busy} onClick={resolve}>
          {busy ? "Merging…" : "Resolve and merge"}
        </button>
        <button type="button" className="button button--ghost" disabled={busy} onClick={onCancel}>
          Cancel
        </button>
        <span className="muted mg-small" aria-live="polite">
          {left > 0
            ? `${plural(left, "item")} still to pick.`
            : `${counts.source} from ${source}, ${counts.target} from ${target}.`}
        </span>
      </div>
      {error ? <ErrorMessage title="Couldn't resolve the merge" error={error} /> : null}
    </section>
  );
}
