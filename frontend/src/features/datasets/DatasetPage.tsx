import { useMemo, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { isApiError } from "../../api/client";
import {
  createMerge,
  getDataset,
  listBranches,
  listVersions,
  mergeConflictOf,
  releaseVersion,
  type Merge,
  type MergeConflict,
  type Version,
} from "../../api/datasets";
import { getProject } from "../../api/manage";
import { ErrorMessage } from "../../components/ErrorMessage";
import { formatCount, formatDateTime } from "../manage/shared/format";
import { PageLoading } from "../manage/shared/PageLoading";
import { useLoad } from "../manage/shared/useLoad";
import { BranchesCard } from "./BranchesCard";
import { ConflictView } from "./ConflictView";
import { DiffView } from "./DiffView";
import { SnapshotCard } from "./SnapshotCard";
import { LabelColors } from "./DocView";
import { labelColor, schemaColors, shortCommit } from "./diffMath";
import "../manage/manage.css";
import "./datasets.css";

const MAIN = "main";

/** `/datasets/:slug`: branches and versions, snapshots, the diff of a round against main, merges, releases. */
export function DatasetPage() {
  const slug = useParams().slug ?? "";
  const dataset = useLoad((signal) => getDataset(slug, signal), [slug]);
  const branches = useLoad((signal) => listBranches(slug, signal), [slug]);
  const versions = useLoad((signal) => listVersions(slug, signal), [slug]);
  const [params, setParams] = useSearchParams();
  const head = params.get("compare");
  const [diffVersion, setDiffVersion] = useState(0);
  const projectIds = dataset.data?.projects ?? [];
  // The source projects' schemas colour the regions; a project that fails to load keeps hash colours.
  const schemas = useLoad(
    (signal) => Promise.all(projectIds.map((id) => getProject(id, signal).then((p) => p.label_schema, () => null))),
    [projectIds.join(",")],
  );
  const colors = useMemo(
    () => (schemas.data ? schemaColors(schemas.data.filter((s) => s !== null)) : labelColor),
    [schemas.data],
  );

  function compare(branch: string | null) {
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (branch) next.set("compare", branch);
        else next.delete("compare");
        return next;
      },
      { replace: true },
    );
  }

  if (dataset.error) {
    const missing = isApiError(dataset.error) && (dataset.error.status === 404 || dataset.error.status === 403);
    return (
      <div className="page">
        <ErrorMessage
          title={missing ? "Dataset not found" : "Couldn't load the dataset"}
          error={dataset.error}
          message={missing ? "This dataset doesn't exist, or you don't manage all of its projects." : undefined}
          onRetry={missing ? undefined : dataset.reload}
        />
        <Link to="/datasets" className="button button--secondary button--small mg-self-start">
          Back to datasets
        </Link>
      </div>
    );
  }
  if (!dataset.data) return <PageLoading label="Loading the dataset…" />;

  const branchList = branches.data ?? [];
  const hasMain = branchList.some((b) => b.name === MAIN);
  const d = dataset.data;

  return (
    <div className="page">
      <div className="mg-project__head">
        <nav aria-label="Breadcrumb" className="mg-breadcrumb">
          <Link to="/datasets">Datasets</Link>
          <span aria-hidden="true">/</span>
        </nav>
        <h1 className="page-header__title">{d.name}</h1>
        <p className="page-header__subtitle muted">
          <span className="mg-mono">{d.slug}</span> · {d.projects.length === 1 ? "1 source project" : `${d.projects.length} source projects`}
          {d.description ? ` · ${d.description}` : ""}
        </p>
      </div>

      <LabelColors.Provider value={colors}>
      <div className="mg-two-columns">
        <BranchesCard
          slug={slug}
          branches={branchList}
          loading={branches.data === null}
          error={branches.error}
          onRetry={branches.reload}
          head={head}
          onCompare={compare}
          onChanged={branches.reload}
          onDeleted={(name) => {
            if (head === name) compare(null);
          }}
        />
        <VersionsCard
          slug={slug}
          versions={versions.data?.results ?? null}
          error={versions.error}
          onRetry={versions.reload}
          canRelease={hasMain}
          onReleased={versions.reload}
        />
      </div>

      <SnapshotCard
        slug={slug}
        branches={branchList}
        onDone={branches.reload}
        onCompare={compare}
      />

      {head && head !== MAIN ? (
        <CompareSection
          key={head}
          slug={slug}
          head={head}
          diffVersion={diffVersion}
          onMerged={() => {
            setDiffVersion((n) => n + 1);
            branches.reload();
          }}
          onClose={() => compare(null)}
        />
      ) : null}
      </LabelColors.Provider>
    </div>
  );
}

function VersionsCard({
  slug,
  versions,
  error,
  onRetry,
  canRelease,
  onReleased,
}: {
  slug: string;
  versions: readonly Version[] | null;
  error: unknown;
  onRetry: () => void;
  canRelease: boolean;
  onReleased: (version: Version) => void;
}) {
  const [notes, setNotes] = useState("");
  const [busy, setBusy] = useState(false);
  const [releaseError, setReleaseError] = useState<unknown>(null);
  const [released, setReleased] = useState("");

  async function release() {
    setBusy(true);
    setReleaseError(null);
    setReleased("");
    try {
      const version = await releaseVersion(slug, { notes: notes.trim() });
      setNotes("");
      setReleased(`Released ${version.name} (${shortCommit(version.commit)}).`);
      onReleased(version);
    } catch (err) {
      setReleaseError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="mg-card" aria-labelledby="versions-title">
      <h2 id="versions-title" className="mg-card__title">
        Versions
      </h2>
      {error ? (
        <ErrorMessage title="Couldn't load the versions" error={error} onRetry={onRetry} />
      ) : versions === null ? (
        <p className="muted mg-small">Loading…</p>
      ) : versions.length === 0 ? (
        <p className="muted mg-small">Nothing released yet.</p>
      ) : (
        <ul className="ds-list" aria-label="Versions">
          {versions.map((v) => (
            <li key={v.name} className="ds-list__row ds-version">
              <span className="ds-branch">{v.name}</span>
              <span className="muted mg-small">
                {formatCount(Number(v.counts.items ?? 0))} items · {formatCount(Number(v.counts.labelled ?? 0))} labelled · {formatDateTime(v.created_at)}
              </span>
              {v.notes ? <p className="ds-version__notes mg-small">{v.notes}</p> : null}
            </li>
          ))}
        </ul>
      )}
      <div className="form-field">
        <label className="form-field__label" htmlFor="release-notes">
          Release notes
        </label>
        <textarea
          id="release-notes"
          className="input mg-textarea"
          rows={2}
          value={notes}
          disabled={busy || !canRelease}
          placeholder={canRelease ? "What changed in this version" : "Merge a round into main first"}
          onChange={(e) => setNotes(e.target.value)}
        />
      </div>
      <div className="mg-form__actions">
        <button type="button" className="button button--secondary" disabled={busy || !canRelease} onClick={release}>
          {busy ? "Releasing…" : "Release as version"}
        </button>
        <span className="muted mg-small">Tags main's head as the next version.</span>
      </div>
      <p className="ds-status" role="status">
        {released}
      </p>
      {releaseError ? <ErrorMessage title="Couldn't release" error={releaseError} /> : null}
    </section>
  );
}

function CompareSection({
  slug,
  head,
  diffVersion,
  onMerged,
  onClose,
}: {
  slug: string;
  head: string;
  diffVersion: number;
  onMerged: (merge: Merge) => void;
  onClose: () => void;
}) {
  const [message, setMessage] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [conflict, setConflict] = useState<MergeConflict | null>(null);
  const [merged, setMerged] = useState("");

  function done(merge: Merge) {
    setMerged(`Merged ${merge.source} into ${merge.target} (${shortCommit(merge.commit)}).`);
    onMerged(merge);
  }

  async function merge() {
    setBusy(true);
    setError(null);
    setMerged("");
    try {
      const answer = await createMerge(slug, { source: head, target: MAIN, message: message.trim() || `Merge ${head}` });
      setMessage("");
      done(answer);
    } catch (err) {
      const found = mergeConflictOf(err);
      if (found) setConflict(found);
      else setError(err);
    } finally {
      setBusy(false);
    }
  }

  if (conflict) {
    return (
      <ConflictView
        slug={slug}
        source={head}
        target={MAIN}
        conflict={conflict}
        onCancel={() => setConflict(null)}
        onResolved={(answer) => {
          setConflict(null);
          done(answer);
        }}
      />
    );
  }

  return (
    <section className="mg-card" aria-labelledby="diff-title">
      <div className="mg-card__head mg-card__head--row">
        <h2 id="diff-title" className="mg-card__title">
          {head} compared with {MAIN}
        </h2>
        <button type="button" className="button button--ghost button--small" onClick={onClose}>
          Close
        </button>
      </div>
      <div className="ds-merge-bar">
        <div className="form-field mg-grow">
          <label className="form-field__label" htmlFor="merge-message">
            Merge message
          </label>
          <input id="merge-message" className="input" value={message} placeholder={`Merge ${head}`} disabled={busy} onChange={(e) => setMessage(e.target.value)} />
        </div>
        <button type="button" className="button button--primary" disabled={busy} onClick={merge}>
          {busy ? "Merging…" : `Merge ${head} into ${MAIN}`}
        </button>
      </div>
      <p className="ds-status" role="status">
        {merged}
      </p>
      {error ? <ErrorMessage title="Couldn't merge" error={error} /> : null}
      <DiffView slug={slug} base={MAIN} head={head} version={diffVersion} />
    </section>
  );
}
