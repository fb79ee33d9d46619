import "./charts.css";

interface ProgressBarProps {
  /** 0..1, or null for "working, amount unknown" (an animated stripe). */
  value: number | null;
  /** Accessible name, e.g. "Upload". */
  label: string;
  /** Human text for assistive tech, e.g. "3.2 of 8 MB". */
  valueText?: string;
  tone?: "accent" | "success" | "danger";
}

/** A determinate or indeterminate progress bar (role="progressbar"). */
export function ProgressBar({ value, label, valueText, tone = "accent" }: ProgressBarProps) {
  const pct = value === null ? null : Math.round(Math.min(1, Math.max(0, value)) * 100);
  return (
    <div
      className={`progress progress--${tone}${pct === null ? " progress--indeterminate" : ""}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct ?? undefined}
      aria-valuetext={valueText ?? (pct === null ? "Working…" : `${pct}%`)}
    >
      <div className="progress__fill" style={pct === null ? undefined : { width: `${pct}%` }} />
    </div>
  );
}
