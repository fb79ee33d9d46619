import { Link } from "react-router-dom";

/** Shown instead of a reviewers' screen to annotators, who have their own workspace. */
export function ReviewersOnly({ projectId, what }: { projectId: number; what: string }) {
  return (
    <div className="empty-state">
      <h2 className="empty-state__title">{what} is for reviewers and managers</h2>
      <p className="muted">
        <Link to={`/projects/${projectId}/annotate`}>Start annotating</Link> or go back to the{" "}
        <Link to="/projects">projects</Link>.
      </p>
    </div>
  );
}
