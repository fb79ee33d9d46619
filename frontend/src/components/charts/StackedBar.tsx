import { useId } from "react";
import { percent, stackSegments } from "./scale";
import "./charts.css";

export interface StackPart {
  key: string;
  label: string;
  value: number;
  color: string;
}

interface StackedBarProps {
  parts: readonly StackPart[];
  /** Accessible name, e.g. "Items by state". */
  title: string;
  /** Show a legend with counts and percentages under the bar. */
  legend?: boolean;
}

const WIDTH = 1000;
const HEIGHT = 14;

/** One horizontal bar split into coloured parts (e.g. items open / submitted / done). */
export function StackedBar({ parts, title, legend = true }: StackedBarProps) {
  const id = useId();
  const total = parts.reduce((sum, p) => sum + Math.max(0, p.value), 0);
  const segments = stackSegments(
    parts.map((p) => p.value),
    WIDTH,
  );
  const description = parts.map((p) => `${p.label} ${p.value} (${percent(p.value, total)}%)`).join(", ");

  return (
    <figure className="chart chart--stacked">
      <svg
        className="chart__svg chart__svg--stacked"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-desc`}
      >
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{total === 0 ? "Nothing yet" : description}</desc>
        <rect x={0} y={0} width={WIDTH} height={HEIGHT} className="chart__track" />
        {parts.map((part, i) => {
          const seg = segments[i];
          if (!seg || seg.size === 0) return null;
          return (
            <rect key={part.key} x={seg.start} y={0} width={seg.size} height={HEIGHT} fill={part.color}>
              <title>{`${part.label}: ${part.value} (${percent(part.value, total)}%)`}</title>
            </rect>
          );
        })}
      </svg>
      {legend ? (
        <ul className="chart__legend" aria-hidden="true">
          {parts.map((part) => (
            <li key={part.key}>
              <span className="chart__swatch" style={{ background: part.color }} />
              <span>{part.label}</span>
              <span className="chart__legend-value">
                {part.value} · {percent(part.value, total)}%
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </figure>
  );
}
