import { useOutletContext } from "react-router-dom";
import type { ProjectDetail } from "../../../api/manage";

export interface ManagedProjectContext {
  project: ProjectDetail;
  /** Replace the loaded project (after a PATCH answered with the new one). */
  setProject: (project: ProjectDetail) => void;
  /** The caller may change settings, members and imports (manager or site admin). */
  canManage: boolean;
  /** The caller may see the dashboard and browse items (reviewer, manager or site admin). */
  canReview: boolean;
}

/** The project loaded by `ManageLayout`, for its child screens. */
export function useManagedProject(): ManagedProjectContext {
  return useOutletContext<ManagedProjectContext>();
}
