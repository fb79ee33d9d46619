import { Link } from "react-router-dom";
import { MAX_LISTED_PROBLEMS, type ImportFailure, type ImportReport, type RejectedRow } from "../../../api/imports";
import { ErrorMessage } from "../../../components/ErrorMessage";
import { formatCount } from "../shared/format";

export function ImportReportView({ report, projectId }: { report: ImportReport; projectId: number }) {
  return (
    <section className="mg-card" aria-labelledby="report-title">
      <h2 id="report-title" className="mg-card__title">
        Import report
      </h2>
      <dl className="mg-tiles">
        <Tile label="Created" value={report.created} tone={report.created > 0 ? "good" : undefined} />
        <Tile label="Skipped duplicates" value={report.skippedDuplicates} />
        {report.preAnnotations > 0 ? <Tile label="Pre-annotations" value={report.preAnnotations} /> : null}
        <Tile label="Rejected rows" value={report.rejected.length} />
      </dl>
      {report.duplicates.length > 0 ? (
        <>
          <h3 className="mg-subtitle">Duplicates (not imported again)</h3>
          <div className="table-card">
            <table className="table mg-table mg-table--compact">
              <thead>
                <tr>
                  <th scope="col">Row / file</th>
                  <th scope="col">Same image as</th>
                  <th scope="col">SHA-256</th>
                </tr>
              </thead>
              <tbody>
                {report.duplicates.map((dup, i) => (
                  <tr key={`${dup.row}-${i}`}>
                    <td>{dup.row}</td>
                    <td>
                      {dup.itemId !== null ? (
                        <Link to={`/projects/${projectId}/items/${dup.itemId}`}>item #{dup.itemId}</Link>
                      ) : dup.sameAsRow !== null ? (
                        `row ${dup.sameAsRow} of this upload`
                      ) : (
                        "—"
                      )}
                    </td>
                    <td className="mg-mono mg-truncate" title={dup.sha256}>
                      {dup.sha256.slice(0, 16)}…
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
      {report.rejected.length > 0 ? <RejectedTable rows={report.rejected} rowCount={report.rejected.length} /> : null}
      <div className="mg-form__actions">
        <Link to={`/projects/${projectId}/items`} className="button button--secondary button--small">
          Browse items
        </Link>
        <Link to={`/projects/${projectId}`} className="button button--ghost button--small">
          Dashboard
        </Link>
      </div>
    </section>
  );
}

export function ImportFailureView({ failure }: { failure: ImportFailure }) {
  const title =
    failure.code === "import_rejected"
      ? "Nothing was imported"
      : failure.code === "import_malformed"
        ? "The file could not be read"
        : "The import failed";
  const message = failure.line !== null && !failure.message.includes("line") ? `${failure.message} (line ${failure.line})` : failure.message;
  return (
    <section className="mg-stack" aria-label="Import problems">
      <ErrorMessage title={title} message={message} />
      {failure.rejected.length > 0 ? (
        <RejectedTable rows={failure.rejected} rowCount={failure.rejectedCount} intro="Fix these rows and import again:" />
      ) : null}
    </section>
  );
}

function RejectedTable({ rows, rowCount, intro }: { rows: readonly RejectedRow[]; rowCount: number; intro?: string }) {
  const showSource = rows.some((r) => r.source !== null);
  const counts = rows.length === rowCount ? formatCount(rowCount) : `${formatCount(rowCount)} rows, ${formatCount(rows.length)} problems`;
  return (
    <div className="mg-stack-sm">
      <h3 className="mg-subtitle">
        Rejected rows <span className="muted">({counts})</span>
      </h3>
      {intro ? <p className="muted mg-small">{intro}</p> : null}
      <div className="table-card mg-scroll">
        <table className="table mg-table mg-table--compact">
          <caption className="visually-hidden">Rejected rows</caption>
          <thead>
            <tr>
              <th scope="col" className="mg-col-row">
                Row
              </th>
              {showSource ? <th scope="col">File</th> : null}
              <th scope="col" className="mg-col-field">
                Field
              </th>
              <th scope="col">Problem</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              <tr key={i}>
                <td className="mg-mono">{row.row ?? "—"}</td>
                {showSource ? <td className="mg-truncate">{row.source ?? ""}</td> : null}
                <td className="mg-mono">{row.field ?? "—"}</td>
                <td>{row.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length >= MAX_LISTED_PROBLEMS ? (
        <p className="muted mg-small">Only the first {formatCount(MAX_LISTED_PROBLEMS)} problems are listed.</p>
      ) : null}
    </div>
  );
}

function Tile({ label, value, tone }: { label: string; value: number; tone?: "good" }) {
  return (
    <div className={`mg-tile${tone ? ` mg-tile--${tone}` : ""}`}>
      <dt className="mg-tile__label">{label}</dt>
      <dd className="mg-tile__value">{formatCount(value)}</dd>
    </div>
  );
}
