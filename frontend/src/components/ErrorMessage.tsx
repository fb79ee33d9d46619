import { describeError } from "./describeError";

interface ErrorMessageProps {
  /** Anything thrown; turned into a readable sentence. */
  error?: unknown;
  /** Overrides the text derived from `error`. */
  message?: string;
  title?: string;
  onRetry?: () => void;
  id?: string;
}

/** Inline error box, announced to screen readers (role="alert"). */
export function ErrorMessage({ error, message, title, onRetry, id }: ErrorMessageProps) {
  const text = message ?? describeError(error);
  return (
    <div className="error-message" role="alert" id={id}>
      <svg className="error-message__icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
        <circle cx="8" cy="8" r="7" fill="none" stroke="currentColor" strokeWidth="1.5" />
        <path d="M8 4.5v4.25" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
        <circle cx="8" cy="11.25" r="0.9" fill="currentColor" />
      </svg>
      <div className="error-message__body">
        {title ? <p className="error-message__title">{title}</p> : null}
        <p className="error-message__text">{text}</p>
      </div>
      {onRetry ? (
        <button type="button" className="button button--secondary button--small" onClick={onRetry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}
