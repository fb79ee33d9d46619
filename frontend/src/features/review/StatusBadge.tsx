import type { AnnotationOut } from "../../api/annotations";
import styles from "./review.module.css";

const NAMES: Record<AnnotationOut["status"], string> = { pending: "Pending", accepted: "Accepted", rejected: "Rejected" };

export function StatusBadge({ status }: { status: AnnotationOut["status"] }) {
  return <span className={`${styles.status} ${styles[`status_${status}`]}`}>{NAMES[status] ?? status}</span>;
}
