import { Link } from "react-router-dom";
import { getProjectStats, summarizeStats, type ProjectStats } from "../../../api/stats";
import { BarChart, type Bar } from "../../../components/charts/BarChart";
import { StackedBar } from "../../../components/charts/StackedBar";
import { percent } from "../../../components/charts/scale";
import { ErrorMessage } from "../../../components/ErrorMessage";
import type { LabelSchema } from "../../../api/manage";
import { useManagedProject } from "../shared/context";
import { ReviewersOnly } from "../shared/ReviewersOnly";
import { formatCount, formatDuration, formatScore } from "../shared/format";
import { PageLoading } from "../shared/PageLoading";
import { useLoad } from "../shared/useLoad";

const STATE_COLORS = { open: "#d0d5dd", submitted: "#f79009", done: "#12b76a" } as const;

/** Histogram bars in schema order, coloured like the labels; labels no longer in the schema last. */
export function labelBars(labels: Record<string, number>, schema: LabelSchema): Bar[] {
  const bars: Bar[] = [];
  const seen = new Set<string>();
  for (const control of schema.controls) {
    for (const label of control.labels) {
      const ref = `${control.name}:${label.name}`;
      seen.add(ref);
      bars.push({ key: ref, label: `${control.name} › ${label.name}`, value: labels[ref] ?? 0, color: label.color });
    }
  }
  for (const [ref, value] of Object.entries(labels)) {
    if (!seen.has(ref)) bars.push({ key: ref, label: ref.replace(":", " › "), value, color: "#98a2b3", detail: "not in the schema any more" });
  }
  return bars;
}

/** `/projects/:id`: progress, throughput per annotator, lead time, agreement, labels. */
export function DashboardPage() {
  const { project, canReview } = useManagedProject();
  if (!canReview) return <ReviewersOnly projectId={project.id} what="The dashboard" />;
  return <Dashboard />;
}

function Dashboard() {
  const { project, canManage } = useManagedProject();
  const stats = useLoad<ProjectStats>((signal) => getProjectStats(project.id, signal), [project.id]);

  if (stats.error) return <ErrorMessage title="Couldn't load the statistics" error={stats.error} onRetry={stats.reload} />;
  if (!stats.data) return <PageLoading label="Loading statistics…" />;

  const s = stats.data;
  const summary = summarizeStats(s);
  const annotationCount = Object.values(s.annotations).reduce((a, b) => a + (b ?? 0), 0);

  if (s.items.total === 0) {
    return (
      <div className="empty-state">
        <h2 className="empty-state__title">No items yet</h2>
        <p className="muted">
          {canManage ? (
            <>
              <Link to={`/projects/${project.id}/import`}>Import items</Link> and add annotators on the{" "}
              <Link to={`/projects/${project.id}/members`}>Members</Link> page to get going.
            </>
          ) : (
            "A manager hasn't imported any items yet."
          )}
        </p>
      </div>
    );
  }

  return (
    <div className="mg-stack">
      <dl className="mg-tiles mg-tiles--wide">
        <Tile label="Items done" value={`${percent(s.items.done, s.items.total)}%`} sub={`${formatCount(s.items.done)} of ${formatCount(s.items.total)}`} />
        <Tile label="Annotations" value={formatCount(annotationCount)} sub={`${formatCount(summary.lastHour)} last hour · ${formatCount(summary.lastDay)} last day`} />
        <Tile label="Mean lead time" value={formatDuration(summary.meanLeadTimeMs)} sub="time spent per annotation" />
        <Tile label="Agreement" value={formatScore(s.agreement)} sub="mean over items with overlap" />
        <Tile
          label="Ground-truth score"
          value={formatScore(summary.groundTruthScore)}
          sub={`${formatCount(s.items.ground_truth)} ground-truth ${s.items.ground_truth === 1 ? "item" : "items"}`}
        />
      </dl>

      <section className="mg-card" aria-labelledby="progress-title">
        <div className="mg-card__head mg-card__head--row">
          <h2 id="progress-title" className="mg-card__title">
            Progress
          </h2>
          <Link to={`/projects/${project.id}/items`} className="mg-small">
            Browse items
          </Link>
        </div>
        <StackedBar
          title="Items by state"
          parts={[
            { key: "done", label: "Done", value: s.items.done, color: STATE_COLORS.done },
            { key: "submitted", label: "Submitted (awaiting review)", value: s.items.submitted, color: STATE_COLORS.submitted },
            { key: "open", label: "Open", value: s.items.open, color: STATE_COLORS.open },
          ]}
        />
        {annotationCount > 0 ? (
          <p className="muted mg-small">
            Annotations: {formatCount(s.annotations.pending ?? 0)} pending · {formatCount(s.annotations.accepted ?? 0)} accepted ·{" "}
            {formatCount(s.annotations.rejected ?? 0)} rejected
          </p>
        ) : null}
      </section>

      <div className="mg-stack">
        <section className="mg-card" aria-labelledby="annotators-title">
          <h2 id="annotators-title" className="mg-card__title">
            Annotators
          </h2>
          {s.annotators.length === 0 ? (
            <p className="muted">No annotations yet.</p>
          ) : (
            <>
              <BarChart
                title="Annotations per annotator"
                valueName="Annotations"
                bars={s.annotators.map((a) => ({
                  key: String(a.user_id),
                  label: a.username,
                  value: a.annotations,
                  detail: `${a.last_hour} last hour, ${a.last_day} last day`,
                }))}
              />
              <div className="mg-scroll">
                <table className="mg-mini-table">
                  <caption className="visually-hidden">Throughput and quality per annotator</caption>
                  <thead>
                    <tr>
                      <th scope="col">Annotator</th>
                      <th scope="col" className="table__num">
                        Last hour
                      </th>
                      <th scope="col" className="table__num">
                        Last day
                      </th>
                      <th scope="col" className="table__num">
                        Lead time
                      </th>
                      <th scope="col" className="table__num">
                        Agreement
                      </th>
                      <th scope="col" className="table__num">
                        GT score
                      </th>
                      <th scope="col" className="table__num" title="accepted / rejected">
                        Reviewed
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {s.annotators.map((a) => (
                      <tr key={a.user_id}>
                        <th scope="row">
                          <Link to={`/projects/${project.id}/items?annotator=${a.user_id}`}>{a.username}</Link>
                        </th>
                        <td className="table__num">{formatCount(a.last_hour)}</td>
                        <td className="table__num">{formatCount(a.last_day)}</td>
                        <td className="table__num">{formatDuration(a.mean_lead_time_ms)}</td>
                        <td className="table__num">{formatScore(a.mean_agreement)}</td>
                        <td className="table__num" title={a.ground_truth_items ? `${a.ground_truth_items} scored` : undefined}>
                          {formatScore(a.mean_ground_truth_score)}
                        </td>
                        <td className="table__num">
                          {a.accepted} / {a.rejected}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </section>

        <section className="mg-card" aria-labelledby="labels-title">
          <h2 id="labels-title" className="mg-card__title">
            Labels used
          </h2>
          {Object.keys(s.labels).length === 0 ? (
            <p className="muted">No labels used yet.</p>
          ) : (
            <BarChart title="Label histogram: regions and choices per label" valueName="Uses" bars={labelBars(s.labels, project.label_schema)} />
          )}
          <p className="muted mg-small">Counts every region or choice, rejected annotations excluded.</p>
        </section>
      </div>
    </div>
  );
}

function Tile({ label, value, sub }: { label: string; value: string; sub: string }) {
  return (
    <div className="mg-tile">
      <dt className="mg-tile__label">{label}</dt>
      <dd className="mg-tile__value">{value}</dd>
      <dd className="mg-tile__sub muted">{sub}</dd>
    </div>
  );
}
