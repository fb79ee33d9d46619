import { Link } from "react-router-dom";
import type { Project } from "../../api/projects";

/**
 * The labeling entry points of one project on the projects list: "Start labeling" for every
 * member (site admins act as managers), "Review" for reviewers and managers.
 */
export function ProjectLabelingLinks({ project, isStaff }: { project: Project; isStaff: boolean }) {
  const role = project.role ?? (isStaff ? "manager" : null);
  if (role === null) return null;
  return (
    <span className="project-labeling-links">
      {role === "reviewer" || role === "manager" ? (
        <Link to={`/projects/${project.id}/review`} className="button button--secondary button--small" aria-label={`Review ${project.name}`}>
          Review
        </Link>
      ) : null}
      <Link to={`/projects/${project.id}/annotate`} className="button button--primary button--small" aria-label={`Start labeling ${project.name}`}>
        Start labeling
      </Link>
    </span>
  );
}
