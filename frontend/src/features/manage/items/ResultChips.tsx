import type { Result } from "../../../api/items";
import { classChoices, regionSummary, type ColorLookup } from "./regions";

/** The class choices of a result as coloured chips, and a count of its drawn regions. */
export function ResultChips({ result, color }: { result: Result; color: ColorLookup }) {
  const classes = classChoices(result);
  const regions = regionSummary(result);
  if (classes.length === 0 && !regions) return <p className="muted mg-small">Empty result.</p>;
  return (
    <div className="mg-chips">
      {classes.map((choice) =>
        choice.labels.map((label) => (
          <span key={`${choice.control}:${label}`} className="mg-label-chip mg-label-chip--small" style={{ ["--chip-color" as string]: color(choice.control, label) }}>
            <span className="mg-label-chip__swatch" aria-hidden="true" />
            <span className="muted">{choice.control}:</span> {label}
          </span>
        )),
      )}
      {regions ? <span className="muted mg-small">{regions}</span> : null}
    </div>
  );
}
