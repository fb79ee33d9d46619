import { useState } from "react";
import { Link, useLocation, useSearchParams } from "react-router-dom";
import { ITEM_STATES, listItems, type Item } from "../../../api/items";
import { listAllMembers } from "../../../api/members";
import { ErrorMessage } from "../../../components/ErrorMessage";
import { useManagedProject } from "../shared/context";
import { ReviewersOnly } from "../shared/ReviewersOnly";
import { formatCount, formatScore } from "../shared/format";
import { Pagination } from "../shared/Pagination";
import { useLoad } from "../shared/useLoad";
import { filtersFromParams, pageFromParams, withFilters } from "./itemFilters";

const PAGE_SIZE = 25;
const STATE_LABELS = { open: "Open", submitted: "Submitted", done: "Done" } as const;

/** `/projects/:id/items`: filter by state, annotator, agreement and ground truth; paginated. */
export function ItemsPage() {
  const { project, canReview } = useManagedProject();
  if (!canReview) return <ReviewersOnly projectId={project.id} what="The items browser" />;
  return <ItemsBrowser />;
}

function ItemsBrowser() {
  const { project } = useManagedProject();
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const filters = filtersFromParams(params);
  const page = pageFromParams(params);
  const key = `${params.toString()}`;
  const items = useLoad((signal) => listItems(project.id, filters, page, { signal, pageSize: PAGE_SIZE }), [project.id, key]);
  const members = useLoad((signal) => listAllMembers(project.id, signal), [project.id]);
  const [agreementInput, setAgreementInput] = useState(params.get("agreement_below") ?? "");

  const data = items.data;
  const totalPages = data ? Math.max(1, Math.ceil(data.count / PAGE_SIZE)) : 1;
  const set = (patch: Record<string, string | null>) => setParams(withFilters(params, patch));
  const filtered = ["state", "annotator", "agreement_below", "ground_truth"].some((k) => params.has(k));

  return (
    <div className="mg-stack">
      <form
        className="mg-filters"
        aria-label="Filter items"
        onSubmit={(e) => {
          e.preventDefault();
          set({ agreement_below: agreementInput.trim() === "" ? null : agreementInput.trim() });
        }}
      >
        <div className="form-field">
          <label className="form-field__label" htmlFor="filter-state">
            State
          </label>
          <select id="filter-state" className="input mg-select" value={filters.state ?? ""} onChange={(e) => set({ state: e.target.value })}>
            <option value="">Any state</option>
            {ITEM_STATES.map((s) => (
              <option key={s} value={s}>
                {STATE_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="form-field">
          <label className="form-field__label" htmlFor="filter-annotator">
            Annotated by
          </label>
          <select
            id="filter-annotator"
            className="input mg-select"
            value={filters.annotator === undefined ? "" : String(filters.annotator)}
            onChange={(e) => set({ annotator: e.target.value })}
          >
            <option value="">Anyone</option>
            {(members.data ?? []).map((m) => (
              <option key={m.user_id} value={m.user_id}>
                {m.username}
              </option>
            ))}
          </select>
        </div>
        <div className="form-field">
          <label className="form-field__label" htmlFor="filter-agreement">
            Agreement below
          </label>
          <div className="mg-inline">
            <input
              id="filter-agreement"
              className="input mg-number"
              inputMode="decimal"
              placeholder="0–1"
              value={agreementInput}
              onChange={(e) => setAgreementInput(e.target.value)}
              onBlur={() => {
                const value = agreementInput.trim();
                if (value !== (params.get("agreement_below") ?? "")) set({ agreement_below: value || null });
              }}
            />
          </div>
        </div>
        <div className="form-field">
          <label className="form-field__label" htmlFor="filter-gt">
            Ground truth
          </label>
          <select
            id="filter-gt"
            className="input mg-select"
            value={filters.groundTruth === undefined ? "" : String(filters.groundTruth)}
            onChange={(e) => set({ ground_truth: e.target.value })}
          >
            <option value="">Any item</option>
            <option value="true">Ground truth only</option>
            <option value="false">Without ground truth</option>
          </select>
        </div>
        <button type="submit" className="visually-hidden" tabIndex={-1}>
          Apply
        </button>
        {filtered ? (
          <button
            type="button"
            className="button button--ghost button--small mg-filters__clear"
            onClick={() => {
              setAgreementInput("");
              setParams(new URLSearchParams());
            }}
          >
            Clear filters
          </button>
        ) : null}
      </form>

      <p className="muted mg-small" aria-live="polite">
        {data ? `${formatCount(data.count)} ${data.count === 1 ? "item" : "items"}${filtered ? (data.count === 1 ? " matches" : " match") : ""}` : "\u00a0"}
      </p>

      {items.error ? <ErrorMessage title="Couldn't load the items" error={items.error} onRetry={items.reload} /> : null}

      {data && data.results.length === 0 ? (
        <div className="empty-state">
          <h2 className="empty-state__title">{filtered ? "No items match these filters" : "No items yet"}</h2>
          {!filtered ? (
            <p className="muted">
              <Link to={`/projects/${project.id}/import`}>Import items</Link> to get started.
            </p>
          ) : null}
        </div>
      ) : null}

      {data === null && !items.error ? <div className="table-card mg-items-skeleton" aria-busy="true" /> : null}

      {data && data.results.length > 0 ? (
        <div className={`table-card${items.loading ? " is-loading" : ""}`} aria-busy={items.loading}>
          <table className="table mg-table mg-items">
            <caption className="visually-hidden">Items of {project.name}</caption>
            <colgroup>
              <col />
              <col className="mg-col-state" />
              <col className="mg-col-num" />
              <col className="mg-col-num" />
            </colgroup>
            <thead>
              <tr>
                <th scope="col">Item</th>
                <th scope="col">State</th>
                <th scope="col" className="table__num">
                  Annotations
                </th>
                <th scope="col" className="table__num">
                  Agreement
                </th>
              </tr>
            </thead>
            <tbody>
              {data.results.map((item) => (
                <ItemRow key={item.id} item={item} projectId={project.id} from={location.search} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      {data && (data.next !== null || data.previous !== null) ? (
        <Pagination
          page={page}
          totalPages={totalPages}
          hasPrevious={data.previous !== null}
          hasNext={data.next !== null}
          onChange={(target) => set({ page: target <= 1 ? null : String(target) })}
        />
      ) : null}
    </div>
  );
}

function ItemRow({ item, projectId, from }: { item: Item; projectId: number; from: string }) {
  const name = item.external_id ?? `#${item.id}`;
  return (
    <tr>
      <td>
        <Link to={`/projects/${projectId}/items/${item.id}`} state={{ from }} className="mg-item-link">
          {item.media_url !== null ? (
            item.thumbnail_url ? (
              <img className="mg-thumb" src={item.thumbnail_url} alt="" loading="lazy" width={56} height={42} />
            ) : (
              <span className="mg-thumb mg-thumb--empty" aria-hidden="true" />
            )
          ) : null}
          <span className="mg-item-link__text">
            <span className="mg-item-link__name">{name}</span>
            {item.text ? <span className="mg-item-link__snippet">{item.text}</span> : null}
          </span>
        </Link>
      </td>
      <td>
        <span className={`mg-state mg-state--${item.state}`}>{STATE_LABELS[item.state]}</span>
      </td>
      <td className="table__num">{item.annotation_count}</td>
      <td className="table__num">{formatScore(item.agreement)}</td>
    </tr>
  );
}
