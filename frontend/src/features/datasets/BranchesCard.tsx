import { useState, type FormEvent } from "react";
import { createBranch, deleteBranch, type Branch } from "../../api/datasets";
import { ErrorMessage } from "../../components/ErrorMessage";
import { shortCommit } from "./diffMath";
import { MAIN_BRANCH, branchErrorText, branchNameProblem, canDeleteBranch } from "./branches";

interface BranchesCardProps {
  slug: string;
  branches: readonly Branch[];
  loading: boolean;
  error: unknown;
  onRetry: () => void;
  head: string | null;
  onCompare: (branch: string) => void;
  /** A branch was created or deleted: reload the list. */
  onChanged: () => void;
  onDeleted: (branch: string) => void;
}

/** The dataset's branches: compare a round with main, start a round from a ref, delete a round. */
export function BranchesCard({ slug, branches, loading, error, onRetry, head, onCompare, onChanged, onDeleted }: BranchesCardProps) {
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [rowError, setRowError] = useState<{ name: string; text: string } | null>(null);
  const [notice, setNotice] = useState("");

  async function remove(name: string) {
    setBusy(name);
    setRowError(null);
    setNotice("");
    try {
      await deleteBranch(slug, name);
      setConfirming(null);
      setNotice(`Deleted branch ${name}.`);
      onDeleted(name);
      onChanged();
    } catch (err) {
      setRowError({ name, text: branchErrorText(err) });
    } finally {
      setBusy(null);
    }
  }

  return (
    <section className="mg-card" aria-labelledby="branches-title">
      <h2 id="branches-title" className="mg-card__title">
        Branches
      </h2>
      {error ? (
        <ErrorMessage title="Couldn't load the branches" error={error} onRetry={onRetry} />
      ) : loading ? (
        <p className="muted mg-small">Loading…</p>
      ) : branches.length === 0 ? (
        <p className="muted mg-small">No snapshot yet. Take the first one below.</p>
      ) : (
        <ul className="ds-list" aria-label="Branches">
          {branches.map((b) => (
            <li key={b.name} className={`ds-list__row${head === b.name ? " is-current" : ""}`}>
              <span className="ds-branch">{b.name}</span>
              <span className="muted mg-small mg-mono">{shortCommit(b.commit)}</span>
              {b.name === MAIN_BRANCH ? (
                <span className="badge badge--neutral">default</span>
              ) : (
                <button type="button" className="button button--ghost button--small" aria-pressed={head === b.name} onClick={() => onCompare(b.name)}>
                  {head === b.name ? "Comparing" : "Compare with main"}
                </button>
              )}
              {canDeleteBranch(b.name) ? (
                confirming === b.name ? (
                  <span className="mg-confirm">
                    <span className="mg-small">Delete? Its commits stay in merges and versions.</span>
                    <button
                      type="button"
                      className="button button--small mg-button-danger"
                      disabled={busy !== null}
                      autoFocus
                      onClick={() => void remove(b.name)}
                    >
                      {busy === b.name ? "Deleting…" : `Delete ${b.name}`}
                    </button>
                    <button type="button" className="button button--ghost button--small" onClick={() => setConfirming(null)}>
                      Cancel
                    </button>
                  </span>
                ) : (
                  <button
                    type="button"
                    className="button button--ghost button--small"
                    aria-label={`Delete branch ${b.name}`}
                    disabled={busy !== null}
                    onClick={() => {
                      setRowError(null);
                      setConfirming(b.name);
                    }}
                  >
                    Delete
                  </button>
                )
              ) : null}
              {rowError?.name === b.name ? (
                <p className="mg-field-error" role="alert">
                  {rowError.text}
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      <p className="ds-status" role="status">
        {notice}
      </p>
      {error ? null : (
        <CreateBranchForm
          slug={slug}
          branches={branches}
          onCreated={(branch) => {
            setNotice(`Created branch ${branch.name} at ${shortCommit(branch.commit)}.`);
            onChanged();
          }}
        />
      )}
    </section>
  );
}

function CreateBranchForm({ slug, branches, onCreated }: { slug: string; branches: readonly Branch[]; onCreated: (branch: Branch) => void }) {
  const [name, setName] = useState("");
  const [from, setFrom] = useState(MAIN_BRANCH);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const sources = branches.some((b) => b.name === MAIN_BRANCH) ? branches : [{ name: MAIN_BRANCH, commit: "" }, ...branches];

  async function submit(event: FormEvent) {
    event.preventDefault();
    const trimmed = name.trim();
    const local = branchNameProblem(trimmed, branches);
    setProblem(local);
    if (local) return;
    setBusy(true);
    try {
      const branch = await createBranch(slug, { name: trimmed, from });
      setName("");
      onCreated(branch);
    } catch (err) {
      setProblem(branchErrorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="ds-branch-form" onSubmit={submit} aria-label="Start a branch" noValidate>
      <div className="form-field mg-grow">
        <label className="form-field__label" htmlFor="branch-name">
          New branch
        </label>
        <input
          id="branch-name"
          className="input"
          value={name}
          placeholder="round-2"
          disabled={busy}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? "branch-name-error" : undefined}
          onChange={(e) => setName(e.target.value)}
        />
      </div>
      <div className="form-field">
        <label className="form-field__label" htmlFor="branch-from">
          From
        </label>
        <select id="branch-from" className="input" value={from} disabled={busy} onChange={(e) => setFrom(e.target.value)}>
          {sources.map((b) => (
            <option key={b.name} value={b.name}>
              {b.name}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="button button--secondary" disabled={busy}>
        {busy ? "Creating…" : "Create branch"}
      </button>
      {problem ? (
        <p id="branch-name-error" className="mg-field-error" role="alert">
          {problem}
        </p>
      ) : null}
    </form>
  );
}
