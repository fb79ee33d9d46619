import { useId, type RefObject } from "react";
import { useWidth } from "./useWidth";
import { linearScale, niceTicks, truncate } from "./scale";
import "./charts.css";

export interface Bar {
  /** Unique within the chart. */
  key: string;
  label: string;
  value: number;
  color?: string;
  /** Shown at the end of the bar and in the tooltip; defaults to the value. */
  valueLabel?: string;
  /** Extra tooltip line. */
  detail?: string;
}

interface BarChartProps {
  bars: readonly Bar[];
  /** Accessible name of the chart, e.g. "Labels used, by count". */
  title: string;
  /** Header of the value column in the screen-reader table. */
  valueName?: string;
  /** Characters of label kept before an ellipsis. */
  labelChars?: number;
}

const ROW = 26;
const BAR = 16;
const VALUE_WIDTH = 56;
const AXIS = 20;

/** Room for the labels: a third of the chart, at most 180px. */
export function labelWidthFor(width: number): number {
  return Math.min(180, Math.max(80, Math.round(width / 3)));
}

/**
 * Horizontal bar chart as one SVG. Each bar has a native tooltip (`<title>`); the numbers
 * are also in a visually hidden table for screen readers.
 */
export function BarChart({ bars, title, valueName = "Value", labelChars = 24 }: BarChartProps) {
  const id = useId();
  const [ref, WIDTH] = useWidth<HTMLElement>(480);
  const LABEL_WIDTH = labelWidthFor(WIDTH);
  const max = Math.max(0, ...bars.map((b) => b.value));
  const ticks = niceTicks(max, 4);
  const top = ticks[ticks.length - 1] ?? 1;
  const x = linearScale([0, top], [LABEL_WIDTH, WIDTH - VALUE_WIDTH]);
  const height = bars.length * ROW + AXIS;

  return (
    <figure className="chart" ref={ref as RefObject<HTMLElement>}>
      <svg
        className="chart__svg"
        viewBox={`0 0 ${WIDTH} ${height}`}
        width={WIDTH}
        height={height}
        role="img"
        aria-labelledby={`${id}-title`}
      >
        <title id={`${id}-title`}>{title}</title>
        {ticks.map((tick) => (
          <g key={tick} className="chart__tick" aria-hidden="true">
            <line x1={x(tick)} x2={x(tick)} y1={0} y2={bars.length * ROW} />
            <text x={x(tick)} y={height - 4} textAnchor="middle">
              {tick}
            </text>
          </g>
        ))}
        {bars.map((bar, i) => {
          const y = i * ROW + (ROW - BAR) / 2;
          const end = x(bar.value);
          const valueLabel = bar.valueLabel ?? String(bar.value);
          return (
            <g key={bar.key} className="chart__bar">
              <title>{`${bar.label}: ${valueLabel}${bar.detail ? ` — ${bar.detail}` : ""}`}</title>
              <text className="chart__label" x={LABEL_WIDTH - 8} y={y + BAR / 2} textAnchor="end" dominantBaseline="central">
                {truncate(bar.label, Math.min(labelChars, Math.floor((LABEL_WIDTH - 8) / 6.8)))}
              </text>
              <rect
                x={LABEL_WIDTH}
                y={y}
                width={Math.max(bar.value > 0 ? 2 : 0, end - LABEL_WIDTH)}
                height={BAR}
                rx={3}
                fill={bar.color ?? "var(--color-accent)"}
              />
              <text className="chart__value" x={end + 6} y={y + BAR / 2} dominantBaseline="central">
                {valueLabel}
              </text>
            </g>
          );
        })}
      </svg>
      <table className="visually-hidden">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">{valueName}</th>
          </tr>
        </thead>
        <tbody>
          {bars.map((bar) => (
            <tr key={bar.key}>
              <th scope="row">{bar.label}</th>
              <td>{bar.valueLabel ?? bar.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
