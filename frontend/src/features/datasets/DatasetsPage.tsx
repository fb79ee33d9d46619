import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router-dom";
import { isApiError } from "../../api/client";
import { createDataset, listDatasets } from "../../api/datasets";
import { listProjects } from "../../api/projects";
import { ErrorMessage } from "../../components/ErrorMessage";
import { FieldMessage, invalidProps } from "../manage/shared/FieldMessage";
import { formatDate, plural } from "../manage/shared/format";
import { PageLoading } from "../manage/shared/PageLoading";
import { useLoad } from "../manage/shared/useLoad";
import "../manage/manage.css";
import "./datasets.css";

/** "Bird boxes, round 2" -> "bird-boxes-round-2". */
export function slugify(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63);
}

/** `/datasets`: the datasets built from projects you manage, and a form to start one. */
export function DatasetsPage() {
  const datasets = useLoad((signal) => listDatasets(undefined, signal), []);
  const [creating, setCreating] = useState(false);

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1 className="page-header__title">Datasets</h1>
          <p className="page-header__subtitle muted">Versioned snapshots of your projects' final labels: branch, compare, merge, release.</p>
        </div>
        {!creating ? (
          <button type="button" className="button button--primary" onClick={() => setCreating(true)}>
            New dataset
          </button>
        ) : null}
      </div>

      {creating ? <NewDatasetForm onCancel={() => setCreating(false)} /> : null}

      {datasets.error ? (
        <ErrorMessage title="Couldn't load the datasets" error={datasets.error} onRetry={datasets.reload} />
      ) : !datasets.data ? (
        <PageLoading label="Loading datasets…" />
      ) : datasets.data.results.length === 0 ? (
        <div className="empty-state">
          <h2 className="empty-state__title">No datasets yet</h2>
          <p className="muted">A dataset gathers the labels of one or more projects you manage.</p>
        </div>
      ) : (
        <div className="table-card">
          <table className="table">
            <caption className="visually-hidden">Datasets</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Slug</th>
                <th scope="col" className="table__num">
                  Projects
                </th>
                <th scope="col" className="table__col-date">
                  Created
                </th>
              </tr>
            </thead>
            <tbody>
              {datasets.data.results.map((d) => (
                <tr key={d.slug}>
                  <td>
                    <Link to={`/datasets/${d.slug}`} className="project-name">
                      {d.name}
                    </Link>
                    {d.description ? <div className="muted mg-small mg-truncate">{d.description}</div> : null}
                  </td>
                  <td className="mg-mono">{d.slug}</td>
                  <td className="table__num">{d.projects.length}</td>
                  <td className="table__col-date">{formatDate(d.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function NewDatasetForm({ onCancel }: { onCancel: () => void }) {
  const navigate = useNavigate();
  const projects = useLoad((signal) => listProjects(undefined, signal), []);
  const [name, setName] = useState("");
  const [slug, setSlug] = useState("");
  const [slugEdited, setSlugEdited] = useState(false);
  const [description, setDescription] = useState("");
  const [picked, setPicked] = useState<number[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const managed = (projects.data?.results ?? []).filter((p) => p.role === "manager");
  const fieldOf = isApiError(error) ? error.field : null;
  const fieldError = (field: string) => (fieldOf === field && isApiError(error) ? error.message : undefined);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const dataset = await createDataset({ slug: slug.trim(), name: name.trim(), description, projects: picked });
      navigate(`/datasets/${dataset.slug}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <section className="mg-card ds-new" aria-labelledby="new-dataset-title">
      <h2 id="new-dataset-title" className="mg-card__title">
        New dataset
      </h2>
      <form className="mg-form" onSubmit={submit} noValidate>
        <div className="mg-grid">
          <div className="form-field">
            <label className="form-field__label" htmlFor="ds-name">
              Name
            </label>
            <input
              id="ds-name"
              className="input"
              value={name}
              required
              maxLength={200}
              onChange={(e) => {
                setName(e.target.value);
                if (!slugEdited) setSlug(slugify(e.target.value));
              }}
              {...invalidProps("ds-name", fieldError("name"))}
            />
            <FieldMessage errorKey="ds-name" message={fieldError("name")} />
          </div>
          <div className="form-field">
            <label className="form-field__label" htmlFor="ds-slug">
              Slug
            </label>
            <input
              id="ds-slug"
              className="input mg-mono"
              value={slug}
              required
              maxLength={63}
              onChange={(e) => {
                setSlug(e.target.value);
                setSlugEdited(true);
              }}
              {...invalidProps("ds-slug", fieldError("slug"))}
            />
            <FieldMessage errorKey="ds-slug" message={fieldError("slug")} />
          </div>
          <div className="form-field mg-wide">
            <label className="form-field__label" htmlFor="ds-description">
              Description
            </label>
            <input id="ds-description" className="input" value={description} onChange={(e) => setDescription(e.target.value)} />
          </div>
        </div>
        <fieldset className="mg-fieldset ds-projects" {...invalidProps("ds-projects", fieldError("projects"))}>
          <legend className="form-field__label">Source projects (you manage them)</legend>
          {projects.error ? (
            <ErrorMessage title="Couldn't load your projects" error={projects.error} onRetry={projects.reload} />
          ) : !projects.data ? (
            <p className="muted mg-small">Loading projects…</p>
          ) : managed.length === 0 ? (
            <p className="muted mg-small">You don't manage any project yet.</p>
          ) : (
            <div className="ds-projects__list">
              {managed.map((p) => (
                <label key={p.id} className="mg-check">
                  <input
                    type="checkbox"
                    checked={picked.includes(p.id)}
                    onChange={(e) => setPicked(e.target.checked ? [...picked, p.id] : picked.filter((id) => id !== p.id))}
                  />
                  <span>{p.name}</span>
                  <span className="muted mg-small">
                    {p.kind} · {plural(p.item_count, "item")}
                  </span>
                </label>
              ))}
            </div>
          )}
          <FieldMessage errorKey="ds-projects" message={fieldError("projects")} />
        </fieldset>
        {error && !fieldOf ? <ErrorMessage title="Couldn't create the dataset" error={error} /> : null}
        {error && fieldOf && !["name", "slug", "projects"].includes(fieldOf) ? <ErrorMessage error={error} /> : null}
        <div className="mg-form__actions">
          <button type="submit" className="button button--primary" disabled={busy || !name.trim() || !slug.trim() || picked.length === 0}>
            {busy ? "Creating…" : "Create dataset"}
          </button>
          <button type="button" className="button button--ghost" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
