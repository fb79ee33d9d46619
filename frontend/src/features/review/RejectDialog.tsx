import { useState } from "react";
import { Dialog } from "../../annotator/view/Dialog";
import { ErrorMessage } from "../../components/ErrorMessage";
import styles from "./review.module.css";

interface RejectDialogProps {
  username: string;
  sending: boolean;
  error: unknown;
  onSend: (comment: string) => void;
  onClose: () => void;
}

/** Ask what is wrong (the annotator sees it in their history); Enter sends, Shift+Enter breaks the line. */
export function RejectDialog({ username, sending, error, onSend, onClose }: RejectDialogProps) {
  const [comment, setComment] = useState("");
  const [empty, setEmpty] = useState(false);
  const send = () => {
    if (!comment.trim()) {
      setEmpty(true);
      return;
    }
    onSend(comment.trim());
  };
  return (
    <Dialog
      title={`Reject ${username}'s annotation`}
      onClose={onClose}
      initialFocus="reject-comment"
      actions={
        <button type="button" className="button button--primary" onClick={send} disabled={sending}>
          {sending ? <span className="spinner spinner--on-accent" aria-hidden="true" /> : null}
          Reject
        </button>
      }
    >
      <div className="form-field">
        <label className="form-field__label" htmlFor="reject-comment">
          What should be fixed?
        </label>
        <textarea
          id="reject-comment"
          className={`input ${styles.comment}`}
          rows={4}
          value={comment}
          aria-invalid={empty || undefined}
          aria-describedby="reject-hint"
          onChange={(event) => {
            setComment(event.target.value);
            setEmpty(false);
          }}
          onKeyDown={(event) => {
            if (event.key === "Enter" && !event.shiftKey) {
              event.preventDefault();
              send();
            }
          }}
        />
        <p id="reject-hint" className={styles.hint}>
          {empty ? "Say what is wrong so the annotator can fix it." : "Enter sends · Shift+Enter for a new line"}
        </p>
        {error ? <ErrorMessage error={error} /> : null}
      </div>
    </Dialog>
  );
}
